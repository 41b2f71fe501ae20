// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import RBACTestSupport
import Testing

private let podReader = ClusterRole(name: "pod-reader", rules: [rule("get,list", groups: "", resources: "pods")])
private let healthz = ClusterRole(name: "healthz", rules: [rule("get", urls: "/healthz")])
private let alice = UserInfo.impersonating("alice")

// MARK: - Scope

@Test func clusterRoleBindingGrantsInEveryNamespace() {
  let policy = staticPolicy(
    clusterRoles: [podReader], clusterRoleBindings: [clusterRoleBinding("b", role: "pod-reader", "User:alice")])
  #expect(policy.allows(alice, .resource("get", "pods", namespace: "a")))
  #expect(policy.allows(alice, .resource("get", "pods", namespace: "b")))
  #expect(policy.allows(alice, .resource("list", "pods")))
  #expect(!policy.allows(alice, .resource("delete", "pods", namespace: "a")))
}

@Test func roleBindingToClusterRoleGrantsOnlyInItsNamespace() {
  let policy = staticPolicy(
    clusterRoles: [podReader], roleBindings: [roleBinding("dev", "b", clusterRole: "pod-reader", "User:alice")])
  #expect(policy.allows(alice, .resource("get", "pods", namespace: "dev")))
  #expect(!policy.allows(alice, .resource("get", "pods", namespace: "prod")))
  #expect(!policy.allows(alice, .resource("list", "pods")))  // across all namespaces
}

@Test func roleBindingLooksUpItsRoleInItsOwnNamespace() {
  let policy = staticPolicy(
    roles: [Role(namespace: "other", name: "reader", rules: [rule("get", groups: "", resources: "pods")])],
    roleBindings: [roleBinding("dev", "b", role: "reader", "User:alice")])
  #expect(!policy.allows(alice, .resource("get", "pods", namespace: "dev")))
  #expect(!policy.allows(alice, .resource("get", "pods", namespace: "other")))
}

@Test func clusterRoleBindingToARoleGrantsNothing() {
  let policy = staticPolicy(
    clusterRoles: [podReader],
    roles: [Role(namespace: "dev", name: "pod-reader", rules: [rule("get", groups: "", resources: "pods")])],
    clusterRoleBindings: [clusterRoleBindingToRole("b", role: "pod-reader", "User:alice")])
  #expect(!policy.allows(alice, .resource("get", "pods", namespace: "dev")))
}

@Test func nonResourceURLsAreGrantedOnlyByClusterRoleBindings() {
  let viaRoleBinding = staticPolicy(
    clusterRoles: [healthz], roleBindings: [roleBinding("dev", "b", clusterRole: "healthz", "User:alice")])
  #expect(!viaRoleBinding.allows(alice, .nonResource("get", path: "/healthz")))
  let viaClusterBinding = staticPolicy(
    clusterRoles: [healthz], clusterRoleBindings: [clusterRoleBinding("b", role: "healthz", "User:alice")])
  #expect(viaClusterBinding.allows(alice, .nonResource("get", path: "/healthz")))
}

@Test func danglingBindingGrantsNothing() {
  let policy = staticPolicy(clusterRoleBindings: [clusterRoleBinding("b", role: "missing", "User:alice")])
  #expect(!policy.allows(alice, .resource("get", "pods", namespace: "a")))
  #expect(policy.clusterRoleBindings[0].roleFound == false)
}

// MARK: - Subjects

@Test func groupsMatchByMembership() {
  let policy = staticPolicy(
    clusterRoles: [podReader], clusterRoleBindings: [clusterRoleBinding("b", role: "pod-reader", "Group:devs")])
  #expect(policy.allows(.impersonating("bob", groups: ["devs"]), .resource("get", "pods", namespace: "x")))
  #expect(!policy.allows(.impersonating("devs"), .resource("get", "pods", namespace: "x")))
}

@Test func serviceAccountSubjectMatchesItsUsername() {
  let policy = staticPolicy(
    clusterRoles: [podReader], clusterRoleBindings: [clusterRoleBinding("b", role: "pod-reader", "ServiceAccount:ci:builder")])
  #expect(policy.allows(.impersonating("system:serviceaccount:ci:builder"), .resource("get", "pods", namespace: "x")))
  #expect(!policy.allows(.impersonating("system:serviceaccount:ci:other"), .resource("get", "pods", namespace: "x")))
  #expect(!policy.allows(.impersonating("system:serviceaccount:cd:builder"), .resource("get", "pods", namespace: "x")))
  #expect(!policy.allows(.impersonating("builder"), .resource("get", "pods", namespace: "x")))
}

@Test func serviceAccountWithoutNamespaceDefaultsToTheRoleBindingsNamespace() {
  let policy = staticPolicy(
    clusterRoles: [podReader], roleBindings: [roleBinding("ci", "b", clusterRole: "pod-reader", "ServiceAccount::builder")])
  #expect(policy.allows(.impersonating("system:serviceaccount:ci:builder"), .resource("get", "pods", namespace: "ci")))
  #expect(!policy.allows(.impersonating("system:serviceaccount:default:builder"), .resource("get", "pods", namespace: "ci")))
}

@Test func serviceAccountWithoutNamespaceInAClusterRoleBindingMatchesNoOne() {
  let policy = staticPolicy(
    clusterRoles: [podReader], clusterRoleBindings: [clusterRoleBinding("b", role: "pod-reader", "ServiceAccount::builder")])
  for ns in ["", "default", "builder"] {
    let user = UserInfo.impersonating(ServiceAccountName.username(namespace: ns, name: "builder"))
    #expect(!policy.allows(user, .resource("get", "pods", namespace: "default")))
  }
  #expect(policy.allowedSubjects(.resource("get", "pods", namespace: "default"), in: .namespace("default")).count == 1)
}

@Test func userSubjectNamedLikeAServiceAccountMatchesThatServiceAccount() {
  let policy = staticPolicy(
    clusterRoles: [podReader],
    clusterRoleBindings: [clusterRoleBinding("b", role: "pod-reader", "User:system:serviceaccount:ci:builder")])
  #expect(policy.allows(.impersonating("system:serviceaccount:ci:builder"), .resource("get", "pods", namespace: "x")))
}

@Test func serviceAccountGroupsGrant() {
  let policy = staticPolicy(
    clusterRoles: [podReader],
    clusterRoleBindings: [clusterRoleBinding("b", role: "pod-reader", "Group:system:serviceaccounts:ci")])
  #expect(policy.allows(.impersonating("system:serviceaccount:ci:builder"), .resource("get", "pods", namespace: "x")))
  #expect(!policy.allows(.impersonating("system:serviceaccount:cd:builder"), .resource("get", "pods", namespace: "x")))
  #expect(!policy.allows(.impersonating("alice"), .resource("get", "pods", namespace: "x")))
}

// MARK: - Identity

@Test func impersonatedIdentitiesCarryTheAPIServersImplicitGroups() {
  #expect(UserInfo.impersonating("alice").groups == ["system:authenticated"])
  #expect(UserInfo.impersonating("alice", groups: ["devs"]).groups == ["devs", "system:authenticated"])
  #expect(
    UserInfo.impersonating("system:serviceaccount:ci:builder").groups
      == ["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"])
  #expect(UserInfo.impersonating("system:anonymous").groups == ["system:unauthenticated"])
  #expect(UserInfo.impersonating("alice", groups: ["system:unauthenticated"]).groups == ["system:unauthenticated"])
  #expect(UserInfo.impersonating("alice", groups: ["system:authenticated"]).groups == ["system:authenticated"])
}

@Test func systemMastersIsAllowedEverythingWithoutAnyBinding() {
  let policy = staticPolicy()
  let root = UserInfo.impersonating("root", groups: ["system:masters"])
  #expect(policy.allows(root, .resource("delete", group: "apps", "deployments", namespace: "x")))
  #expect(policy.allows(root, .nonResource("post", path: "/anything")))
  #expect(policy.decide(root, .resource("get", "secrets")).reason == .privilegedGroup("system:masters"))
}

@Test func decisionListsEveryAllowingRuleWithProvenance() {
  let policy = staticPolicy(
    clusterRoles: [podReader],
    roles: [Role(namespace: "dev", name: "r", rules: [rule("list", groups: "", resources: "secrets"), rule("get", groups: "*", resources: "pods")])],
    clusterRoleBindings: [clusterRoleBinding("crb", role: "pod-reader", "Group:devs")],
    roleBindings: [roleBinding("dev", "rb", role: "r", "User:alice")])
  let decision = policy.decide(.impersonating("alice", groups: ["devs"]), .resource("get", "pods", namespace: "dev"))
  guard case .grants(let grants) = decision.reason else {
    Issue.record("expected grants, got \(decision)")
    return
  }
  #expect(
    grants.map(\.description) == [
      "ClusterRoleBinding \"crb\" of ClusterRole \"pod-reader\" to Group \"devs\", rule 0",
      "RoleBinding \"dev/rb\" of Role \"dev/r\" to User \"alice\", rule 1",
    ])
}

@Test func anonymousGetsOnlyUnauthenticatedGrants() {
  let policy = staticPolicy(
    clusterRoles: [podReader, healthz],
    clusterRoleBindings: [
      clusterRoleBinding("a", role: "pod-reader", "Group:system:authenticated"),
      clusterRoleBinding("u", role: "healthz", "Group:system:unauthenticated"),
    ])
  let anonymous = UserInfo.impersonating("system:anonymous")
  #expect(!policy.allows(anonymous, .resource("get", "pods", namespace: "x")))
  #expect(policy.allows(anonymous, .nonResource("get", path: "/healthz")))
  #expect(policy.allows(.impersonating("alice"), .resource("get", "pods", namespace: "x")))
}
