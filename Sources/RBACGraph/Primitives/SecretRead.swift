// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// A long-lived token secret holds its service account's token; whoever reads the secret is that account.
  /// `list` and `watch` return every secret's data; `get` needs the name (guessable, or named by resourceNames).
  /// A `list` or `watch` limited by resourceNames is a real grant too: a fieldSelector `metadata.name=X` puts the
  /// name in the request, so it reads exactly the named secrets.
  static let secretRead = Primitive(
    id: "secret-read", title: "Read service-account token secrets",
    condition: "get, list or watch secrets in N without resourceNames (every token secret of N: secrets:N; in "
      + "every namespace, secrets:*, when granted cluster-wide), or get, list or watch secrets whose resourceNames "
      + "name a token secret",
    yields: "each service account whose kubernetes.io/service-account-token secret is read",
    reference: "kubernetes.io RBAC good practices: listing secrets; apiserver requestinfo.go (metadata.name "
      + "fieldSelector)"
  ) { context in
    let found = context.matching(["list", "watch"], "", "secrets") + context.matching(["get"], "", "secrets")
    guard !found.isEmpty else { return [] }
    let tokens = context.cluster.tokenOwners
    var everywhere: Grant?
    var inNamespace: [String: Grant] = [:]
    for grant in found where grant.rule.resourceNames.isEmpty {
      if grant.holdsInEveryNamespace {
        if everywhere == nil { everywhere = grant }
      } else if tokens[grant.binding.namespace] != nil && inNamespace[grant.binding.namespace] == nil {
        inNamespace[grant.binding.namespace] = grant
      }
    }
    if let everywhere { return [context.edge(to: .everyToken, "secret-read", [Evidence(everywhere)])] }
    var edges = inNamespace.sorted { $0.key < $1.key }.map { ns, grant in
      context.edge(to: .namespaceTokens(ns), "secret-read", [Evidence(grant)])
    }
    var seen = Set<GraphNode>()
    for grant in found where !grant.rule.resourceNames.isEmpty {
      for name in grant.rule.resourceNames {
        for ns in context.namespaces(of: grant, holding: name, in: context.cluster.tokenNamespaces)
        where inNamespace[ns] == nil {
          guard let owner = tokens[ns]?[name] else { continue }
          let target = GraphNode.serviceAccount(namespace: ns, name: owner)
          guard target != context.node, seen.insert(target).inserted else { continue }
          edges.append(
            context.edge(to: target, "secret-read", [Evidence(grant, note: "token secret \(ns)/\(name) belongs to \(owner)")]))
        }
      }
    }
    return edges
  }
}
