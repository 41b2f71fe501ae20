// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Why an edge exists: the binding, role and rule that grant the permission it uses, or a fact of the snapshot.
public struct Evidence: Sendable, Hashable, Codable {
  /// `ClusterRoleBinding "x"` or `RoleBinding "ns/x"`.
  public var binding: String?
  /// `ClusterRole "y"` or `Role "ns/y"`.
  public var role: String?
  /// `rule 2 {verbs: [...], ...}`.
  public var rule: String?
  /// The namespace the permission holds in; nil when cluster-wide.
  public var namespace: String?
  /// What the evidence shows when it is not a grant (a workload, a token secret, an aws-auth entry, ...).
  public var note: String?

  public init(binding: String? = nil, role: String? = nil, rule: String? = nil, namespace: String? = nil, note: String? = nil) {
    self.binding = binding
    self.role = role
    self.rule = rule
    self.namespace = namespace
    self.note = note
  }

  /// The evidence of a grant, scoped to where it holds.
  public init(_ grant: Grant, note: String? = nil) {
    self.init(grant, rule: grant.ruleText, note: note)
  }

  /// The evidence of a grant whose rule (``Grant/ruleText``) is already written out: many bindings share one role.
  public init(_ grant: Grant, rule: String, note: String? = nil) {
    binding = grant.binding.displayName
    role = grant.role.displayName
    self.rule = rule
    namespace = grant.binding.kind == .roleBinding ? grant.binding.namespace : nil
    self.note = note
  }

  public static func fact(_ note: String) -> Evidence { Evidence(note: note) }

}

/// One escalation step: `from` can become (or act as) `to` through `primitive`.
public struct Edge: Sendable, Hashable, Codable {
  public var from: GraphNode
  public var to: GraphNode
  /// The id of the primitive in ``Primitive/catalog``.
  public var primitive: String
  public var evidence: [Evidence]

  /// Evidence that cites the same rule twice (one rule granting both halves of a primitive) is merged.
  public init(from: GraphNode, to: GraphNode, primitive: String, evidence: [Evidence]) {
    self.from = from
    self.to = to
    self.primitive = primitive
    var merged: [Evidence] = []
    for item in evidence {
      if let i = merged.firstIndex(where: { $0.binding != nil && $0.binding == item.binding && $0.rule == item.rule }) {
        if let note = item.note { merged[i].note = [merged[i].note, note].compactMap { $0 }.joined(separator: "; ") }
      } else {
        merged.append(item)
      }
    }
    self.evidence = merged
  }
}

extension GraphNode: Codable {
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let node = GraphNode(parsing: text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a graph node: \(text)"))
    }
    self = node
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

extension Edge: CustomStringConvertible {
  /// `from -[primitive]-> to`: how every report writes a step.
  public var description: String { "\(from) -[\(primitive)]-> \(to)" }
}
