// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// A caller who may create, approve and have signed a client-certificate CSR can give itself a certificate for
  /// any user and groups; the CertificateSubjectRestriction admission plugin refuses only O=system:masters.
  static let csrClientCertificate = Primitive(
    id: "csr-client-cert", title: "Issue client certificates",
    condition: "create certificatesigningrequests, update certificatesigningrequests/approval, and approve signers "
      + "kubernetes.io/kube-apiserver-client (or kubernetes.io/*), all cluster-wide (certificates.k8s.io)",
    yields: "every user and group except system:masters (not on EKS, which does not sign these CSRs)",
    reference: "kubernetes.io Certificates and Certificate Signing Requests; RBAC good practices"
  ) { context in
    let group = "certificates.k8s.io"
    guard let create = context.grant("create", group, "certificatesigningrequests", in: ""),
      let approval = context.grant("update", group, "certificatesigningrequests", subresource: "approval", in: ""),
      let approve = context.grant("approve", group, "signers", name: "kubernetes.io/kube-apiserver-client", in: "")
        ?? context.grant("approve", group, "signers", name: "kubernetes.io/*", in: "")
    else { return [] }
    let evidence = [Evidence(create), Evidence(approval), Evidence(approve)]
    // Any name at all: one edge to every user, one to every group (system:masters excepted).
    return [context.edge(to: .everyUser, "csr-client-cert", evidence), context.edge(to: .everyGroup, "csr-client-cert", evidence)]
  }
}
