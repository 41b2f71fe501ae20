// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// `impersonate` lets a caller send requests as someone else. Users and groups are cluster-scoped (only a
  /// ClusterRoleBinding can grant them); service accounts are namespaced. Impersonating a group needs
  /// Impersonate-User as well, and impersonating system:masters is cluster-admin.
  static let impersonate = Primitive(
    id: "impersonate", title: "Impersonate users, groups or service accounts",
    condition: "impersonate on users (cluster-wide, resourceNames = usernames) -> that user; impersonate on groups "
      + "(cluster-wide) together with impersonate on some user -> that group; impersonate on serviceaccounts in N "
      + "(resourceNames = names) -> that service account",
    yields: "the target identity; group system:masters is cluster-admin",
    reference: "kubernetes.io User impersonation; apiserver filters/impersonation.go"
  ) { context in
    var edges: [Edge] = []
    if context.mentions("impersonate", "", "users") {
      for user in context.cluster.users.sorted() {
        if let grant = context.grant("impersonate", "", "users", name: user, in: "") {
          edges.append(context.edge(to: .user(user), "impersonate", [Evidence(grant)]))
        }
      }
    }
    // Impersonate-Group is only honored next to Impersonate-User, so some user must be impersonable.
    let someUser = context.firstGrant { grant in
      grant.binding.kind == .clusterRoleBinding && grant.rule.matchesVerb("impersonate")
        && grant.rule.matchesAPIGroup("") && grant.rule.matchesResource("users", subresource: "")
    }
    if let someUser, context.mentions("impersonate", "", "groups") {
      for group in context.cluster.groups.sorted() {
        if let grant = context.grant("impersonate", "", "groups", name: group, in: "") {
          edges.append(context.edge(to: .group(group), "impersonate", [Evidence(grant), Evidence(someUser)]))
        }
      }
    }
    edges += context.accountEdges("impersonate", "serviceaccounts", "impersonate")
    return edges
  }
}
