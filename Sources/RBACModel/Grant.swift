// rolecall — SPDX-License-Identifier: Apache-2.0

/// Names a binding: a RoleBinding in a namespace or a ClusterRoleBinding.
public struct BindingRef: Sendable, Hashable, Codable, Comparable {
  public enum Kind: String, Sendable, Hashable, Codable {
    case roleBinding = "RoleBinding"
    case clusterRoleBinding = "ClusterRoleBinding"
  }

  public var kind: Kind
  /// Empty for a ClusterRoleBinding.
  public var namespace: String
  public var name: String

  public init(kind: Kind, namespace: String = "", name: String) {
    self.kind = kind
    self.namespace = namespace
    self.name = name
  }

  /// `"ns/name"` for a RoleBinding, `"name"` for a ClusterRoleBinding, as upstream's describers print them.
  public var qualifiedName: String { namespace.isEmpty ? name : namespace + "/" + name }
  /// `ClusterRole "x"`, `RoleBinding "ns/x"`: how every answer names it.
  public var displayName: String { "\(kind.rawValue) \"\(qualifiedName)\"" }

  public static func < (a: BindingRef, b: BindingRef) -> Bool {
    (a.kind == .clusterRoleBinding ? 0 : 1, a.namespace, a.name)
      < (b.kind == .clusterRoleBinding ? 0 : 1, b.namespace, b.name)
  }
}

/// Names a role: a Role in a namespace or a ClusterRole.
public struct RoleKey: Sendable, Hashable, Codable {
  public var kind: RoleRef.Kind
  /// Empty for a ClusterRole.
  public var namespace: String
  public var name: String

  public init(kind: RoleRef.Kind, namespace: String = "", name: String) {
    self.kind = kind
    self.namespace = namespace
    self.name = name
  }

  public var qualifiedName: String { namespace.isEmpty ? name : namespace + "/" + name }
  /// `ClusterRole "x"`, `RoleBinding "ns/x"`: how every answer names it.
  public var displayName: String { "\(kind.rawValue) \"\(qualifiedName)\"" }
}

/// The provenance of a permission: which binding, through which subject, grants which rule of which role.
///
/// Renders like upstream's reason: `RoleBinding "dev/ci" of ClusterRole "edit" to ServiceAccount "ci/builder"`.
public struct Grant: Sendable, Hashable, Codable {
  public var binding: BindingRef
  public var role: RoleKey
  /// The subject of the binding that matched, with a service account's namespace resolved.
  public var subject: Subject
  public var ruleIndex: Int
  public var rule: PolicyRule
  /// For a rule of an aggregated ClusterRole, the ClusterRole the rule was written in.
  public var aggregatedFrom: String?

  public init(
    binding: BindingRef, role: RoleKey, subject: Subject, ruleIndex: Int, rule: PolicyRule,
    aggregatedFrom: String? = nil
  ) {
    self.binding = binding
    self.role = role
    self.subject = subject
    self.ruleIndex = ruleIndex
    self.rule = rule
    self.aggregatedFrom = aggregatedFrom
  }
}

extension Grant: CustomStringConvertible {
  public var description: String {
    var subjectName = subject.name
    if subject.kind == .serviceAccount { subjectName = subject.namespace + "/" + subject.name }
    let text = "\(binding.displayName) of \(role.displayName) to \(subject.kind.rawValue) \"\(subjectName)\", rule \(ruleIndex)"
    return text + aggregationNote
  }
}

extension Grant {
  /// `ClusterRoleBinding "x" -> ClusterRole "y"`: the way from a subject to a role.
  public var via: String { "\(binding.displayName) -> \(role.displayName)" }

  /// `rule N {verbs: [...], ...}`, and the ClusterRole an aggregated rule came from.
  public var ruleText: String { "rule \(ruleIndex) " + rule.compactDescription + aggregationNote }

  /// ` (aggregated from ClusterRole "z")` for a rule that aggregation copied from another ClusterRole, else empty.
  public var aggregationNote: String { aggregatedFrom.map { " (aggregated from ClusterRole \"\($0)\")" } ?? "" }
}
