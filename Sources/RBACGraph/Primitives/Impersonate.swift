// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// `impersonate` lets a caller send requests as someone else. Users and groups are cluster-scoped (only a
  /// ClusterRoleBinding can grant them); service accounts are namespaced. Impersonate-Group is honored only beside
  /// an impersonated user, and a service account serves as that user (`--as system:serviceaccount:N:X
  /// --as-group G`); impersonating system:masters is cluster-admin.
  static let impersonate = Primitive(
    id: "impersonate", title: "Impersonate users, groups or service accounts",
    condition: "impersonate on users (cluster-wide, resourceNames = usernames) -> that user; impersonate on groups "
      + "(cluster-wide) together with impersonate on some user or some existing service account -> that group; "
      + "impersonate on serviceaccounts in N (resourceNames = names) -> that service account",
    yields: "the target identity; group system:masters is cluster-admin",
    reference: "kubernetes.io User impersonation; apiserver filters/impersonation.go"
  ) { context in
    var edges: [Edge] = []
    let users = context.matching(["impersonate"], "", "users").filter { $0.binding.kind == .clusterRoleBinding }
    // Any user at all is one edge to the user:* hub.
    edges += clusterScopedTargets(users, known: context.cluster.users, context: context).map { user, grant in
      context.edge(to: user == "*" ? .everyUser : .user(user), "impersonate", [Evidence(grant)])
    }
    let groups = context.matching(["impersonate"], "", "groups").filter { $0.binding.kind == .clusterRoleBinding }
    if !groups.isEmpty, let asUser = users.first.map({ Evidence($0) }) ?? someAccount(context) {
      for (group, grant) in clusterScopedTargets(groups, known: context.cluster.groups, context: context) {
        guard group == "*" else {
          edges.append(context.edge(to: .group(group), "impersonate", [Evidence(grant), asUser]))
          continue
        }
        // Every group: system:masters itself, and the others through the group:* hub.
        edges.append(context.edge(to: .group(UserInfo.mastersGroup), "impersonate", [Evidence(grant), asUser]))
        edges.append(context.edge(to: .everyGroup, "impersonate", [Evidence(grant), asUser]))
      }
    }
    edges += context.accountEdges("impersonate", "serviceaccounts", "impersonate")
    return edges
  }

  /// The users or groups that the grants let the identity impersonate, each with the first grant that allows it:
  /// every known one for a rule without resourceNames, else the named ones the snapshot knows.
  private static func clusterScopedTargets(_ grants: [Grant], known: Set<String>, context: IdentityContext)
    -> [(String, Grant)]
  {
    if let all = grants.first(where: { $0.rule.resourceNames.isEmpty }) { return [("*", all)] }
    var found: [String: Grant] = [:]
    for grant in grants { for name in grant.rule.resourceNames where known.contains(name) && found[name] == nil { found[name] = grant } }
    return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }

  /// A service account the identity may impersonate, to carry impersonated groups: the evidence of the grant, or
  /// nil when it may impersonate none.
  private static func someAccount(_ context: IdentityContext) -> Evidence? {
    for grant in context.matching(["impersonate"], "", "serviceaccounts") {
      if grant.rule.resourceNames.isEmpty {
        let scope =
          grant.holdsInEveryNamespace ? context.cluster.serviceAccounts.keys.min() : grant.binding.namespace
        if let ns = scope, let name = context.cluster.serviceAccounts[ns]?.first {
          return Evidence(grant, note: "impersonate system:serviceaccount:\(ns):\(name) as the user that carries the groups")
        }
        continue
      }
      for name in grant.rule.resourceNames {
        if let ns = context.namespaces(of: grant, holding: name, in: context.cluster.accountNamespaces).first {
          return Evidence(grant, note: "impersonate system:serviceaccount:\(ns):\(name) as the user that carries the groups")
        }
      }
    }
    return nil
  }
}
