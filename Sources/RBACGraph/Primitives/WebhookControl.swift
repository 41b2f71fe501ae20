// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// A mutating admission webhook sees and may rewrite every object it registers for, including pods' service
  /// accounts and privileges and RBAC objects themselves.
  static let webhookControl = Primitive(
    id: "webhook-control", title: "Control a mutating admission webhook",
    condition: "create, update or patch mutatingwebhookconfigurations (admissionregistration.k8s.io), cluster-wide",
    yields: "cluster-admin equivalent (needs an endpoint the API server can reach)",
    reference: "kubernetes.io RBAC good practices: control admission"
  ) { context in
    guard
      let grant = context.anyGrant(
        ["create", "update", "patch"], "admissionregistration.k8s.io", "mutatingwebhookconfigurations", in: "")
    else { return [] }
    return [context.edge(to: .clusterAdmin, "webhook-control", [Evidence(grant)])]
  }
}
