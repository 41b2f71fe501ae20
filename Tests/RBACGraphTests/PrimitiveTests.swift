// rolecall — SPDX-License-Identifier: Apache-2.0

@testable import RBACGraph
import RBACModel
import RBACTestSupport
import Testing

// One positive and at least one negative case per primitive: wrong namespace, wrong API group, resourceNames
// that exclude the target, a RoleBinding where a ClusterRoleBinding is needed, a write without bind.

private func graph(
  clusterRoles: [ClusterRole] = [], roles: [Role] = [], clusterRoleBindings: [ClusterRoleBinding] = [],
  roleBindings: [RoleBinding] = [], objects: ClusterObjects = ClusterObjects()
) -> EscalationGraph {
  EscalationGraph(
    policy: staticPolicy(
      clusterRoles: clusterRoles + [ClusterRole(name: "cluster-admin", rules: [rule("*", groups: "*", resources: "*")])],
      roles: roles, clusterRoleBindings: clusterRoleBindings, roleBindings: roleBindings),
    objects: objects)
}

private let attacker = GraphNode.serviceAccount(namespace: "dev", name: "attacker")
private let accounts = ClusterObjects(serviceAccounts: [
  ServiceAccount(namespace: "dev", name: "attacker"), ServiceAccount(namespace: "dev", name: "app"),
  ServiceAccount(namespace: "prod", name: "app"), ServiceAccount(namespace: "kube-system", name: "controller"),
])

/// The (primitive, target) pairs of the edges out of `node`.
private func steps(_ g: EscalationGraph, from node: GraphNode = attacker) -> Set<String> {
  Set(g.edges(from: node).filter { $0.primitive != "membership" }.map { "\($0.primitive) \($0.to)" })
}

private func rbInDev(_ role: String, kind: RoleRef.Kind = .clusterRole) -> RoleBinding {
  RoleBinding(
    namespace: "dev", name: "rb", roleRef: RoleRef(kind: kind, name: role), subjects: [.serviceAccount("dev", "attacker")])
}

private func crb(_ role: String) -> ClusterRoleBinding {
  clusterRoleBinding("crb", role: role, "ServiceAccount:dev:attacker")
}

@Test func wildcardAdminNeedsAClusterRoleBinding() {
  #expect(steps(graph(clusterRoleBindings: [crb("cluster-admin")], objects: accounts)).contains("wildcard-admin cluster-admin"))
  let local = steps(graph(roleBindings: [rbInDev("cluster-admin")], objects: accounts))
  #expect(!local.contains("wildcard-admin cluster-admin"))
  #expect(local.contains("impersonate sa:dev:*"))  // admin of dev is still admin of dev: the first primitive to get there
  #expect(!local.contains { $0.hasSuffix(" sa:prod:*") || $0.hasSuffix(" sa:*:*") })
}

@Test func impersonatingUsersAndGroupsNeedsAClusterRoleBinding() {
  let imp = ClusterRole(name: "imp", rules: [rule("impersonate", groups: "", resources: "users,groups")])
  let binding = clusterRoleBinding("b", role: "other", "User:alice")  // makes alice a known user
  let cluster = graph(clusterRoles: [imp], clusterRoleBindings: [crb("imp"), binding], objects: accounts)
  // Any user and any group: system:masters itself, the others through one hub edge each.
  #expect(steps(cluster) == ["impersonate user:*", "impersonate group:system:masters", "impersonate group:*"])
  #expect(steps(cluster, from: .everyUser).contains("any-identity user:alice"))
  #expect(cluster.shortestPaths(from: attacker, to: .clusterAdmin).first?.map(\.primitive) == ["impersonate", "privileged-group"])
  // KubeHound's IDENTITY_IMPERSONATE setup binds this with a RoleBinding, which grants nothing: users are cluster-scoped.
  #expect(steps(graph(clusterRoles: [imp], clusterRoleBindings: [binding], roleBindings: [rbInDev("imp")], objects: accounts)).isEmpty)
  // The wrong API group grants nothing either.
  let wrongGroup = ClusterRole(name: "imp", rules: [rule("impersonate", groups: "apps", resources: "users,groups")])
  #expect(steps(graph(clusterRoles: [wrongGroup], clusterRoleBindings: [crb("imp"), binding], objects: accounts)).isEmpty)
}

@Test func impersonatingGroupsAloneIsUseless() {
  let groupsOnly = ClusterRole(name: "imp", rules: [rule("impersonate", groups: "", resources: "groups")])
  #expect(steps(graph(clusterRoles: [groupsOnly], clusterRoleBindings: [crb("imp")], objects: accounts)).isEmpty)
}

@Test func impersonatingServiceAccountsIsNamespacedAndRespectsNames() {
  let imp = ClusterRole(name: "imp", rules: [rule("impersonate", groups: "", resources: "serviceaccounts", names: "app")])
  #expect(steps(graph(clusterRoles: [imp], roleBindings: [rbInDev("imp")], objects: accounts)) == ["impersonate sa:dev:app"])
}

@Test func tokenRequestRespectsNamespaceAndNames() {
  let token = ClusterRole(name: "t", rules: [rule("create", groups: "", resources: "serviceaccounts/token")])
  #expect(steps(graph(clusterRoles: [token], roleBindings: [rbInDev("t")], objects: accounts)) == ["token-request sa:dev:*"])
  let someNames = ClusterRole(name: "t", rules: [rule("create", groups: "", resources: "serviceaccounts/token", names: "app,ghost")])
  #expect(steps(graph(clusterRoles: [someNames], roleBindings: [rbInDev("t")], objects: accounts)) == ["token-request sa:dev:app"])
  #expect(steps(graph(clusterRoles: [token], clusterRoleBindings: [crb("t")], objects: accounts)) == ["token-request sa:*:*"])
  let named = ClusterRole(name: "t", rules: [rule("create", groups: "", resources: "serviceaccounts/token", names: "other")])
  #expect(steps(graph(clusterRoles: [named], roleBindings: [rbInDev("t")], objects: accounts)).isEmpty)
  let wholeResource = ClusterRole(name: "t", rules: [rule("create", groups: "", resources: "serviceaccounts")])
  #expect(steps(graph(clusterRoles: [wholeResource], roleBindings: [rbInDev("t")], objects: accounts)).isEmpty)
}

@Test func workloadCreationReachesEveryServiceAccountOfTheNamespace() {
  let deploy = ClusterRole(name: "d", rules: [rule("create", groups: "apps", resources: "deployments")])
  let found = steps(graph(clusterRoles: [deploy], roleBindings: [rbInDev("d")], objects: accounts))
  #expect(found == ["workload-create sa:dev:*", "privileged-pod node"])
  let g = graph(clusterRoles: [deploy], roleBindings: [rbInDev("d")], objects: accounts)
  #expect(g.shortestPaths(from: attacker, to: .serviceAccount(namespace: "dev", name: "app")).first?.map(\.primitive) == ["workload-create", "any-account"])
  #expect(g.shortestPaths(from: attacker, to: .serviceAccount(namespace: "prod", name: "app")).isEmpty)
  // deployments in the core group do not exist: no edge (the peers' POD_CREATE bug in reverse).
  let coreDeploy = ClusterRole(name: "d", rules: [rule("create", groups: "", resources: "deployments")])
  #expect(steps(graph(clusterRoles: [coreDeploy], roleBindings: [rbInDev("d")], objects: accounts)).isEmpty)
  // A Job's template cannot be updated.
  let jobs = ClusterRole(name: "d", rules: [rule("update,patch", groups: "batch", resources: "jobs")])
  #expect(steps(graph(clusterRoles: [jobs], roleBindings: [rbInDev("d")], objects: accounts)).isEmpty)
}

@Test func secretReadReachesOnlyOwnersOfTokenSecrets() {
  var objects = accounts
  objects.secrets = [
    SecretMetadata(namespace: "dev", name: "app-token", type: SecretMetadata.serviceAccountTokenType, serviceAccountName: "app"),
    SecretMetadata(namespace: "dev", name: "db", type: "Opaque"),
  ]
  // Every secret of dev is one edge to its token secrets, which lead to their owners only.
  let list = ClusterRole(name: "s", rules: [rule("list", groups: "", resources: "secrets")])
  let listing = graph(clusterRoles: [list], roleBindings: [rbInDev("s")], objects: objects)
  #expect(steps(listing) == ["secret-read secrets:dev"])
  #expect(steps(listing, from: .namespaceTokens("dev")) == ["token-secret sa:dev:app"])
  let getNamed = ClusterRole(name: "s", rules: [rule("get", groups: "", resources: "secrets", names: "db")])
  #expect(steps(graph(clusterRoles: [getNamed], roleBindings: [rbInDev("s")], objects: objects)).isEmpty)
  let getToken = ClusterRole(name: "s", rules: [rule("get", groups: "", resources: "secrets", names: "db,app-token")])
  #expect(steps(graph(clusterRoles: [getToken], roleBindings: [rbInDev("s")], objects: objects)) == ["secret-read sa:dev:app"])
  let getAll = ClusterRole(name: "s", rules: [rule("get", groups: "", resources: "secrets")])
  #expect(steps(graph(clusterRoles: [getAll], roleBindings: [rbInDev("s")], objects: objects)) == ["secret-read secrets:dev"])
  // Cluster-wide, one edge to every namespace's token secrets, whatever the number of namespaces.
  #expect(steps(graph(clusterRoles: [list], clusterRoleBindings: [crb("s")], objects: objects)) == ["secret-read secrets:*"])
  // A list limited by resourceNames reads the named secret (a metadata.name fieldSelector carries the name).
  let listNamed = ClusterRole(name: "s", rules: [rule("list,watch", groups: "", resources: "secrets", names: "app-token")])
  #expect(steps(graph(clusterRoles: [listNamed], roleBindings: [rbInDev("s")], objects: objects)) == ["secret-read sa:dev:app"])
  #expect(steps(graph(clusterRoles: [list], roleBindings: [rbInDev("s")], objects: accounts)).isEmpty)  // no token secrets
}

@Test func mintingATokenSecretNeedsCreateAndARead() {
  let createOnly = ClusterRole(name: "s", rules: [rule("create", groups: "", resources: "secrets")])
  #expect(steps(graph(clusterRoles: [createOnly], roleBindings: [rbInDev("s")], objects: accounts)).isEmpty)
  let createAndGet = ClusterRole(name: "s", rules: [rule("create,get", groups: "", resources: "secrets")])
  #expect(steps(graph(clusterRoles: [createAndGet], roleBindings: [rbInDev("s")], objects: accounts)) == ["secret-mint sa:dev:*"])
}

@Test func podExecReachesTheServiceAccountsOfRunningPods() {
  var objects = accounts
  objects.workloads = [
    Workload(kind: "Deployment", namespace: "dev", name: "web", serviceAccount: "app"),
    Workload(kind: "Pod", namespace: "dev", name: "quiet", serviceAccount: "attacker", automountServiceAccountToken: false),
  ]
  let exec = ClusterRole(name: "e", rules: [rule("create", groups: "", resources: "pods/exec")])
  let execGraph = graph(clusterRoles: [exec], roleBindings: [rbInDev("e")], objects: objects)
  #expect(steps(execGraph) == ["pod-exec pods:dev"])
  // The pods of dev carry app's token; the quiet pod mounts none.
  #expect(Set(execGraph.edges(from: .namespacePods("dev")).map(\.to)) == [.serviceAccount(namespace: "dev", name: "app")])
  let get = ClusterRole(name: "e", rules: [rule("get", groups: "", resources: "pods/exec")])
  let edge = graph(clusterRoles: [get], roleBindings: [rbInDev("e")], objects: objects).edges(from: attacker).first { $0.primitive == "pod-exec" }
  #expect(edge?.evidence.first?.note?.hasPrefix("get pods/exec: WebSocket exec") == true)
  let pods = ClusterRole(name: "e", rules: [rule("create", groups: "", resources: "pods")])  // not pods/exec
  #expect(!steps(graph(clusterRoles: [pods], roleBindings: [rbInDev("e")], objects: objects)).contains { $0.hasPrefix("pod-exec") })
  // Controller pods have generated names: a rule naming pods cannot be shown to reach them.
  let named = ClusterRole(name: "e", rules: [rule("create", groups: "", resources: "pods/exec", names: "web")])
  #expect(steps(graph(clusterRoles: [named], roleBindings: [rbInDev("e")], objects: objects)).isEmpty)
}

@Test func bindNeedsTheWriteAndTheBindInTheRightScope() {
  let bindAdmin = ClusterRole(name: "b", rules: [
    rule("create", groups: "rbac.authorization.k8s.io", resources: "clusterrolebindings"),
    rule("bind", groups: "rbac.authorization.k8s.io", resources: "clusterroles", names: "cluster-admin"),
  ])
  #expect(steps(graph(clusterRoles: [bindAdmin], clusterRoleBindings: [crb("b")], objects: accounts)).contains("bind cluster-admin"))
  // create without bind: the API server's covering check only lets it re-grant what it holds.
  let createOnly = ClusterRole(name: "b", rules: [rule("create", groups: "rbac.authorization.k8s.io", resources: "clusterrolebindings")])
  #expect(steps(graph(clusterRoles: [createOnly], clusterRoleBindings: [crb("b")], objects: accounts)).isEmpty)
  // bind on another role's name only.
  let otherName = ClusterRole(name: "b", rules: [
    rule("create", groups: "rbac.authorization.k8s.io", resources: "clusterrolebindings"),
    rule("bind", groups: "rbac.authorization.k8s.io", resources: "clusterroles", names: "view"),
  ])
  #expect(steps(graph(clusterRoles: [otherName], clusterRoleBindings: [crb("b")], objects: accounts)).isEmpty)
  // Granted in dev, bind and rolebindings give only dev.
  let local = steps(graph(clusterRoles: [bindAdmin, ClusterRole(name: "rb", rules: [
    rule("create", groups: "rbac.authorization.k8s.io", resources: "rolebindings"),
    rule("bind", groups: "rbac.authorization.k8s.io", resources: "clusterroles"),
  ])], roleBindings: [rbInDev("rb")], objects: accounts))
  // A bind that names no role is one edge to every ClusterRole bound in dev; each is its own node, whose edges say
  // what the role gives there: nothing cluster-wide.
  let localGraph = graph(clusterRoles: [bindAdmin], objects: accounts)
  #expect(local == ["bind roles:clusterroles@dev"])
  // Every ClusterRole bound in dev at once holds cluster-admin's rule there, which covers b's: what the hub gives
  // is what cluster-admin gives in dev, and still nothing cluster-wide.
  let hub = steps(localGraph, from: .anyRole(kind: "clusterroles", scope: "dev"))
  #expect(hub.contains("impersonate sa:dev:*") && hub.contains("privileged-pod node"))
  #expect(!hub.contains { $0.hasSuffix(" cluster-admin") })
  let bound = localGraph
  #expect(steps(bound, from: .roleBound(role: RoleKey(kind: .clusterRole, name: "cluster-admin"), scope: "dev")).contains("impersonate sa:dev:*"))
}

@Test func updatingABindingOnlyAddsSubjectsToTheRoleItAlreadyNames() {
  // update on rolebindings with bind on a pod-making ClusterRole: no new binding can be written, and no existing
  // RoleBinding of kube-system names that role, so there is no path.
  let podmaker = ClusterRole(name: "podmaker", rules: [rule("create", groups: "", resources: "pods")])
  let writer = ClusterRole(name: "w", rules: [
    rule("update,patch", groups: "rbac.authorization.k8s.io", resources: "rolebindings"),
    rule("bind", groups: "rbac.authorization.k8s.io", resources: "clusterroles", names: "podmaker"),
  ])
  let powerful = clusterRoleBinding("powerful", role: "cluster-admin", "ServiceAccount:kube-system:controller")
  let writerInKubeSystem = RoleBinding(
    namespace: "kube-system", name: "w", roleRef: RoleRef(kind: .clusterRole, name: "w"),
    subjects: [.serviceAccount("dev", "attacker")])
  let none = graph(clusterRoles: [podmaker, writer], clusterRoleBindings: [powerful], roleBindings: [writerInKubeSystem], objects: accounts)
  #expect(none.shortestPaths(from: attacker, to: .clusterAdmin).isEmpty)
  // An existing RoleBinding of kube-system to podmaker can take the attacker as a subject.
  let existing = roleBinding("kube-system", "makers", clusterRole: "podmaker", "User:someone")
  let some = graph(
    clusterRoles: [podmaker, writer], clusterRoleBindings: [powerful], roleBindings: [writerInKubeSystem, existing],
    objects: accounts)
  #expect(some.shortestPaths(from: attacker, to: .clusterAdmin).first.map(EscalationGraph.steps) == 2)
}

@Test func escalateNeedsAWriteOnARoleBoundToTheSubject() {
  let esc = ClusterRole(name: "self", rules: [rule("escalate,update", groups: "rbac.authorization.k8s.io", resources: "clusterroles", names: "self")])
  #expect(steps(graph(clusterRoles: [esc], clusterRoleBindings: [crb("self")], objects: accounts)) == ["escalate cluster-admin"])
  let escalateOnly = ClusterRole(name: "self", rules: [rule("escalate", groups: "rbac.authorization.k8s.io", resources: "clusterroles")])
  #expect(steps(graph(clusterRoles: [escalateOnly], clusterRoleBindings: [crb("self")], objects: accounts)).isEmpty)
  // A Role of dev bound in dev, rewritten, gives dev.
  let role = Role(namespace: "dev", name: "self", rules: [rule("escalate,patch", groups: "rbac.authorization.k8s.io", resources: "roles")])
  let rewritten = graph(roles: [role], roleBindings: [rbInDev("self", kind: .role)], objects: accounts)
  #expect(steps(rewritten) == ["escalate bound:*@dev"])
  #expect(steps(rewritten, from: .roleBound(role: nil, scope: "dev")).contains("impersonate sa:dev:*"))
  // A ClusterRole bound only in dev cannot be rewritten through that RoleBinding: clusterroles are cluster-scoped.
  let local = ClusterRole(name: "self", rules: [rule("escalate,patch", groups: "rbac.authorization.k8s.io", resources: "clusterroles")])
  #expect(steps(graph(clusterRoles: [local], roleBindings: [rbInDev("self")], objects: accounts)).isEmpty)
}

@Test func nodeAccessAndTakeover() {
  var objects = accounts
  objects.workloads = [
    Workload(kind: "DaemonSet", namespace: "kube-system", name: "agent", serviceAccount: "controller", onEveryNode: true)
  ]
  objects.namespaces = [Namespace(name: "prod", labels: ["pod-security.kubernetes.io/enforce": "restricted"])]
  let proxy = ClusterRole(name: "p", rules: [rule("get", groups: "", resources: "nodes/proxy")])
  let g = graph(clusterRoles: [proxy], clusterRoleBindings: [crb("p")], objects: objects)
  #expect(steps(g) == ["nodes-proxy node"])
  #expect(g.shortestPaths(from: attacker, to: .serviceAccount(namespace: "kube-system", name: "controller")).first?.map(\.primitive) == ["nodes-proxy", "node-takeover"])
  #expect(steps(graph(clusterRoles: [proxy], roleBindings: [rbInDev("p")], objects: objects)).isEmpty)
  // Pods in a restricted namespace cannot be privileged.
  let pods = ClusterRole(name: "c", rules: [rule("create", groups: "", resources: "pods")])
  let prod = RoleBinding(namespace: "prod", name: "rb", roleRef: RoleRef(kind: .clusterRole, name: "c"), subjects: [.serviceAccount("dev", "attacker")])
  #expect(!steps(graph(clusterRoles: [pods], roleBindings: [prod], objects: objects)).contains("privileged-pod node"))
  #expect(steps(graph(clusterRoles: [pods], roleBindings: [rbInDev("c")], objects: objects)).contains("privileged-pod node"))
}

@Test func clientCertificatesNeedAllThreePermissions() {
  let all = ClusterRole(name: "csr", rules: [
    rule("create", groups: "certificates.k8s.io", resources: "certificatesigningrequests"),
    rule("update", groups: "certificates.k8s.io", resources: "certificatesigningrequests/approval"),
    rule("approve", groups: "certificates.k8s.io", resources: "signers", names: "kubernetes.io/kube-apiserver-client"),
  ])
  let admins = clusterRoleBinding("admins", role: "cluster-admin", "Group:kubeadm:cluster-admins")
  let g = graph(clusterRoles: [all], clusterRoleBindings: [crb("csr"), admins], objects: accounts)
  // Any user and any group but system:masters, through one hub edge each.
  #expect(steps(g) == ["csr-client-cert user:*", "csr-client-cert group:*"])
  #expect(steps(g, from: .everyGroup).contains("any-identity group:kubeadm:cluster-admins"))
  #expect(!steps(g, from: .everyGroup).contains("any-identity group:system:masters"))
  #expect(g.shortestPaths(from: attacker, to: .clusterAdmin).first.map(EscalationGraph.steps) == 2)
  let wrongSigner = ClusterRole(name: "csr", rules: all.rules.dropLast() + [
    rule("approve", groups: "certificates.k8s.io", resources: "signers", names: "kubernetes.io/kubelet-serving"),
  ])
  #expect(steps(graph(clusterRoles: [wrongSigner], clusterRoleBindings: [crb("csr"), admins], objects: accounts)).isEmpty)
}

@Test func webhookAndAWSAuthControl() {
  let webhooks = ClusterRole(name: "w", rules: [rule("patch", groups: "admissionregistration.k8s.io", resources: "mutatingwebhookconfigurations")])
  #expect(steps(graph(clusterRoles: [webhooks], clusterRoleBindings: [crb("w")], objects: accounts)) == ["webhook-control cluster-admin"])
  let validating = ClusterRole(name: "w", rules: [rule("patch", groups: "admissionregistration.k8s.io", resources: "validatingwebhookconfigurations")])
  #expect(steps(graph(clusterRoles: [validating], clusterRoleBindings: [crb("w")], objects: accounts)).isEmpty)

  var eks = accounts
  eks.awsAuth = [AWSAuthMapping(source: "mapRoles", arn: "arn:aws:iam::1:role/ops", username: "ops", groups: ["system:masters"])]
  let cm = ClusterRole(name: "cm", rules: [rule("update", groups: "", resources: "configmaps", names: "aws-auth")])
  let ks = RoleBinding(namespace: "kube-system", name: "rb", roleRef: RoleRef(kind: .clusterRole, name: "cm"), subjects: [.serviceAccount("dev", "attacker")])
  #expect(steps(graph(clusterRoles: [cm], roleBindings: [ks], objects: eks)) == ["aws-auth-edit group:system:masters"])
  #expect(steps(graph(clusterRoles: [cm], roleBindings: [rbInDev("cm")], objects: eks)).isEmpty)  // wrong namespace
  let g = graph(objects: eks)
  #expect(g.shortestPaths(from: .cloudIdentity(arn: "arn:aws:iam::1:role/ops"), to: .clusterAdmin).first?.map(\.primitive) == ["aws-auth-mapping", "privileged-group"])
}

@Test func catalogIdsAreUniqueAndEveryEdgeNamesACatalogEntry() {
  let ids = Primitive.catalog.map(\.id)
  #expect(Set(ids).count == ids.count)
  #expect(Set(ids).isSuperset(of: ["impersonate", "token-request", "workload-create", "secret-read", "secret-mint",
    "pod-exec", "bind", "escalate", "nodes-proxy", "privileged-pod", "node-takeover", "csr-client-cert",
    "webhook-control", "aws-auth-edit", "aws-auth-mapping", "membership", "wildcard-admin", "privileged-group"]))
}

@Test func everyRoleBindableInANamespaceIsHeldForEscalate() {
  // Binding any Role of dev holds both; the second may rewrite itself, so binding it leads to every rule in dev.
  // Only one role per would-be binding used to be looked at: the first, which cannot.
  let reader = Role(namespace: "dev", name: "a-pods", rules: [rule("create", groups: "", resources: "pods")])
  let rewriter = Role(namespace: "dev", name: "b-self", rules: [
    rule("escalate,update", groups: "rbac.authorization.k8s.io", resources: "roles", names: "b-self")
  ])
  let g = graph(roles: [reader, rewriter], objects: accounts)
  #expect(steps(g, from: .anyRole(kind: "roles", scope: "dev")).contains("escalate bound:*@dev"))
}

@Test func rolesOfEveryNamespaceAreEachNamespacesRoles() {
  let pods = ClusterRole(name: "pods", rules: [rule("create", groups: "", resources: "pods")])
  let binding = RoleBinding(
    namespace: "prod", name: "rb", roleRef: RoleRef(kind: .clusterRole, name: "pods"), subjects: [.user("bob")])
  let g = graph(clusterRoles: [pods], roles: [Role(namespace: "dev", name: "p", rules: pods.rules)],
    roleBindings: [binding], objects: accounts)
  #expect(steps(g, from: .anyRole(kind: "roles", scope: everyNamespace)) == ["any-role roles:roles@dev"])
  #expect(steps(g, from: .anyRole(kind: "bindings", scope: everyNamespace)) == ["any-role roles:bindings@prod"])
  // The hop from every namespace to one costs nothing, as from every account to those of one namespace.
  #expect(GraphNode.stepCost(from: .anyRole(kind: "roles", scope: everyNamespace), to: .anyRole(kind: "roles", scope: "dev")) == 0)
  #expect(GraphNode.stepCost(from: .anyRole(kind: "roles", scope: "dev"), to: .anyRole(kind: "bindings", scope: "dev")) == 1)
}

@Test func uncoveredKeepsWhatAnotherGrantOfTheSameScopeDoesNotCover() {
  func grant(_ ns: String, _ r: PolicyRule) -> Grant {
    Grant(
      binding: BindingRef(kind: .roleBinding, namespace: ns, name: "b"), role: RoleKey(kind: .role, namespace: ns, name: "r"),
      subject: Subject(kind: .user, name: "u"), ruleIndex: 0, rule: r)
  }
  let narrow = rule("get", groups: "", resources: "pods")
  let wide = rule("get,list", groups: "", resources: "pods,secrets")
  let kept = ClusterIndex.uncovered([grant("a", narrow), grant("b", narrow), grant("a", wide)])
  // In a, the wide rule covers the narrow one, which goes even though it came first; b's stays: scopes never mix.
  #expect(kept.map { "\($0.binding.namespace) \($0.rule.verbs.count)" } == ["b 1", "a 2"])
}
