// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

let rbacGroup = "rbac.authorization.k8s.io"

extension Primitive {
  /// With `bind`, the API server lets a caller create a binding to a role it does not itself hold. The check is
  /// made in the binding's namespace ("" for a ClusterRoleBinding) on the role's name, so `bind` granted in N only
  /// helps for RoleBindings in N. Without `bind`, only roles the caller already holds can be bound: no escalation.
  static let bind = Primitive(
    id: "bind", title: "Bind a more powerful role",
    condition: "create (or update/patch) clusterrolebindings and bind clusterroles on an admin ClusterRole's name, "
      + "cluster-wide -> cluster-admin; create (or update/patch) rolebindings in N and bind, in N, a Role of N or a "
      + "ClusterRole that can run pods or mint tokens -> every service account of N",
    yields: "cluster-admin, or the power of the bound role in N",
    reference: "kubernetes.io RBAC: restrictions on role binding creation; registry/rbac/escalation_check.go"
  ) { context in
    var edges: [Edge] = []
    if let write = context.anyGrant(["create", "update", "patch"], rbacGroup, "clusterrolebindings", in: "") {
      for role in context.cluster.adminClusterRoles {
        if let bind = context.grant("bind", rbacGroup, "clusterroles", name: role, in: "") {
          edges.append(
            context.edge(
              to: .clusterAdmin, "bind",
              [Evidence(write), Evidence(bind, note: "bind ClusterRole \"\(role)\" cluster-wide")]))
          break
        }
      }
    }
    guard context.mentions("bind", rbacGroup, "clusterroles") || context.mentions("bind", rbacGroup, "roles") else {
      return edges
    }
    // Cluster-wide rolebinding writes and a cluster-wide bind reach every namespace at once.
    if let write = context.anyGrant(["create", "update", "patch"], rbacGroup, "rolebindings", in: ""),
      let (role, bind) = context.cluster.podPowerClusterRoles.lazy.compactMap({ role in
        context.grant("bind", rbacGroup, "clusterroles", name: role, in: "").map { (role, $0) }
      }).first
    {
      let note = "bind ClusterRole \"\(role)\" in any namespace"
      return edges + [context.toAccounts(of: nil, "bind", [Evidence(write), Evidence(bind, note: note)])]
    }
    // The bind rules the identity holds, once: per namespace only their scope and names are checked.
    let bindRules = context.allGrants { g in
      g.rule.matchesVerb("bind") && g.rule.matchesAPIGroup(rbacGroup)
        && (g.rule.matchesResource("clusterroles", subresource: "") || g.rule.matchesResource("roles", subresource: ""))
    }
    for ns in context.candidateNamespaces(["create", "update", "patch"], rbacGroup, "rolebindings") {
      guard let write = context.anyGrant(["create", "update", "patch"], rbacGroup, "rolebindings", in: ns) else {
        continue
      }
      let candidates =
        context.cluster.podPowerClusterRoles.map { ("clusterroles", $0) }
        + (context.cluster.podPowerRoles[ns] ?? []).map { ("roles", $0) }
      let bound = bindRules.lazy.filter { $0.binding.kind == .clusterRoleBinding || $0.binding.namespace == ns }
        .compactMap { bind in
          candidates.first { resource, role in
            bind.rule.allows(.resource("bind", group: rbacGroup, resource, name: role, namespace: ns))
          }.map { (bind, $0) }
        }.first
      guard let (bind, (resource, role)) = bound else { continue }
      let kind = resource == "roles" ? "Role" : "ClusterRole"
      edges.append(
        context.toAccounts(
          of: ns, "bind", [Evidence(write), Evidence(bind, note: "bind \(kind) \"\(role)\" in namespace \(ns)")]))
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
}
