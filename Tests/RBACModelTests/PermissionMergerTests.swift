// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import RBACTestSupport
import Testing

@Test func aRoleSplitInTwoReadsAsOneLine() {
  let policy = staticPolicy(
    clusterRoles: [
      ClusterRole(name: "a", rules: [rule("get,list", groups: "", resources: "pods")]),
      ClusterRole(name: "b", rules: [rule("watch", groups: "", resources: "pods,services")]),
    ],
    clusterRoleBindings: [clusterRoleBinding("a", role: "a", "User:alice"), clusterRoleBinding("b", role: "b", "User:alice")])
  let merged = PermissionMerger.merge(policy.grants(for: .impersonating("alice"), namespace: "")) { _ in "" }
  #expect(merged.map(\.target) == ["pods", "services"])
  #expect(merged[0].verbs == ["get", "list", "watch"])
  #expect(merged[0].grants.map(\.binding.name) == ["a", "b"])
}

@Test func wildcardVerbCollapsesAndNamesStaySeparate() {
  let policy = staticPolicy(
    roles: [
      Role(namespace: "x", name: "r", rules: [
        rule("get", groups: "", resources: "secrets", names: "one"),
        rule("*", groups: "", resources: "secrets"),
        rule("get", groups: "", resources: "secrets", names: "one"),
      ])
    ],
    roleBindings: [roleBinding("x", "b", role: "r", "User:alice")])
  let merged = PermissionMerger.merge(policy.allGrants(for: .impersonating("alice"))) { $0.binding.namespace }
  #expect(merged.map { "\($0.namespace) \($0.target) \($0.resourceNames) \($0.verbs)" } == [
    "x secrets [] [\"*\"]", "x secrets [\"one\"] [\"get\"]",
  ])
  #expect(merged[1].grants.map(\.ruleIndex) == [0, 2])
}

@Test func allGrantsCoversEveryNamespaceOnce() {
  let policy = staticPolicy(
    clusterRoles: [ClusterRole(name: "view", rules: [rule("get", groups: "", resources: "pods")])],
    roleBindings: [
      roleBinding("a", "b", clusterRole: "view", "User:alice", "Group:system:authenticated"),
      roleBinding("b", "b", clusterRole: "view", "Group:system:authenticated"),
      roleBinding("c", "b", clusterRole: "view", "User:bob"),
    ])
  let grants = policy.allGrants(for: .impersonating("alice"))
  #expect(grants.map(\.binding.namespace) == ["a", "b"])
}
