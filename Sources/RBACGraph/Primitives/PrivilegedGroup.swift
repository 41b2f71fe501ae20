// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// Members of `system:masters` are allowed everything by the API server's privileged-group authorizer, before
  /// RBAC is consulted; no binding can take that away.
  static let privilegedGroup = Primitive(
    id: "privileged-group", title: "Member of system:masters",
    condition: "the identity is the group system:masters (client certificates with O=system:masters, kubeadm "
      + "super-admin.conf, EKS legacy cluster creator, AKS local admin)",
    yields: "cluster-admin, and node (nodes/proxy): every request is allowed and no RBAC or webhook authorizer is asked",
    reference: "kube-apiserver authorizer chain (privileged group); kubernetes.io RBAC good practices"
  ) { context in
    guard context.node == .group(UserInfo.mastersGroup) else { return [] }
    let allowed = Evidence.fact("the API server allows system:masters every request before RBAC is consulted")
    // Every request includes nodes/proxy: the kubelet of any node is one request away, as for any identity that
    // holds nodes/proxy.
    return [
      context.edge(to: .clusterAdmin, "privileged-group", [allowed]),
      context.edge(to: .node, "privileged-group", [allowed, .fact("get nodes/proxy: the kubelet API of any node")]),
    ]
  }
}
