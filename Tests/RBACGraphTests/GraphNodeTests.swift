// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel
import Testing

// Stored distances and first steps name nodes by their descriptions: every description must read back as its node,
// and the other spellings `--from` and `--subject` accept must keep their meaning.

@Test(arguments: [
  GraphNode.user("alice@example.com"), .user("system:kube-scheduler"), .group("system:serviceaccounts:ci"),
  .group("sre"), .serviceAccount(namespace: "ci", name: "builder"), .serviceAccount(namespace: "*", name: "x"),
  .namespaceAccounts("ci"), .everyAccount, .namespacePods("ci"), .cloudIdentity(arn: "arn:aws:iam::1:role/admin"),
  .clusterAdmin, .node, .everyPod, .namespaceTokens("ci"), .everyToken, .existingWorkloads(resource: "deployments"),
  .existingWorkloads(resource: "cronjobs"), .everyUser, .everyGroup,
  .roleBound(role: RoleKey(kind: .clusterRole, name: "system:controller:job-controller"), scope: ""),
  .roleBound(role: RoleKey(kind: .clusterRole, name: "edit"), scope: "ci"),
  .roleBound(role: RoleKey(kind: .clusterRole, name: "a@b"), scope: "*"),
  .roleBound(role: RoleKey(kind: .role, namespace: "ci", name: "deployer"), scope: "ci"), .roleBound(role: nil, scope: "ci"),
  .anyRole(kind: "clusterroles", scope: ""), .anyRole(kind: "roles", scope: "*"), .anyRole(kind: "bindings", scope: "ci"),
  .anyRole(kind: "clusterrole-bindings", scope: "ci"),
])
func everyDescriptionReadsBackAsItsNode(node: GraphNode) {
  #expect(GraphNode(parsing: node.description) == node)
}

@Test func otherSpellingsOfSubjects() {
  #expect(GraphNode(parsing: "u:alice") == .user("alice"))
  #expect(GraphNode(parsing: "g:sre") == .group("sre"))
  #expect(GraphNode(parsing: "sa:ci/builder") == .serviceAccount(namespace: "ci", name: "builder"))
  #expect(GraphNode(parsing: "serviceaccount:ci:builder") == .serviceAccount(namespace: "ci", name: "builder"))
  #expect(GraphNode(parsing: "system:serviceaccount:ci:builder") == .serviceAccount(namespace: "ci", name: "builder"))
  #expect(GraphNode(parsing: "User:alice") == .user("alice"))
  for bad in ["sa:ci", "sa::x", "sa:ci:", "sa:a:b:c", "user:", "group:", "bob"] {
    #expect(GraphNode(parsing: bad) == nil, "\(bad)")
  }
}

@Test func anAccountsIdentityIsWhatImpersonatingItsUsernameGives() {
  for node in [GraphNode.serviceAccount(namespace: "ci", name: "builder"), .serviceAccount(namespace: "a:b", name: "c")] {
    guard case .serviceAccount(let ns, let name) = node else { continue }
    let expected = UserInfo.impersonating(ServiceAccountName.username(namespace: ns, name: name))
    #expect(node.identity?.name == expected.name && node.identity?.groups == expected.groups, "\(node)")
  }
}
