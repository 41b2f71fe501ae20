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
    yields: "whatever the bound role grants (bound:ROLE@SCOPE); cluster-admin for a role with every verb on every "
      + "resource bound cluster-wide",
    reference: "kubernetes.io RBAC: restrictions on role binding creation; registry/rbac/escalation_check.go; "
      + "ESCALATION E03, E04"
  ) { context in
    let binds = context.matching(["bind"], rbacGroup, "clusterroles") + context.matching(["bind"], rbacGroup, "roles")
    guard !binds.isEmpty else { return [] }
    let cluster = context.cluster
    let policy = cluster.policy
    var edges: [Edge] = []
    var seen = Set<GraphNode>()
    func add(_ role: RoleKey, in scope: String, _ write: Grant, _ bind: Grant, existing: String? = nil) {
      guard role.kind == .role || cluster.powerfulClusterRoles.contains(role.name) else { return }
      let admin = scope.isEmpty && cluster.adminClusterRoles.contains(role.name)
      let target: GraphNode = admin ? .clusterAdmin : .roleBound(role: role, scope: scope)
      guard seen.insert(target).inserted else { return }
      let place = scope.isEmpty ? "cluster-wide" : scope == everyNamespace ? "in every namespace" : "in namespace \(scope)"
      var note = "bind \(role.kind.rawValue) \"\(role.qualifiedName)\" \(place)"
      if let existing { note += " by adding a subject to \(existing), which already refers to it" }
      edges.append(context.edge(to: target, "bind", [Evidence(write), Evidence(bind, note: note)]))
    }
    /// The bind grant that lets the caller bind `role` in `namespace` ("" for cluster-wide), if any.
    func binding(_ role: RoleKey, in namespace: String) -> Grant? {
      let resource = role.kind == .clusterRole ? "clusterroles" : "roles"
      return binds.first { g in
        g.rule.matchesResource(resource, subresource: "")
          && (g.rule.resourceNames.isEmpty || g.rule.resourceNames.contains(role.name))
          && (g.binding.kind == .clusterRoleBinding
            || (!namespace.isEmpty && (g.binding.namespace == namespace || g.binding.namespace == everyNamespace)))
      }
    }
    /// The roles a bind grant may name: every one for a rule without resourceNames, else the named ones that exist.
    func roles(_ bind: Grant, clusterRoles: Bool, namespace: String?) -> [RoleKey] {
      if clusterRoles {
        guard bind.rule.matchesResource("clusterroles", subresource: "") else { return [] }
        let names = bind.rule.resourceNames.isEmpty ? Array(cluster.powerfulClusterRoles) : bind.rule.resourceNames
        return names.filter { policy.clusterRoles[$0] != nil }.sorted().map { RoleKey(kind: .clusterRole, name: $0) }
      }
      guard let namespace, bind.rule.matchesResource("roles", subresource: "") else { return [] }
      let held = policy.roles[namespace] ?? [:]
      let names = bind.rule.resourceNames.isEmpty ? Array(held.keys) : bind.rule.resourceNames
      return names.filter { held[$0] != nil }.sorted().map { RoleKey(kind: .role, namespace: namespace, name: $0) }
    }

    // ClusterRoleBindings: new ones to any bindable ClusterRole, or subjects added to existing ones.
    for write in context.matching(["create", "update", "patch"], rbacGroup, "clusterrolebindings")
    where write.binding.kind == .clusterRoleBinding {
      if write.rule.matchesVerb("create") && write.rule.resourceNames.isEmpty {
        for bind in binds where bind.binding.kind == .clusterRoleBinding {
          for role in roles(bind, clusterRoles: true, namespace: nil) { add(role, in: "", write, bind) }
        }
      }
      guard write.rule.matchesVerb("update") || write.rule.matchesVerb("patch") else { continue }
      for bound in policy.clusterRoleBindings
      where bound.role.kind == .clusterRole && bound.roleFound
        && (write.rule.resourceNames.isEmpty || write.rule.resourceNames.contains(bound.ref.name))
      {
        if let bind = binding(bound.role, in: "") {
          add(bound.role, in: "", write, bind, existing: "ClusterRoleBinding \"\(bound.ref.name)\"")
        }
      }
    }

    // RoleBindings: in the namespace of the write, or in every namespace for a cluster-wide one.
    for write in context.matching(["create", "update", "patch"], rbacGroup, "rolebindings") {
      let everywhere = write.holdsInEveryNamespace
      if write.rule.matchesVerb("create") && write.rule.resourceNames.isEmpty {
        for bind in binds {
          if everywhere && bind.holdsInEveryNamespace {
            // One binding per namespace grants a ClusterRole everywhere; each namespace's Roles in their own.
            for role in roles(bind, clusterRoles: true, namespace: nil) { add(role, in: everyNamespace, write, bind) }
            for ns in policy.roles.keys.sorted() {
              for role in roles(bind, clusterRoles: false, namespace: ns) { add(role, in: ns, write, bind) }
            }
            continue
          }
          let ns = bind.holdsInEveryNamespace ? write.binding.namespace : bind.binding.namespace
          guard everywhere || ns == write.binding.namespace else { continue }
          for role in roles(bind, clusterRoles: true, namespace: ns) { add(role, in: ns, write, bind) }
          for role in roles(bind, clusterRoles: false, namespace: ns) { add(role, in: ns, write, bind) }
        }
      }
      guard write.rule.matchesVerb("update") || write.rule.matchesVerb("patch") else { continue }
      let namespaces = everywhere ? policy.roleBindings.keys.sorted() : [write.binding.namespace]
      for ns in namespaces {
        for bound in policy.roleBindings[ns] ?? []
        where bound.roleFound && (write.rule.resourceNames.isEmpty || write.rule.resourceNames.contains(bound.ref.name)) {
          if let bind = binding(bound.role, in: ns) {
            add(bound.role, in: ns, write, bind, existing: "RoleBinding \"\(ns)/\(bound.ref.name)\"")
          }
        }
      }
    }
    return edges
  }
}

extension ClusterIndex {
  static func hasPodPower(_ rules: [PolicyRule]) -> Bool {
    rules.contains { rule in
      rule.allows(.resource("create", "pods", namespace: "x"))
        || rule.allows(.resource("create", "serviceaccounts", subresource: "token", name: "x", namespace: "x"))
    }
  }

  /// Whether a role's rules could give any escalation edge: false only for rules that read (get, list, watch)
  /// nothing that a read escalates through (secrets, pods/exec, pods/attach, nodes/proxy, wildcards), and for
  /// non-resource URLs. `bind` leads only to roles that pass, which keeps a `bind *` from naming every role.
  static func grantsPower(_ rules: [PolicyRule]) -> Bool {
    let reads: Set<String> = ["get", "list", "watch"]
    let readable: Set<String> = ["secrets", "pods/exec", "pods/attach", "nodes/proxy", "*", "*/exec", "*/attach", "*/proxy"]
    return rules.contains { rule in
      !rule.resources.isEmpty && (!reads.isSuperset(of: rule.verbs) || rule.resources.contains(where: readable.contains))
    }
  }
}
