// rolecall — SPDX-License-Identifier: Apache-2.0

@testable import RBACGraph
import RBACModel
import RBACTestSupport
import Testing

// An independent reachability model, checked against the graph on random clusters with workloads.
//
// The model knows nothing of hubs, indexes or grants: for every identity it asks the authorizer (`Policy.allows`)
// the questions an attacker would send, object by object (every namespace, every pod, every secret, every account),
// and joins the answers with unit steps. It is slow, quadratic and obviously so, which is the point: the graph
// computes the same reachability from each identity's own grants through indexes, and must agree on every
// identity's distance to cluster-admin and to node.

/// The reference: every identity's one-step successors, found by asking the authorizer about every object.
struct ReferenceModel {
  let cluster: RandomCluster
  let policy: Policy
  let graphIndex: ClusterIndex

  init(_ cluster: RandomCluster) {
    self.cluster = cluster
    policy = cluster.policy
    graphIndex = ClusterIndex(policy: policy, objects: cluster.objects)
  }

  /// A node of the reference: an identity, or a target.
  enum Node: Hashable { case identity(GraphNode), admin, node }

  func allowed(_ user: UserInfo, _ verb: String, _ group: String, _ resource: String, _ sub: String = "",
    name: String = "", in ns: String = "", policy: Policy? = nil) -> Bool
  {
    (policy ?? self.policy).allows(user, .resource(verb, group: group, resource, subresource: sub, name: name, namespace: ns))
  }

  func accounts(of ns: String) -> [Node] {
    (graphIndex.serviceAccounts[ns] ?? []).map { .identity(.serviceAccount(namespace: ns, name: $0)) }
  }

  func admitsPrivileged(_ ns: String) -> Bool {
    let level = cluster.objects.namespaces.first { $0.name == ns }?.labels["pod-security.kubernetes.io/enforce"]
    return level != "restricted" && level != "baseline"
  }

  /// The policy with more bindings to a new user, each of a role in a scope: cluster-wide (""), or in one namespace;
  /// a nil role is a Role of every rule in that namespace (what escalate can write).
  func policy(binding roles: [(role: RoleKey?, scope: String)]) -> Policy {
    var c = cluster
    let holder = [Subject.user("zz-holder")]
    for (i, (role, scope)) in roles.enumerated() {
      var ref = RoleRef(kind: role?.kind ?? .role, name: role?.name ?? "zz-everything")
      if role == nil {
        c.roles.append(Role(namespace: scope, name: "zz-everything-\(i)", rules: [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])]))
        ref = RoleRef(kind: .role, name: "zz-everything-\(i)")
      }
      if scope.isEmpty {
        c.clusterRoleBindings.append(ClusterRoleBinding(name: "zz-new-\(i)", roleRef: ref, subjects: holder))
      } else {
        c.roleBindings.append(RoleBinding(namespace: scope, name: "zz-new-\(i)", roleRef: ref, subjects: holder))
      }
    }
    return c.policy
  }

  /// Roles whose powers are being computed, and those already known: a role that lets its holder bind itself
  /// must not recurse forever.
  final class Held {
    var known: [String: Set<Node>] = [:]
    var inProgress = Set<String>()
  }
  let heldCache = Held()

  /// What binding `role` in `scope` gives: the successors of its holder.
  func held(_ role: RoleKey?, in scope: String) -> Set<Node> { held([(role, scope)]) }

  /// What binding all of `roles` at once gives (a bind that names no role may bind every one).
  func held(_ roles: [(role: RoleKey?, scope: String)]) -> Set<Node> {
    guard !roles.isEmpty else { return [] }
    let key = roles.map { "\($0.role.map { "\($0.kind)/\($0.namespace)/\($0.name)" } ?? "*")@\($0.scope)" }.joined(separator: ",")
    if let known = heldCache.known[key] { return known }
    guard heldCache.inProgress.insert(key).inserted else { return [] }
    let found = successors(UserInfo(name: "zz-holder", groups: []), self: nil, policy: policy(binding: roles))
    heldCache.inProgress.remove(key)
    // Only a set computed with nothing else in progress is complete: inside a cycle, the outer role is left out.
    if heldCache.inProgress.isEmpty { heldCache.known[key] = found }
    return found
  }

  /// What `user` reaches in one step under `policy`.
  func successors(_ user: UserInfo, self me: GraphNode?, policy: Policy) -> Set<Node> {
    var out = Set<Node>()
    func can(_ verb: String, _ group: String, _ resource: String, _ sub: String = "", name: String = "", in ns: String = "")
      -> Bool
    {
      allowed(user, verb, group, resource, sub, name: name, in: ns, policy: policy)
    }
    let rbac = "rbac.authorization.k8s.io"
    // Membership and the privileged group.
    if case .group(let g) = me, g == UserInfo.mastersGroup { out.insert(.admin) }
    if case .group = me {} else {
      for g in user.groups where graphIndex.groups.contains(g) && g != UserInfo.mastersGroup { out.insert(.identity(.group(g))) }
    }
    if can("*", "*", "*") { out.insert(.admin) }
    if can("create", "admissionregistration.k8s.io", "mutatingwebhookconfigurations")
      || can("update", "admissionregistration.k8s.io", "mutatingwebhookconfigurations")
      || can("patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations")
    {
      out.insert(.admin)
    }
    if can("get", "", "nodes", "proxy") || can("create", "", "nodes", "proxy") { out.insert(.node) }
    // Impersonation: users and groups cluster-wide; a group rides on some user or service account.
    let anyUser = (cluster.names + ["someone-new"]).contains { can("impersonate", "", "users", name: $0) }
    let anyAccount = graphIndex.serviceAccounts.contains { ns, names in
      names.contains { can("impersonate", "", "serviceaccounts", name: $0, in: ns) }
    }
    for u in graphIndex.users where can("impersonate", "", "users", name: u) { out.insert(.identity(.user(u))) }
    if anyUser || anyAccount {
      for g in graphIndex.groups where can("impersonate", "", "groups", name: g) { out.insert(.identity(.group(g))) }
    }
    for (ns, names) in graphIndex.serviceAccounts {
      for name in names where can("impersonate", "", "serviceaccounts", name: name, in: ns)
        || can("create", "", "serviceaccounts", "token", name: name, in: ns)
      {
        out.insert(.identity(.serviceAccount(namespace: ns, name: name)))
      }
    }
    for ns in graphIndex.namespaces {
      let workloads = cluster.objects.workloads.filter { $0.namespace == ns }
      // A Namespace the identity may relabel admits whatever it is relabelled to.
      let admits = admitsPrivileged(ns) || can("update", "", "namespaces", name: ns, in: ns) || can("patch", "", "namespaces", name: ns, in: ns)
      // Making pods: create any pod-making kind, or update/patch an existing object's template.
      let creates = [("", "pods"), ("apps", "deployments"), ("apps", "daemonsets"), ("apps", "statefulsets"),
        ("apps", "replicasets"), ("batch", "jobs"), ("batch", "cronjobs"), ("", "replicationcontrollers")]
        .contains { can("create", $0.0, $0.1, in: ns) }
      let updates = workloads.contains { w in
        guard let (group, resource) = ["Deployment": ("apps", "deployments"), "DaemonSet": ("apps", "daemonsets"),
          "StatefulSet": ("apps", "statefulsets"), "CronJob": ("batch", "cronjobs")][w.kind] else { return false }
        return can("update", group, resource, name: w.name, in: ns) || can("patch", group, resource, name: w.name, in: ns)
      }
      if creates || updates {
        out.formUnion(accounts(of: ns))
        if admits { out.insert(.node) }
      }
      // Existing pods: exec, attach, ephemeral containers, image swap; controllers' pods have names no rule knows.
      for w in workloads {
        let pod = w.kind == "Pod" ? w.name : "\(w.name)-generated-x7k2p"
        let enters = [("create", "exec"), ("get", "exec"), ("create", "attach"), ("get", "attach"),
          ("update", "ephemeralcontainers"), ("patch", "ephemeralcontainers"), ("update", ""), ("patch", "")]
          .contains { can($0.0, "", "pods", $0.1, name: pod, in: ns) }
        guard enters else { continue }
        if w.reachesNode { out.insert(.node) }
        if graphIndex.mountsToken(w) { out.insert(.identity(.serviceAccount(namespace: ns, name: w.serviceAccount))) }
        let debug = can("update", "", "pods", "ephemeralcontainers", name: pod, in: ns)
          || can("patch", "", "pods", "ephemeralcontainers", name: pod, in: ns)
        if debug && admits { out.insert(.node) }
      }
      // Token secrets: get, list or watch by name (a metadata.name fieldSelector puts the name in a list).
      for secret in cluster.objects.secrets where secret.namespace == ns {
        guard let owner = secret.tokenOwner else { continue }
        if ["get", "list", "watch"].contains(where: { can($0, "", "secrets", name: secret.name, in: ns) }) {
          out.insert(.identity(.serviceAccount(namespace: ns, name: owner)))
        }
      }
      // Minting a token secret: create it, then read it back (list, watch, get on a name of one's choosing, or a pod).
      let reads =
        can("list", "", "secrets", in: ns) || can("watch", "", "secrets", in: ns) || can("create", "", "pods", in: ns)
        || (cluster.names + ["fresh-secret"]).contains { can("get", "", "secrets", name: $0, in: ns) }
      if can("create", "", "secrets", in: ns) && reads { out.formUnion(accounts(of: ns)) }
    }
    // Certificates for any user or group but system:masters.
    let signer =
      can("approve", "certificates.k8s.io", "signers", name: "kubernetes.io/kube-apiserver-client")
      || can("approve", "certificates.k8s.io", "signers", name: "kubernetes.io/*")
    if can("create", "certificates.k8s.io", "certificatesigningrequests")
      && can("update", "certificates.k8s.io", "certificatesigningrequests", "approval") && signer
    {
      for u in graphIndex.users { out.insert(.identity(.user(u))) }
      for g in graphIndex.groups where g != UserInfo.mastersGroup { out.insert(.identity(.group(g))) }
    }
    // bind: a new binding (create) to any role one may bind, or a subject added to an existing binding (update,
    // patch), whose roleRef cannot change. What the role grants is reached in the same step.
    var bound = Set<Node>()
    // A name no rule lists: allowed only by a rule without resourceNames, which may bind every role at once.
    let anyName = "zz-any-name"
    let clusterRoleKeys = cluster.clusterRoles.map { RoleKey(kind: .clusterRole, name: $0.name) }
    if can("create", rbac, "clusterrolebindings") {
      if can("bind", rbac, "clusterroles", name: anyName) {
        bound.formUnion(held(clusterRoleKeys.map { ($0, "") }))
      } else {
        for key in clusterRoleKeys where can("bind", rbac, "clusterroles", name: key.name) { bound.formUnion(held(key, in: "")) }
      }
    }
    func updates(_ resource: String, _ name: String, in ns: String = "") -> Bool {
      can("update", rbac, resource, name: name, in: ns) || can("patch", rbac, resource, name: name, in: ns)
    }
    if updates("clusterrolebindings", anyName) && can("bind", rbac, "clusterroles", name: anyName) {
      bound.formUnion(held(cluster.clusterRoleBindings.filter { $0.roleRef.kind == .clusterRole }.map {
        (RoleKey(kind: .clusterRole, name: $0.roleRef.name), "")
      }))
    } else {
      for b in cluster.clusterRoleBindings where b.roleRef.kind == .clusterRole && updates("clusterrolebindings", b.name)
        && can("bind", rbac, "clusterroles", name: b.roleRef.name)
      {
        bound.formUnion(held(RoleKey(kind: .clusterRole, name: b.roleRef.name), in: ""))
      }
    }
    for ns in cluster.namespaces {
      let roleKeys = cluster.roles.filter { $0.namespace == ns }.map { RoleKey(kind: .role, namespace: ns, name: $0.name) }
      func bindable(_ key: RoleKey) -> Bool {
        can("bind", rbac, key.kind == .clusterRole ? "clusterroles" : "roles", name: key.name, in: ns)
      }
      if can("create", rbac, "rolebindings", in: ns) {
        for (keys, resource) in [(clusterRoleKeys, "clusterroles"), (roleKeys, "roles")] {
          if can("bind", rbac, resource, name: anyName, in: ns) {
            bound.formUnion(held(keys.map { ($0, ns) }))
          } else {
            for key in keys where bindable(key) { bound.formUnion(held(key, in: ns)) }
          }
        }
      }
      let existing = cluster.roleBindings.filter { $0.namespace == ns }
      func key(_ b: RoleBinding) -> RoleKey {
        RoleKey(kind: b.roleRef.kind, namespace: b.roleRef.kind == .role ? ns : "", name: b.roleRef.name)
      }
      var individually = existing
      if updates("rolebindings", anyName, in: ns) && can("bind", rbac, "clusterroles", name: anyName, in: ns) {
        let allKinds = can("bind", rbac, "roles", name: anyName, in: ns)
        let together = existing.filter { allKinds || $0.roleRef.kind == .clusterRole }
        bound.formUnion(held(together.map { (key($0), ns) }))
        individually = allKinds ? [] : existing.filter { $0.roleRef.kind == .role }
      }
      for b in individually where updates("rolebindings", b.name, in: ns) && bindable(key(b)) {
        bound.formUnion(held(key(b), in: ns))
      }
    }
    // escalate: rules written into a role bound to oneself: every rule, where that binding holds.
    var seenBindings = Set<BindingRef>()
    for grant in policy.allGrants(for: user) where seenBindings.insert(grant.binding).inserted {
      let role = grant.role
      let (resource, ns) = role.kind == .clusterRole ? ("clusterroles", "") : ("roles", role.namespace)
      guard can("escalate", rbac, resource, name: role.name, in: ns),
        can("update", rbac, resource, name: role.name, in: ns) || can("patch", rbac, resource, name: role.name, in: ns)
      else { continue }
      if grant.binding.kind == .clusterRoleBinding {
        out.insert(.admin)
      } else {
        bound.formUnion(held(nil, in: grant.binding.namespace))
      }
    }
    out.formUnion(bound)
    if let me { out.remove(.identity(me)) }
    return out
  }

  /// Every node's distance to `target`, by breadth-first search over the successors of every identity.
  func distances(to target: Node) -> [Node: Int] {
    var edges: [Node: Set<Node>] = [:]
    let identities = EscalationGraph(policy: policy, objects: cluster.objects).identities
    for id in identities { edges[.identity(id)] = successors(id.identity!, self: id, policy: policy) }
    edges[.admin] = [.node]
    edges[.node] = Set(cluster.objects.workloads.map { .identity(.serviceAccount(namespace: $0.namespace, name: $0.serviceAccount)) })
    var reverse: [Node: [Node]] = [:]
    for (from, tos) in edges { for to in tos { reverse[to, default: []].append(from) } }
    var distance: [Node: Int] = [target: 0]
    var queue = [target]
    var head = 0
    while head < queue.count {
      let node = queue[head]
      head += 1
      for from in reverse[node] ?? [] where distance[from] == nil {
        distance[from] = distance[node]! + 1
        queue.append(from)
      }
    }
    return distance
  }
}

/// Tests that run for tens of seconds: `make test` runs them as a step of their own (see the Makefile).
@Suite struct Slow {}

extension Slow {
  @Test(arguments: 0..<40)
  func graphAgreesWithTheReferenceModel(batch: Int) throws {
    for seed in (batch * 10)..<(batch * 10 + 10) {
      let cluster = RandomCluster(seed: UInt64(seed))
      let reference = ReferenceModel(cluster)
      let graph = EscalationGraph(policy: reference.policy, objects: cluster.objects)
      for (target, node) in [(ReferenceModel.Node.admin, GraphNode.clusterAdmin), (.node, .node)] {
        let expected = reference.distances(to: target)
        let found = graph.distances(to: node)
        for identity in graph.identities where expected[.identity(identity)] != found[identity] {
          let path = graph.shortestPaths(from: identity, to: node).first?.map(\.description).joined(separator: ", ")
          Issue.record(
            "seed \(seed): \(identity) to \(node): reference \(expected[.identity(identity)].map(String.init) ?? "unreachable"), graph \(found[identity].map(String.init) ?? "unreachable") (\(path ?? "no path"))")
          return
        }
      }
    }
  }
}
