// rolecall — SPDX-License-Identifier: Apache-2.0

/// A namespaced set of rules.
public struct Role: Sendable, Hashable, Codable {
  public var namespace: String
  public var name: String
  public var rules: [PolicyRule]

  public init(namespace: String, name: String, rules: [PolicyRule]) {
    self.namespace = namespace
    self.name = name
    self.rules = rules
  }
}

/// A cluster-wide set of rules, possibly aggregated from other ClusterRoles by label.
public struct ClusterRole: Sendable, Hashable, Codable {
  public var name: String
  public var labels: [String: String]
  /// The rules in force. For an aggregated role these are computed by ``Aggregation``, not read from the manifest.
  public var rules: [PolicyRule]
  /// For each rule of an aggregated role, the ClusterRole it was first written in; empty otherwise.
  public var ruleOrigins: [String]
  public var aggregationRule: AggregationRule?

  public init(
    name: String, labels: [String: String] = [:], rules: [PolicyRule],
    aggregationRule: AggregationRule? = nil, ruleOrigins: [String] = []
  ) {
    self.name = name
    self.labels = labels
    self.rules = rules
    self.aggregationRule = aggregationRule
    self.ruleOrigins = ruleOrigins
  }
}

/// Which ClusterRoles an aggregated ClusterRole collects rules from.
public struct AggregationRule: Sendable, Hashable, Codable {
  public var clusterRoleSelectors: [LabelSelector]

  public init(clusterRoleSelectors: [LabelSelector]) {
    self.clusterRoleSelectors = clusterRoleSelectors
  }
}

/// A binding that grants a role in one namespace.
public struct RoleBinding: Sendable, Hashable, Codable {
  public var namespace: String
  public var name: String
  public var roleRef: RoleRef
  public var subjects: [Subject]

  public init(namespace: String, name: String, roleRef: RoleRef, subjects: [Subject]) {
    self.namespace = namespace
    self.name = name
    self.roleRef = roleRef
    self.subjects = subjects
  }
}

/// A binding that grants a ClusterRole everywhere.
public struct ClusterRoleBinding: Sendable, Hashable, Codable {
  public var name: String
  public var roleRef: RoleRef
  public var subjects: [Subject]

  public init(name: String, roleRef: RoleRef, subjects: [Subject]) {
    self.name = name
    self.roleRef = roleRef
    self.subjects = subjects
  }
}

/// A ServiceAccount object; its existence matters for explanations, not for authorization.
public struct ServiceAccount: Sendable, Hashable, Codable {
  public var namespace: String
  public var name: String
  public var automountServiceAccountToken: Bool?

  public init(namespace: String, name: String, automountServiceAccountToken: Bool? = nil) {
    self.namespace = namespace
    self.name = name
    self.automountServiceAccountToken = automountServiceAccountToken
  }
}

/// A Namespace object.
public struct Namespace: Sendable, Hashable, Codable {
  public var name: String
  public var labels: [String: String]

  public init(name: String, labels: [String: String] = [:]) {
    self.name = name
    self.labels = labels
  }
}
