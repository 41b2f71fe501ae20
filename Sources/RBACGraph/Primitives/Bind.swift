// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

let rbacGroup = "rbac.authorization.k8s.io"

extension Primitive {
  /// With `bind`, the API server lets a caller write a binding to a role it does not itself hold. The check is made
  /// in the binding's namespace ("" for a ClusterRoleBinding) on the role's name, so `bind` granted in N only helps
  /// for RoleBindings in N. `create` writes a new binding to any such role; `update` or `patch` only changes the
  /// subjects of an existing binding, whose roleRef is immutable, so it gives only the roles existing bindings
  /// name. Without `bind`, only roles the caller already holds can be bound: no escalation.
  static let bind = Primitive(
    id: "bind", title: "Bind a more powerful role",
    condition: "create clusterrolebindings (or update/patch an existing one) and bind clusterroles on the role's "
      + "name, cluster-wide -> that ClusterRole cluster-wide; create rolebindings in N (or update/patch an existing "
      + "one of N) and bind, in N, a ClusterRole or a Role of N -> that role in N; create rolebindings cluster-wide "
      + "and bind clusterroles cluster-wide -> that ClusterRole in every namespace",
    yields: "whatever the bound role grants (bound:ROLE@SCOPE; roles:KIND@SCOPE for a bind without resourceNames); "
      + "cluster-admin for a role with every verb on every resource bound cluster-wide",
    reference: "kubernetes.io RBAC: restrictions on role binding creation; registry/rbac/escalation_check.go; "
      + "ESCALATION E03, E04"
  ) { context in
    // Grants alike in scope, resources and names act alike: a node that holds many roles at once (roles:...) has
    // thousands of such rules, of which one of each kind is enough.
    func distinct(_ grants: [Grant], _ key: (Grant) -> String) -> [Grant] {
      var seen = Set<String>()
      return grants.filter { seen.insert(key($0)).inserted }
    }
    func scopeKey(_ g: Grant) -> String {
      g.binding.kind == .clusterRoleBinding ? "" : g.holdsInEveryNamespace ? everyNamespace : "ns:" + g.binding.namespace
    }
    let binds = distinct(context.matching(["bind"], rbacGroup, "clusterroles") + context.matching(["bind"], rbacGroup, "roles")) { g in
      "\(scopeKey(g))|\(g.rule.matchesResource("clusterroles", subresource: ""))|\(g.rule.matchesResource("roles", subresource: ""))|\(g.rule.resourceNames)"
    }
    guard !binds.isEmpty else { return [] }
    func writes(_ resource: String) -> [Grant] {
      distinct(context.matching(["create", "update", "patch"], rbacGroup, resource)) { g in
        "\(scopeKey(g))|\(g.rule.matchesVerb("create"))|\(g.rule.matchesVerb("update") || g.rule.matchesVerb("patch"))|\(g.rule.resourceNames)"
      }
    }
    let cluster = context.cluster
    let policy = cluster.policy
    var edges: [Edge] = []
    var seen = Set<GraphNode>()
    func add(_ target: GraphNode, _ write: Grant, _ bind: Grant, _ note: String) {
      guard seen.insert(target).inserted else { return }
      edges.append(context.edge(to: target, "bind", [Evidence(write), Evidence(bind, note: note)]))
    }
    func place(_ scope: String) -> String {
      scope.isEmpty ? "cluster-wide" : scope == everyNamespace ? "in every namespace" : "in namespace \(scope)"
    }
    /// A new binding of `role` in `scope`; cluster-admin itself for an all-powerful ClusterRole bound cluster-wide.
    func bound(_ role: RoleKey, in scope: String, _ write: Grant, _ bind: Grant, existing: String? = nil) {
      guard cluster.isPowerful(role) else { return }
      let admin = scope.isEmpty && cluster.adminClusterRoles.contains(role.name)
      var note = "bind \(role.displayName) \(place(scope))"
      if let existing { note += " by adding a subject to \(existing), which already refers to it" }
      add(admin ? .clusterAdmin : .roleBound(role: role, scope: scope), write, bind, note)
    }
    /// Whether `bind` lets the caller bind `role` in `namespace` ("" for cluster-wide).
    func allows(_ bind: Grant, _ role: RoleKey, in namespace: String) -> Bool {
      bind.rule.matchesResource(role.kind == .clusterRole ? "clusterroles" : "roles", subresource: "")
        && (bind.rule.resourceNames.isEmpty || bind.rule.resourceNames.contains(role.name))
        && bind.holds(in: namespace)
    }
    /// A new binding in `scope` of what `bind` may name: the named roles, or for a rule without resourceNames every
    /// role of the kind, through one hub edge.
    func create(_ write: Grant, _ bind: Grant, in scope: String) {
      for (kind, resource) in [(RoleRef.Kind.clusterRole, "clusterroles"), (.role, "roles")]
      where bind.rule.matchesResource(resource, subresource: "") {
        if kind == .role && scope.isEmpty { continue }  // a ClusterRoleBinding cannot name a Role
        if bind.rule.resourceNames.isEmpty {
          add(.anyRole(kind: resource, scope: scope), write, bind, "bind any \(kind.rawValue) \(place(scope))")
          continue
        }
        for name in bind.rule.resourceNames {
          if kind == .clusterRole {
            if policy.clusterRoles[name] != nil { bound(RoleKey(kind: .clusterRole, name: name), in: scope, write, bind) }
          } else if scope == everyNamespace {
            for ns in cluster.roleNamespaces[name] ?? [] { bound(RoleKey(kind: .role, namespace: ns, name: name), in: ns, write, bind) }
          } else if policy.roles[scope]?[name] != nil {
            bound(RoleKey(kind: .role, namespace: scope, name: name), in: scope, write, bind)
          }
        }
      }
    }
    /// Subjects added to the existing bindings `write` may change in `scope`: the roles they already refer to.
    func update(_ write: Grant, in scope: String) {
      // Every binding of the scope, with a bind that names no role: one hub edge.
      let anyName = binds.filter {
        $0.rule.resourceNames.isEmpty && (scope.isEmpty ? $0.binding.kind == .clusterRoleBinding
          : $0.holdsInEveryNamespace || $0.binding.namespace == scope)
      }
      if write.rule.resourceNames.isEmpty,
        let bind = anyName.first(where: { $0.rule.matchesResource("clusterroles", subresource: "") })
      {
        let roles = anyName.first(where: { $0.rule.matchesResource("roles", subresource: "") })
        let kind = roles != nil || scope.isEmpty ? "bindings" : "clusterrole-bindings"
        add(.anyRole(kind: kind, scope: scope), write, bind, "add a subject to any existing binding \(place(scope))")
        if roles != nil || scope.isEmpty { return }
      }
      let candidates: [Policy.Bound]
      if write.rule.resourceNames.isEmpty {
        candidates =
          scope.isEmpty ? policy.clusterRoleBindings
          : scope == everyNamespace ? policy.roleBindings.values.flatMap { $0 } : policy.roleBindings[scope] ?? []
      } else {
        candidates = write.rule.resourceNames.flatMap { name in
          scope.isEmpty ? cluster.clusterBindingsByName[name] ?? [] : cluster.roleBindings(named: name)
        }.filter { scope.isEmpty || scope == everyNamespace || $0.ref.namespace == scope }
      }
      for binding in candidates where binding.roleFound {
        let ns = binding.ref.namespace
        if let bind = binds.first(where: { allows($0, binding.role, in: ns) }) {
          let kind = scope.isEmpty ? "ClusterRoleBinding \"\(binding.ref.name)\"" : "RoleBinding \"\(ns)/\(binding.ref.name)\""
          bound(binding.role, in: ns, write, bind, existing: kind)
        }
      }
    }

    for write in writes("clusterrolebindings") where write.binding.kind == .clusterRoleBinding {
      if write.rule.matchesVerb("create") && write.rule.resourceNames.isEmpty {
        for bind in binds where bind.binding.kind == .clusterRoleBinding { create(write, bind, in: "") }
      }
      if write.rule.matchesVerb("update") || write.rule.matchesVerb("patch") { update(write, in: "") }
    }
    for write in writes("rolebindings") {
      let everywhere = write.holdsInEveryNamespace
      if write.rule.matchesVerb("create") && write.rule.resourceNames.isEmpty {
        for bind in binds {
          if everywhere && bind.holdsInEveryNamespace {
            create(write, bind, in: everyNamespace)
          } else {
            let ns = bind.holdsInEveryNamespace ? write.binding.namespace : bind.binding.namespace
            if everywhere || ns == write.binding.namespace { create(write, bind, in: ns) }
          }
        }
      }
      if write.rule.matchesVerb("update") || write.rule.matchesVerb("patch") {
        update(write, in: everywhere ? everyNamespace : write.binding.namespace)
      }
    }
    return edges
  }
}

extension ClusterIndex {
  /// The requests some primitive of the catalog acts on, each with the primitive: (verbs, group, resource, primitive,
  /// the one namespace where it acts when it acts in one only). A role none of whose rules allows one of them gives no
  /// edge, however it is bound; `lint` names the primitive of a grant from the same table.
  public static let escalationRequests:
    [(verbs: [String], group: String, resource: String, primitive: String, onlyIn: String?)] = [
      (["create", "update", "patch"], "", "pods", "privileged-pod", nil),
      (["create", "get"], "", "pods/exec", "pod-exec", nil), (["create", "get"], "", "pods/attach", "pod-exec", nil),
      (["update", "patch"], "", "pods/ephemeralcontainers", "pod-exec", nil),
      (["get", "list", "watch"], "", "secrets", "secret-read", nil), (["create"], "", "secrets", "secret-mint", nil),
      (["impersonate"], "", "serviceaccounts", "impersonate", nil),
      (["create"], "", "serviceaccounts/token", "token-request", nil), (["impersonate"], "", "users", "impersonate", nil),
      (["impersonate"], "", "groups", "impersonate", nil), (["get", "create"], "", "nodes/proxy", "nodes-proxy", nil),
      (["update", "patch"], "", "configmaps", "aws-auth-edit", "kube-system"),
      (["update", "patch"], "", "namespaces", "privileged-pod", nil),
      (["create", "update", "patch"], "", "replicationcontrollers", "workload-create", nil),
      (["create", "update", "patch"], "apps", "deployments", "workload-create", nil),
      (["create", "update", "patch"], "apps", "replicasets", "workload-create", nil),
      (["create", "update", "patch"], "apps", "statefulsets", "workload-create", nil),
      (["create", "update", "patch"], "apps", "daemonsets", "workload-create", nil),
      (["create"], "batch", "jobs", "workload-create", nil),
      (["create", "update", "patch"], "batch", "cronjobs", "workload-create", nil),
      (["create", "update", "patch"], rbacGroup, "rolebindings", "bind", nil),
      (["create", "update", "patch"], rbacGroup, "clusterrolebindings", "bind", nil),
      (["bind"], rbacGroup, "roles", "bind", nil), (["escalate"], rbacGroup, "roles", "escalate", nil),
      (["bind"], rbacGroup, "clusterroles", "bind", nil), (["escalate"], rbacGroup, "clusterroles", "escalate", nil),
      (["create"], "certificates.k8s.io", "certificatesigningrequests", "csr-client-cert", nil),
      (["update"], "certificates.k8s.io", "certificatesigningrequests/approval", "csr-client-cert", nil),
      (["approve"], "certificates.k8s.io", "signers", "csr-client-cert", nil),
      (["create", "update", "patch"], "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "webhook-control", nil),
    ]

  /// Whether a role's rules could give any escalation edge: one of them allows a request of
  /// ``escalationRequests``. `bind` leads only to roles that pass, so that a `bind` on every role does not name the
  /// many that could never help.
  static func grantsPower(_ rules: [PolicyRule]) -> Bool {
    rules.contains { rule in
      // Every role of a snapshot is tested, tens of thousands on a large cluster, most of whose rules name a few
      // everyday resources: a named resource is looked up among the requests of that resource only.
      rule.resources.contains { resource in
        guard resource != Wildcard.all, !resource.hasPrefix("*/") else {
          return escalationChecks.contains { verbs, group, resource, subresource in
            verbs.contains(where: rule.matchesVerb) && rule.matchesAPIGroup(group)
              && rule.matchesResource(resource, subresource: subresource)
          }
        }
        return escalationChecksByResource[resource]?.contains { verbs, group in
          verbs.contains(where: rule.matchesVerb) && rule.matchesAPIGroup(group)
        } ?? false
      }
    }
  }

  /// The verbs and group of each request of ``escalationRequests``, by the resource it names.
  private static let escalationChecksByResource: [String: [(verbs: [String], group: String)]] =
    Dictionary(grouping: escalationRequests, by: \.resource).mapValues { $0.map { ($0.verbs, $0.group) } }

  /// ``escalationRequests`` with each subresource split off once: every role of a snapshot is tested against them.
  private static let escalationChecks: [(verbs: [String], group: String, resource: String, subresource: String)] =
    escalationRequests.map { request in
      let parts = request.resource.split(separator: "/", maxSplits: 1)
      return (request.verbs, request.group, request.resource, parts.count > 1 ? String(parts[1]) : "")
    }

  /// The primitives one rule's requests lead to (``escalationRequests``) where it is granted: cluster-wide for an
  /// empty `namespace`; a request of a cluster-scoped resource (`catalog`) only there. Rules with resourceNames are
  /// left to the graph, which looks the named objects up.
  public static func primitives(of rule: PolicyRule, in namespace: String, catalog: ResourceCatalog) -> [String] {
    guard rule.resourceNames.isEmpty else { return [] }
    var found: [String] = []
    for (request, check) in zip(escalationRequests, escalationChecks)
    where !found.contains(request.primitive)
      && (namespace.isEmpty || (request.onlyIn ?? namespace) == namespace)
      && (namespace.isEmpty || catalog.usableThroughRoleBinding(group: request.group, resource: request.resource))
      && request.verbs.contains(where: rule.matchesVerb) && rule.matchesAPIGroup(request.group)
      && rule.matchesResource(request.resource, subresource: check.subresource)
    {
      found.append(request.primitive)
    }
    return found
  }

  /// The grants of ``GraphNode/anyRole(kind:scope:)``: every role it stands for, bound at once (several bindings may
  /// be written, so their rules combine): each ClusterRole in the scope, the Roles of the scope's namespaces each in
  /// its own, or the roles of the scope's existing bindings each where its binding holds. Only roles that could give
  /// an edge are taken. `grants` leaves out a rule that another of the same scope covers (``uncovered(_:)``): the
  /// node holding every binding of a large cluster has tens of thousands of rules, most repeating a few. `held` is
  /// one grant per binding and role, for what depends on which roles are held rather than on what they allow.
  func anyRoleGrants(kind: String, scope: String) -> (grants: [Grant], held: [Grant]) {
    func grants(_ role: RoleKey, _ scope: String, _ binding: String, onlyRule: Int? = nil) -> [Grant] {
      EscalationGraph.boundGrants(role, scope, self, bindingName: binding, onlyRule: onlyRule)
    }
    let written = "(a binding written with bind)"
    var all: [Grant]
    switch kind {
    case "clusterroles":
      // The same rules in every scope: those no other covers are found once (``uncoveredClusterRoleRules``).
      let held = powerfulClusterRoles.sorted().flatMap { grants(RoleKey(kind: .clusterRole, name: $0), scope, written, onlyRule: 0) }
      let uncovered = uncoveredClusterRoleRules.flatMap { role, rule in
        grants(RoleKey(kind: .clusterRole, name: role), scope, written, onlyRule: rule)
      }
      return (uncovered, held)
    case "roles":
      let namespaces = scope == everyNamespace ? powerfulRoles.keys.sorted() : [scope]
      all = namespaces.flatMap { ns in
        (powerfulRoles[ns] ?? []).sorted().flatMap { grants(RoleKey(kind: .role, namespace: ns, name: $0), ns, written) }
      }
    default:
      let bindings =
        scope.isEmpty ? policy.clusterRoleBindings
        : scope == everyNamespace ? policy.roleBindings.keys.sorted().flatMap { policy.roleBindings[$0]! }
        : policy.roleBindings[scope] ?? []
      all = bindings.filter { b in
        b.roleFound && (b.role.kind == .clusterRole || kind == "bindings") && isPowerful(b.role)
      }.flatMap { b in grants(b.role, b.ref.namespace, b.ref.name + " (a subject added with update)") }
    }
    var seen = Set<RoleHeld>()
    return (Self.uncovered(all), all.filter { seen.insert(RoleHeld(binding: $0.binding, role: $0.role)).inserted })
  }

  /// The namespaces where ``GraphNode/anyRole(kind:scope:)`` of a namespace holds something: the parts of the
  /// node for every namespace.
  func anyRoleNamespaces(kind: String) -> [String] {
    if kind == "roles" { return powerfulRoles.keys.sorted() }
    return policy.roleBindings.keys.sorted().filter { ns in
      policy.roleBindings[ns]!.contains { b in
        b.roleFound && (b.role.kind == .clusterRole || kind == "bindings") && isPowerful(b.role)
      }
    }
  }

  private struct RoleHeld: Hashable {
    var binding: BindingRef
    var role: RoleKey
  }

  /// The grants less those whose rule another grant of the same binding scope covers (``PolicyRule/uncovered(_:)``),
  /// in their order: the same edges, as every primitive asks what the grants of a scope allow, never how many allow
  /// it.
  static func uncovered(_ grants: [Grant]) -> [Grant] {
    let scopes = Dictionary(grouping: grants.indices) { i in
      grants[i].binding.kind == .clusterRoleBinding ? "" : "ns:" + grants[i].binding.namespace
    }
    var kept: [Int] = []
    for indices in scopes.values { kept += PolicyRule.uncovered(indices.map { grants[$0].rule }).map { indices[$0] } }
    return kept.sorted().map { grants[$0] }
  }
}
