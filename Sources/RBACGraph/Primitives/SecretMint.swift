// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// Creating a Secret of type kubernetes.io/service-account-token annotated with a service account's name makes
  /// the token controller fill in that account's token; the creator then needs a way to read it.
  static let secretMint = Primitive(
    id: "secret-mint", title: "Mint a token secret for any service account",
    condition: "create secrets in N, and a way to read the new secret in N: get secrets (any name it may choose), "
      + "list or watch secrets, or create pods (to mount it)",
    yields: "every service account of N",
    reference: "Kubernetes: manually created service account API token secrets"
  ) { context in
    var edges: [Edge] = []
    for ns in context.candidateNamespaces(["create"], "", "secrets") {
      guard let create = context.grant("create", "", "secrets", in: ns) else { continue }
      let read =
        context.anyGrant(["list", "watch"], "", "secrets", in: ns)
        ?? context.grants.first { g in
          (g.binding.kind == .clusterRoleBinding || g.binding.namespace == ns) && g.rule.matchesVerb("get")
            && g.rule.matchesAPIGroup("") && g.rule.matchesResource("secrets", subresource: "")
        }
        ?? context.grant("create", "", "pods", in: ns)
      guard let read else { continue }
      edges += context.toServiceAccounts(in: ns, primitive: "secret-mint", evidence: [Evidence(create), Evidence(read)])
    }
    return edges
  }
}
