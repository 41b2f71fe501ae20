// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
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
    var user: String?
    var groups: [String]?
    var verb: String?
    var apiGroup: String?
    var resource: String?
    var subresource: String?
    var name: String?
    var namespace: String?
    var nonResourceURL: String?

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
    // One decode of all lines as a JSON array is much faster than a decode per line; only when it fails are the
    // lines decoded one by one, to name the bad one.
    var array = [UInt8(ascii: "[")]
    array.reserveCapacity(lines.bytes.count + 2)
    for (i, line) in lines.ranges.enumerated() {
      if i > 0 { array.append(UInt8(ascii: ",")) }
      array.append(contentsOf: lines.bytes[line.range])
    }
    array.append(UInt8(ascii: "]"))
    if let all = try? decoder.decode([Line].self, from: Data(array)), all.count == lines.ranges.count { return all }
    return try lines.ranges.map { number, range in
      do {
        return try decoder.decode(Line.self, from: Data(lines.bytes[range]))
      } catch let error as DecodingError {
        throw BatchError(line: number, message: describe(error))
      }
    }
  }

  static func describe(_ error: DecodingError) -> String {
    switch error {
    case .typeMismatch(_, let c), .valueNotFound(_, let c):
      return "field \(c.codingPath.map(\.stringValue).joined(separator: ".")): wrong type"
    case .keyNotFound(let key, _): return "field \(key.stringValue): required"
    case .dataCorrupted: return "not a JSON object"
    @unknown default: return "\(error)"
    }
  }

  /// `can-i --batch`: adds `"allowed": true|false` to each line.
  public static func canI(_ input: Data, policy: Policy, write: ([UInt8]) -> Void) throws {
    let lines = Lines(input)
    let decoded = try decode(lines)
    var requests: [(UserInfo, RequestAttributes)] = []
    requests.reserveCapacity(decoded.count)
    for (line, (number, _)) in zip(decoded, lines.ranges) {
      requests.append((UserInfo(name: line.user ?? "", groups: line.groups ?? []), try line.request(line: number)))
    }
    var out: [UInt8] = []
    for (i, (user, request)) in requests.enumerated() {
      lines.appending(i, policy.allows(user, request) ? "\"allowed\":true" : "\"allowed\":false", to: &out)
      if out.count > 1 << 16 {
        write(out)
        out.removeAll(keepingCapacity: true)
      }
    }
    write(out)
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
  public static func whoCan(_ input: Data, policy: Policy, write: ([UInt8]) -> Void) throws {
    let lines = Lines(input)
    let decoded = try decode(lines)
    var requests: [RequestAttributes] = []
    for (line, (number, _)) in zip(decoded, lines.ranges) { requests.append(try line.request(line: number)) }
    var out: [UInt8] = []
    for (i, request) in requests.enumerated() {
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
      lines.appending(i, "\"subjects\":" + Renderer.json(subjects), to: &out)
      write(out)
      out.removeAll(keepingCapacity: true)
    }
  }
}
