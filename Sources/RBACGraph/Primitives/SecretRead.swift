// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// A long-lived token secret holds its service account's token; whoever reads the secret is that account.
  /// `list` and `watch` return every secret's data; `get` needs the name (guessable, or named by resourceNames).
  static let secretRead = Primitive(
    id: "secret-read", title: "Read service-account token secrets",
    condition: "list or watch secrets in N (every token secret of N), or get secrets in N for a token secret's "
      + "name (resourceNames respected)",
    yields: "each service account whose kubernetes.io/service-account-token secret is in N",
    reference: "kubernetes.io RBAC good practices: listing secrets"
  ) { context in
    var edges: [Edge] = []
    for (ns, owners) in context.cluster.tokenSecrets.sorted(by: { $0.key < $1.key }) {
      let listing = context.anyGrant(["list", "watch"], "", "secrets", in: ns)
      for (owner, secrets) in owners.sorted(by: { $0.key < $1.key }) {
        let target = GraphNode.serviceAccount(namespace: ns, name: owner)
        guard target != context.node else { continue }
        let evidence: [Evidence]
        if let listing {
          evidence = [Evidence(listing, note: "token secret \(ns)/\(secrets[0]) belongs to \(owner)")]
        } else if let (name, grant) = secrets.lazy.compactMap({ s in context.grant("get", "", "secrets", name: s, in: ns).map { (s, $0) } }).first {
          evidence = [Evidence(grant, note: "token secret \(ns)/\(name) belongs to \(owner)")]
        } else {
          continue
        }
        edges.append(context.edge(to: target, "secret-read", evidence))
      }
    }
    return edges
  }
}
