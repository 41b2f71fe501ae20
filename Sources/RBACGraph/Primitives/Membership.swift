// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// An identity acts with the power of the groups it is always in.
  static let membership = Primitive(
    id: "membership", title: "Member of a group",
    condition: "the identity is in the group: every authenticated identity in system:authenticated, a service "
      + "account in system:serviceaccounts and system:serviceaccounts:NAMESPACE",
    yields: "whatever bindings grant the group",
    reference: "kubernetes.io RBAC: default roles and role bindings; upstream serviceaccount.MakeGroupNames"
  ) { context in
    guard case .group = context.node else {
      return context.user.groups.filter { context.cluster.groups.contains($0) && $0 != UserInfo.mastersGroup }.map {
        context.edge(to: .group($0), "membership", [.fact("\(context.node) is always in group \($0)")])
      }
    }
    return []
  }
}
