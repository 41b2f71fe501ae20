// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import RBACTestSupport
import Testing

private let policy = staticPolicy(
  clusterRoles: [
    ClusterRole(name: "secret-reader", rules: [rule("get,list", groups: "", resources: "secrets")]),
    ClusterRole(name: "pod-reader", rules: [rule("get", groups: "", resources: "pods")]),
  ],
  clusterRoleBindings: [
    clusterRoleBinding("global", role: "secret-reader", "Group:auditors", "ServiceAccount::nowhere"),
    clusterRoleBinding("pods", role: "pod-reader", "User:bob"),
  ],
  roleBindings: [
    roleBinding("prod", "local", clusterRole: "secret-reader", "ServiceAccount::app", "User:alice"),
    roleBinding("dev", "local", clusterRole: "secret-reader", "User:carol"),
    roleBinding("prod", "again", clusterRole: "secret-reader", "User:alice"),
  ])

private func names(_ subjects: [AllowedSubject]) -> [String] {
  subjects.map { s in
    (s.subject.kind == .serviceAccount ? "ServiceAccount:\(s.subject.namespace)/" : "\(s.subject.kind.rawValue):")
      + s.subject.name + (s.implicit ? "*" : "")
  }
}

@Test func whoCanInANamespaceListsClusterAndLocalGrants() throws {
  let found = policy.allowedSubjects(.resource("get", "secrets", namespace: "prod"), in: .namespace("prod"))
  #expect(names(found) == ["Group:system:masters*", "Group:auditors", "ServiceAccount:prod/app", "User:alice"])
  // alice is granted twice and listed once, with both bindings.
  let alice = try #require(found.last)
  #expect(alice.via.map(\.binding.name) == ["local", "again"])
}

@Test func whoCanClusterWideListsOnlyClusterRoleBindings() {
  let found = policy.allowedSubjects(.resource("list", "secrets"), in: .cluster)
  #expect(names(found) == ["Group:system:masters*", "Group:auditors"])
}

@Test func whoCanInEveryNamespaceListsAllRoleBindings() {
  let found = policy.allowedSubjects(.resource("get", "secrets"), in: .all)
  #expect(names(found) == ["Group:system:masters*", "Group:auditors", "User:carol", "ServiceAccount:prod/app", "User:alice"])
}

@Test func whoCanOmitsSubjectsWhoseRoleDoesNotAllowTheRequest() {
  let found = policy.allowedSubjects(.resource("delete", "secrets", namespace: "prod"), in: .namespace("prod"))
  #expect(names(found) == ["Group:system:masters*"])
}
