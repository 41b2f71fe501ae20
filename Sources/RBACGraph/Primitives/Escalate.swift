// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// With `escalate`, the API server lets a caller write rules into a role that it does not itself hold. Adding
  /// rules to a role already bound to the caller is then self-escalation: a ClusterRole bound cluster-wide becomes
  /// cluster-admin, a role bound in N gives everything in N. The check is made on the role's namespace and name.
  static let escalate = Primitive(
    id: "escalate", title: "Rewrite a role bound to oneself",
    condition: "escalate and update or patch on a role (roles in its namespace, or clusterroles cluster-wide, "
      + "resourceNames = the role's name) that a binding grants to the identity",
    yields: "cluster-admin for a ClusterRole bound by a ClusterRoleBinding; every rule in N (bound:*@N) for a role "
      + "bound by a RoleBinding in N",
    reference: "kubernetes.io RBAC: restrictions on role creation or update; registry/rbac/escalation_check.go"
  ) { context in
    var edges: [Edge] = []
    guard context.mentions("escalate", rbacGroup, "roles") || context.mentions("escalate", rbacGroup, "clusterroles") else {
      return []
    }
    // The few grants that escalate or rewrite roles, found once: each binding is then checked against them only.
    let escalators = context.matching(["escalate"], rbacGroup, "roles") + context.matching(["escalate"], rbacGroup, "clusterroles")
    let writers =
      context.matching(["update", "patch"], rbacGroup, "roles") + context.matching(["update", "patch"], rbacGroup, "clusterroles")
    guard !writers.isEmpty else { return [] }
    func first(_ grants: [Grant], _ verbs: [String], _ resource: String, _ role: RoleKey, in namespace: String) -> Grant? {
      let request = RequestAttributes.resource("", group: rbacGroup, resource, name: role.name, namespace: namespace)
      return grants.first { g in
        g.holds(in: namespace) && verbs.contains { verb in
          var asked = request
          asked.verb = verb
          return g.rule.allows(asked)
        }
      }
    }
    var reached = Set<GraphNode>()
    // Many bindings name the same role (a node that holds every binding of the cluster at once names few roles
    // through thousands of bindings): whether a role may be rewritten is decided once per role.
    var rewritable: [RoleKey: (escalate: Grant, write: Grant)?] = [:]
    for held in context.heldRoles() where held.binding.namespace != everyNamespace {
      let role = held.role
      let target: GraphNode =
        held.binding.kind == .clusterRoleBinding ? .clusterAdmin : .roleBound(role: nil, scope: held.binding.namespace)
      guard !reached.contains(target) else { continue }
      let (resource, roleNamespace) = role.kind == .clusterRole ? ("clusterroles", "") : ("roles", role.namespace)
      let found =
        rewritable[role]
        ?? {
          let pair = first(escalators, ["escalate"], resource, role, in: roleNamespace).flatMap { escalate in
            first(writers, ["update", "patch"], resource, role, in: roleNamespace).map { (escalate, $0) }
          }
          rewritable[role] = .some(pair)
          return pair
        }()
      guard let (escalate, write) = found else { continue }
      reached.insert(target)
      let bound = Evidence(held, note: "this binding grants \(role.displayName) to the subject")
      if held.binding.kind == .clusterRoleBinding {
        edges.append(context.edge(to: .clusterAdmin, "escalate", [Evidence(escalate), Evidence(write), bound]))
      } else {
        // Any rule written into a role bound in N holds in N: everything N has to give, its pods, secrets,
        // accounts, and the node where N admits privileged pods or its Namespace object may be relabelled.
        edges.append(
          context.edge(
            to: .roleBound(role: nil, scope: held.binding.namespace), "escalate", [Evidence(escalate), Evidence(write), bound]))
      }
    }
    return edges
  }
}
