// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Parallel
import RBACModel
import RBACReport
import RBACStore

/// JSON Lines evaluation for CI: one request per line in, the same object with the answer added out, in order.
///
/// Attributes are literal, as a SubjectAccessReview takes them: no short names, no implicit groups, no scope
/// fix-up. Every line is read and checked before any answer is written, so a bad line fails the whole batch.
public enum Batch {
  /// One input line.
  struct Line: Decodable {
    var user: String? = nil
    var groups: [String]? = nil
    var verb: String? = nil
    var apiGroup: String? = nil
    var resource: String? = nil
    var subresource: String? = nil
    var name: String? = nil
    var namespace: String? = nil
    var nonResourceURL: String? = nil

    func request(line: Int) throws -> RequestAttributes {
      guard let verb, !verb.isEmpty else { throw BatchError(line: line, message: "field verb: required") }
      if let url = nonResourceURL {
        guard resource == nil else {
          throw BatchError(line: line, message: "a line has either resource or nonResourceURL, not both")
        }
        return .nonResource(verb, path: url)
      }
      guard let resource, !resource.isEmpty else {
        throw BatchError(line: line, message: "field resource (or nonResourceURL): required")
      }
      return .resource(
        verb, group: apiGroup ?? "", resource, subresource: subresource ?? "", name: name ?? "",
        namespace: namespace ?? "")
    }
  }

  /// A line that is not a request.
  public struct BatchError: Error, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
  }

  /// The non-empty lines of the input with their 1-based numbers, as byte ranges: a batch is a hundred thousand
  /// lines, so they are cut and answered as bytes, never as Characters.
  struct Lines {
    let bytes: [UInt8]
    var ranges: [(number: Int, range: Range<Int>)] = []

    init(_ data: Data) {
      bytes = [UInt8](data)
      var start = 0
      var number = 1
      func add(_ end: Int) {
        if bytes[start..<end].contains(where: { !Self.isSpace($0) }) { ranges.append((number, start..<end)) }
      }
      for (i, byte) in bytes.enumerated() where byte == 0x0A {
        add(i)
        start = i + 1
        number += 1
      }
      if start < bytes.count { add(bytes.count) }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

    /// The line with `member` added as its object's last member: `{"a":1}` + `"b":2` is `{"a":1,"b":2}`.
    func appending(_ index: Int, _ member: String, to out: inout [UInt8]) {
      var end = ranges[index].range.upperBound
      let start = ranges[index].range.lowerBound
      while end > start && Self.isSpace(bytes[end - 1]) { end -= 1 }
      end -= 1  // the closing brace
      var body = end
      while body > start && Self.isSpace(bytes[body - 1]) { body -= 1 }
      out.append(contentsOf: bytes[start..<body])
      if body > start && bytes[body - 1] != UInt8(ascii: "{") { out.append(UInt8(ascii: ",")) }
      out.append(contentsOf: member.utf8)
      out.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
    }
  }

  static func decode(_ lines: Lines) throws -> [Line] {
    let decoder = JSONDecoder()
    return try lines.ranges.map { number, range in
      if let line = FlatObject.parse(lines.bytes[range]) { return line }
      // Anything the fast path does not take (escapes, nulls, other value types, malformed text) goes through
      // JSONDecoder, which accepts all valid JSON and names what is wrong with the rest.
      do {
        return try decoder.decode(Line.self, from: Data(lines.bytes[range]))
      } catch let error as DecodingError {
        throw BatchError(line: number, message: describe(error))
      }
    }
  }

  /// A fast reader for the common shape of a batch line: one flat object whose values are plain strings or lists of
  /// plain strings. It returns nil for everything else, never a wrong answer.
  enum FlatObject {
    static func parse(_ bytes: ArraySlice<UInt8>) -> Line? {
      var i = bytes.startIndex
      let end = bytes.endIndex
      func skipSpace() { while i < end && Lines.isSpace(bytes[i]) { i += 1 } }
      func string() -> String? {
        guard i < end, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var j = start
        while j < end && bytes[j] != UInt8(ascii: "\"") {
          if bytes[j] == UInt8(ascii: "\\") || bytes[j] < 0x20 { return nil }
          j += 1
        }
        guard j < end else { return nil }
        i = j + 1
        return String(decoding: bytes[start..<j], as: UTF8.self)
      }
      var line = Line()
      skipSpace()
      guard i < end, bytes[i] == UInt8(ascii: "{") else { return nil }
      i += 1
      skipSpace()
      if i < end && bytes[i] == UInt8(ascii: "}") {
        i += 1
      } else {
        while true {
          skipSpace()
          guard let key = string() else { return nil }
          skipSpace()
          guard i < end, bytes[i] == UInt8(ascii: ":") else { return nil }
          i += 1
          skipSpace()
          guard i < end else { return nil }
          if bytes[i] == UInt8(ascii: "[") {
            i += 1
            var items: [String] = []
            skipSpace()
            if i < end && bytes[i] == UInt8(ascii: "]") {
              i += 1
            } else {
              while true {
                skipSpace()
                guard let item = string() else { return nil }
                items.append(item)
                skipSpace()
                guard i < end else { return nil }
                if bytes[i] == UInt8(ascii: "]") {
                  i += 1
                  break
                }
                guard bytes[i] == UInt8(ascii: ",") else { return nil }
                i += 1
              }
            }
            guard key == "groups" else { return nil }
            line.groups = items
          } else {
            guard let value = string() else { return nil }
            switch key {
            case "user": line.user = value
            case "verb": line.verb = value
            case "apiGroup": line.apiGroup = value
            case "resource": line.resource = value
            case "subresource": line.subresource = value
            case "name": line.name = value
            case "namespace": line.namespace = value
            case "nonResourceURL": line.nonResourceURL = value
            case "groups": return nil
            default: break  // unknown members are ignored, as JSONDecoder ignores them
            }
          }
          skipSpace()
          guard i < end else { return nil }
          if bytes[i] == UInt8(ascii: "}") {
            i += 1
            break
          }
          guard bytes[i] == UInt8(ascii: ",") else { return nil }
          i += 1
        }
      }
      skipSpace()
      return i == end ? line : nil
    }
  }

  static func describe(_ error: DecodingError) -> String {
    switch error {
    case .typeMismatch(_, let c), .valueNotFound(_, let c):
      // A mismatch at the top, with no field on its path, is a line that is JSON but not an object.
      guard !c.codingPath.isEmpty else { return "not a JSON object" }
      return "field \(c.codingPath.map(\.stringValue).joined(separator: ".")): wrong type"
    case .keyNotFound(let key, _): return "field \(key.stringValue): required"
    case .dataCorrupted: return "not a JSON object"
    @unknown default: return "\(error)"
    }
  }

  /// `can-i --batch`: adds `"allowed": true|false` to each line. The lines are read on another core while
  /// `policy` loads, then answered on every core: each answer reads only the policy. A bad line fails the batch
  /// before anything is written.
  public static func canI(_ input: Data, policy load: () throws -> Policy, write: ([UInt8]) -> Void) throws {
    let (read, policy) = try inParallel({ Result { try requests(Lines(input)) } }, while: load)
    let (lines, asked) = try read.get()
    let allowed = asked.concurrentMap { user, request in policy.allows(user, request) }
    var out: [UInt8] = []
    for (i, allowed) in allowed.enumerated() {
      lines.appending(i, allowed ? "\"allowed\":true" : "\"allowed\":false", to: &out)
      flushIfFull(&out, write)
    }
    write(out)
  }

  /// Each line's identity and request, or the first line that is not one.
  static func requests(_ lines: Lines) throws -> (Lines, [(UserInfo, RequestAttributes)]) {
    let decoded = try decode(lines)
    var requests: [(UserInfo, RequestAttributes)] = []
    requests.reserveCapacity(decoded.count)
    for (line, (number, _)) in zip(decoded, lines.ranges) {
      requests.append((UserInfo(name: line.user ?? "", groups: line.groups ?? []), try line.request(line: number)))
    }
    return (lines, requests)
  }

  /// Writes the answers gathered so far once they pass 64 KiB: one write per line would cost a system call each.
  static func flushIfFull(_ out: inout [UInt8], _ write: ([UInt8]) -> Void) {
    guard out.count > 1 << 16 else { return }
    write(out)
    out.removeAll(keepingCapacity: true)
  }

  /// One subject of a `who-can --batch` answer.
  struct SubjectLine: Encodable {
    var kind: String
    var namespace: String
    var name: String
    var implicit: Bool
    var via: [Via]

    struct Via: Encodable {
      var binding: BindingRef
      var role: RoleKey
    }
  }

  /// `who-can --batch`: adds `"subjects": [...]` to each line. The namespace is literal: empty means only
  /// ClusterRoleBindings count.
  public static func whoCan(_ input: Data, policy load: () throws -> Policy, write: ([UInt8]) -> Void) throws {
    let (read, policy) = try inParallel({ Result { try requests(Lines(input)) } }, while: load)
    let (lines, asked) = try read.get()
    let answers = asked.concurrentMap { _, request in
      let scope: NamespaceScope = request.namespace.isEmpty ? .cluster : .namespace(request.namespace)
      let subjects = policy.allowedSubjects(request, in: scope).map { allowed in
        SubjectLine(
          kind: allowed.subject.kind.rawValue, namespace: allowed.subject.namespace, name: allowed.subject.name,
          implicit: allowed.implicit,
          via: allowed.via.reduce(into: []) { vias, grant in
            let via = SubjectLine.Via(binding: grant.binding, role: grant.role)
            if !vias.contains(where: { $0.binding == via.binding }) { vias.append(via) }
          })
      }
      return "\"subjects\":" + Renderer.json(subjects)
    }
    var out: [UInt8] = []
    for (i, answer) in answers.enumerated() {
      lines.appending(i, answer, to: &out)
      flushIfFull(&out, write)
    }
    write(out)
  }
}
