// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import RBACTestSupport
import Testing

/// A RoleBinding in a namespace can grant get on that Namespace object, because the API server files the
/// request under the namespace it names.
@Test func roleBindingCanGrantItsOwnNamespaceObject() {
  let policy = staticPolicy(
    clusterRoles: [ClusterRole(name: "ns-reader", rules: [rule("get", groups: "", resources: "namespaces")])],
    roleBindings: [roleBinding("team", "b", clusterRole: "ns-reader", "User:alice")])
  let alice = UserInfo.impersonating("alice")
  #expect(policy.allows(alice, .resource("get", "namespaces", name: "team", namespace: "team")))
  #expect(!policy.allows(alice, .resource("get", "namespaces", name: "other", namespace: "other")))
  #expect(!policy.allows(alice, .resource("list", "namespaces")))
}
