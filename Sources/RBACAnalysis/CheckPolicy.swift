// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import Yams

/// A team's RBAC policy: assertions about a snapshot that `rolecall check` verifies, written once in YAML.
///
/// ```yaml
/// - can: {subject: sa:ci:deployer, verb: create, resource: deployments.apps, namespace: prod}
/// - cannot: {subject: group:system:authenticated, verb: list, resource: secrets, namespace: kube-system}
/// - only: {verb: get, resource: secrets, namespace: kube-system, subjects: ["sa:kube-system:*"]}
/// - no-path: {from: "sa:*:*", to: cluster-admin, except: ["sa:kube-system:*"]}
/// - max-risk: {score: 100, identities: ["sa:*:*"], baseline: accepted-risks.txt}
/// ```
public struct CheckPolicy: Sendable {
  /// One assertion, with its place in the file for messages.
  public struct Assertion: Sendable {
    /// The 1-based position in the list.
    public var index: Int
    /// `name:`, or a description of the assertion.
    public var name: String
    public var line: Int?
    public var kind: Kind
  }

  /// A request as an assertion states it.
  public struct Request: Sendable {
    public var subject: String
    public var groups: [String]
    public var argument: RequestArgument
  }

  public enum Kind: Sendable {
    case can(Request)
    case cannot(Request)
    /// Nobody outside `subjects` (patterns) may make the request; `system:masters` is always allowed.
    case only(RequestArgument, subjects: [String])
    /// No identity matching `from` (a pattern), except those matching `except`, reaches `to`.
    case noPath(from: String, to: GraphNode, except: [String])
    /// No identity matching `identities` has an audit score above `score` with a finding the baseline does not
    /// accept.
    case maxRisk(score: Int, identities: [String], baseline: String?)

    public var keyword: String {
      switch self {
      case .can: return "can"
      case .cannot: return "cannot"
      case .only: return "only"
      case .noPath: return "no-path"
      case .maxRisk: return "max-risk"
      }
    }
  }

  public var file: String
  public var assertions: [Assertion]

  static let keywords = ["can", "cannot", "only", "no-path", "max-risk"]

  /// Reads a policy file; a baseline path is taken relative to the policy file's directory.
  public init(contentsOf path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else { throw CheckPolicyError(file: path, message: "cannot read the file") }
    try self.init(yaml: String(decoding: data, as: UTF8.self), file: path)
  }

  public init(yaml: String, file: String) throws {
    self.file = file
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch {
      throw CheckPolicyError(file: file, message: "not valid YAML: \(error)".replacingOccurrences(of: "\n", with: " "))
    }
    var items: [Node] = []
    if let root, let sequence = root.sequence {
      items = Array(sequence)
    } else if let root, let mapping = root.mapping, let list = mapping["assertions"]?.sequence {
      items = Array(list)
    } else {
      throw CheckPolicyError(file: file, message: "expected a list of assertions (or `assertions:` with one)")
    }
    guard !items.isEmpty else { throw CheckPolicyError(file: file, message: "the policy holds no assertion") }
    let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
    assertions = try items.enumerated().map { i, node in
      try Self.assertion(node, index: i + 1, file: file, directory: directory)
    }
  }

  private static func assertion(_ node: Node, index: Int, file: String, directory: URL) throws -> Assertion {
    let at = AssertionContext(file: file, index: index, line: node.mark?.line)
    guard let mapping = node.mapping else { throw at.error("must be a mapping with one of \(keywords.joined(separator: ", "))") }
    let present = keywords.filter { mapping[$0] != nil }
    guard present.count == 1, let keyword = present.first else {
      throw at.error(
        present.isEmpty
          ? "names none of \(keywords.joined(separator: ", "))" : "names more than one of \(present.joined(separator: ", "))")
    }
    for key in mapping.keys.compactMap(\.string) where key != keyword && key != "name" {
      throw at.error("unknown key \"\(key)\"")
    }
    let body = Fields(node: mapping[keyword]!, context: at.within(keyword))
    let kind: Kind
    switch keyword {
    case "can", "cannot":
      try body.allow(["subject", "groups", "verb", "resource", "name", "subresource", "namespace"])
      let subject = try body.string("subject")
      guard (try? SubjectArgument(parsing: subject)) != nil else {
        throw body.context.error("field \"subject\": \"\(subject)\" is not user:NAME, group:NAME or sa:NAMESPACE:NAME")
      }
      let request = Request(subject: subject, groups: try body.strings("groups") ?? [], argument: try body.request())
      kind = keyword == "can" ? .can(request) : .cannot(request)
    case "only":
      try body.allow(["verb", "resource", "name", "subresource", "namespace", "all-namespaces", "subjects"])
      guard let subjects = try body.strings("subjects") else { throw body.context.error("field \"subjects\" is required") }
      kind = .only(try body.request(), subjects: subjects)
    case "no-path":
      try body.allow(["from", "to", "except"])
      let to = try body.optionalString("to") ?? "cluster-admin"
      guard let target = GraphNode(parsing: to) else {
        throw body.context.error("field \"to\": \"\(to)\" is not cluster-admin, node or an identity")
      }
      let from = try body.string("from")
      guard from.contains("*") || GraphNode(parsing: from).map({ $0.identity != nil || $0.isCloudIdentity }) == true else {
        throw body.context.error("field \"from\": \"\(from)\" is not an identity or a pattern with *")
      }
      kind = .noPath(from: from, to: target, except: try body.strings("except") ?? [])
    default:
      try body.allow(["score", "identities", "baseline"])
      guard let score = try body.int("score") else { throw body.context.error("field \"score\" is required") }
      let baseline = try body.optionalString("baseline").map { path in
        path.hasPrefix("/") ? path : directory.appendingPathComponent(path).path
      }
      kind = .maxRisk(score: score, identities: try body.strings("identities") ?? ["*"], baseline: baseline)
    }
    let name = try mapping["name"].map { node -> String in
      guard let text = node.string else { throw at.error("field \"name\" must be a string") }
      return text
    }
    return Assertion(index: index, name: name ?? "", line: node.mark?.line, kind: kind)
  }
}

/// A policy file that cannot be read: where, and what is wrong. Exit code 2.
public struct CheckPolicyError: Error, Equatable, CustomStringConvertible {
  public var file: String
  public var message: String

  public var description: String { "\(file): \(message)" }
}

/// Where in the policy file a message is about.
struct AssertionContext {
  var file: String
  var index: Int
  var line: Int?
  var keyword: String?

  func within(_ keyword: String) -> AssertionContext {
    var copy = self
    copy.keyword = keyword
    return copy
  }

  func error(_ message: String) -> CheckPolicyError {
    var place = "assertion \(index)"
    if let keyword { place += " (\(keyword))" }
    if let line { place += ", line \(line)" }
    return CheckPolicyError(file: file, message: "\(place): \(message)")
  }
}

/// The fields of one assertion's body, read with messages that name the field.
struct Fields {
  let node: Node
  let context: AssertionContext

  private var mapping: Node.Mapping? { node.mapping }

  func allow(_ keys: [String]) throws {
    guard let mapping else { throw context.error("must be a mapping of fields") }
    for key in mapping.keys {
      guard let name = key.string, keys.contains(name) else {
        throw context.error("unknown field \"\(key.string ?? "?")\" (expected \(keys.joined(separator: ", ")))")
      }
    }
  }

  func optionalString(_ key: String) throws -> String? {
    guard let value = mapping?[key] else { return nil }
    guard let text = value.scalar?.string, !text.isEmpty else { throw context.error("field \"\(key)\" must be a non-empty string") }
    return text
  }

  func string(_ key: String) throws -> String {
    guard let text = try optionalString(key) else { throw context.error("field \"\(key)\" is required") }
    return text
  }

  func strings(_ key: String) throws -> [String]? {
    guard let value = mapping?[key] else { return nil }
    if let text = value.scalar?.string { return [text] }
    guard let list = value.sequence else { throw context.error("field \"\(key)\" must be a list of strings") }
    return try list.map { item in
      guard let text = item.scalar?.string, !text.isEmpty else {
        throw context.error("field \"\(key)\" must be a list of non-empty strings")
      }
      return text
    }
  }

  func int(_ key: String) throws -> Int? {
    guard let value = mapping?[key] else { return nil }
    guard let number = value.scalar.flatMap({ Int($0.string) }) else { throw context.error("field \"\(key)\" must be an integer") }
    return number
  }

  func bool(_ key: String) throws -> Bool {
    guard let value = mapping?[key] else { return false }
    guard let flag = value.scalar.flatMap({ Bool.construct(from: $0) }) else {
      throw context.error("field \"\(key)\" must be true or false")
    }
    return flag
  }

  /// `verb`, `resource`, `name`, `subresource`, `namespace`, `all-namespaces`, as `can-i` takes them; checked here
  /// so that a bad request is reported with its place in the file.
  func request() throws -> RequestArgument {
    let argument = RequestArgument(
      verb: try string("verb"), resource: try string("resource"), name: try optionalString("name") ?? "",
      subresource: try optionalString("subresource") ?? "", namespace: try optionalString("namespace"),
      allNamespaces: try bool("all-namespaces"))
    do {
      _ = try argument.resolve()
    } catch {
      throw context.error("\(error)")
    }
    return argument
  }
}
