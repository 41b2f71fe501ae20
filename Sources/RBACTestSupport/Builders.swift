// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

// MARK: - Tiny constructors for table-driven tests, in the manner of upstream's rbac_test.go

/// `rule("get,list", groups: "", resources: "pods")`: comma-separated lists; `""` stands for the core group.
public func rule(
  _ verbs: String, groups: String? = nil, resources: String? = nil, names: String? = nil, urls: String? = nil
) -> PolicyRule {
  func list(_ text: String?) -> [String] {
    guard let text else { return [] }
    return text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
  }
  return PolicyRule(
    verbs: list(verbs), apiGroups: list(groups), resources: list(resources), resourceNames: list(names),
    nonResourceURLs: list(urls))
}

/// `"User:alice"`, `"Group:devs"`, `"ServiceAccount:ns:name"`, `"ServiceAccount::name"` (no namespace).
public func subject(_ text: String) -> Subject {
  let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
  switch parts[0] {
  case "User": return .user(parts[1])
  case "Group": return .group(parts[1])
  default:
    let ref = parts[1].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    return .serviceAccount(ref[0], ref[1])
  }
}

public func clusterRoleBinding(_ name: String, role: String, _ subjects: String...) -> ClusterRoleBinding {
  ClusterRoleBinding(name: name, roleRef: RoleRef(kind: .clusterRole, name: role), subjects: subjects.map(subject))
}

public func clusterRoleBindingToRole(_ name: String, role: String, _ subjects: String...) -> ClusterRoleBinding {
  ClusterRoleBinding(name: name, roleRef: RoleRef(kind: .role, name: role), subjects: subjects.map(subject))
}

public func roleBinding(_ namespace: String, _ name: String, clusterRole: String, _ subjects: String...) -> RoleBinding {
  RoleBinding(
    namespace: namespace, name: name, roleRef: RoleRef(kind: .clusterRole, name: clusterRole),
    subjects: subjects.map(subject))
}

public func roleBinding(_ namespace: String, _ name: String, role: String, _ subjects: String...) -> RoleBinding {
  RoleBinding(namespace: namespace, name: name, roleRef: RoleRef(kind: .role, name: role), subjects: subjects.map(subject))
}

/// A policy from objects, with aggregation resolved as ingest would: the in-memory stand-in for a snapshot
/// (upstream's `StaticRoles`).
public func staticPolicy(
  clusterRoles: [ClusterRole] = [], roles: [Role] = [], clusterRoleBindings: [ClusterRoleBinding] = [],
  roleBindings: [RoleBinding] = []
) -> Policy {
  Policy(
    clusterRoles: Aggregation.resolve(clusterRoles).roles, roles: roles, clusterRoleBindings: clusterRoleBindings,
    roleBindings: roleBindings)
}
