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

  /// Reads non-empty lines with their 1-based numbers.
  static func lines(of data: Data) -> [(Int, Substring)] {
    let text = String(decoding: data, as: UTF8.self)
    var result: [(Int, Substring)] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
      if !trimmed.isEmpty { result.append((i + 1, line)) }
    }
    return result
  }

  static func decode(_ lines: [(Int, Substring)]) throws -> [Line] {
    let decoder = JSONDecoder()
    return try lines.map { number, text in
      do {
        return try decoder.decode(Line.self, from: Data(text.utf8))
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

  /// The input line with `key: value` added as the object's last member.
  static func appending(_ line: Substring, _ member: String) -> String {
    var text = line
    while let last = text.last, last.isWhitespace { text = text.dropLast() }
    text = text.dropLast()  // the closing brace
    var body = text
    while let last = body.last, last.isWhitespace { body = body.dropLast() }
    return String(body) + (body.last == "{" ? "" : ",") + member + "}"
  }

  /// `can-i --batch`: adds `"allowed": true|false` to each line.
  public static func canI(_ input: Data, policy: Policy, write: (String) -> Void) throws {
    let lines = lines(of: input)
    let decoded = try decode(lines)
    var requests: [(UserInfo, RequestAttributes)] = []
    requests.reserveCapacity(decoded.count)
    for (line, (number, _)) in zip(decoded, lines) {
      requests.append((UserInfo(name: line.user ?? "", groups: line.groups ?? []), try line.request(line: number)))
    }
    for (i, (user, request)) in requests.enumerated() {
      write(appending(lines[i].1, policy.allows(user, request) ? "\"allowed\":true" : "\"allowed\":false"))
    }
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
  public static func whoCan(_ input: Data, policy: Policy, write: (String) -> Void) throws {
    let lines = lines(of: input)
    let decoded = try decode(lines)
    var requests: [RequestAttributes] = []
    for (line, (number, _)) in zip(decoded, lines) { requests.append(try line.request(line: number)) }
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
      write(appending(lines[i].1, "\"subjects\":" + Renderer.json(subjects)))
    }
  }
}
