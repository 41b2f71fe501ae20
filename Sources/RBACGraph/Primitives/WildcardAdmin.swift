// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// A rule with every verb, group and resource, bound cluster-wide, is cluster-admin whatever the role is called.
  static let wildcardAdmin = Primitive(
    id: "wildcard-admin", title: "Every verb on every resource, cluster-wide",
    condition: "a ClusterRoleBinding grants a rule with verbs [*], apiGroups [*], resources [*] and no resourceNames",
    yields: "cluster-admin",
    reference: "kubernetes.io RBAC: cluster-admin; computed from the rules in force, not from role names"
  ) { context in
    guard let grant = context.firstGrant(where: { $0.binding.kind == .clusterRoleBinding && $0.rule.isFullWildcard })
    else { return [] }
    return [context.edge(to: .clusterAdmin, "wildcard-admin", [Evidence(grant)])]
  }
}
