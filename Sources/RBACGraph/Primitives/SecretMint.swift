// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// Creating a Secret of type kubernetes.io/service-account-token annotated with a service account's name makes
  /// the token controller fill in that account's token; the creator then needs a way to read it.
  static let secretMint = Primitive(
    id: "secret-mint", title: "Mint a token secret for any service account",
    condition: "create secrets in N, and a way to read the new secret in N: list or watch secrets, create pods (to "
      + "mount it), or get secrets on a name no Secret of N holds yet (an existing one cannot be created again, nor its "
      + "type changed), or on one it may delete first",
    yields: "every service account of N",
    reference: "Kubernetes: manually created service account API token secrets"
  ) { context in
    guard context.mentions("create", "", "secrets") else { return [] }
    let cluster = context.cluster
    // Ways to read a secret the identity creates: list or watch, or a pod that mounts it, cluster-wide or per
    // namespace; or get on a name a rule allows, if that name is free in the namespace: an existing Secret cannot
    // be created again, and its type cannot be changed (one that is already a token secret is secret-read's).
    var readEverywhere: Grant?
    var readIn: [String: Grant] = [:]
    var namedEverywhere: [Grant] = []
    var namedIn: [String: [Grant]] = [:]
    for (verbs, resource) in [(["list", "watch"], "secrets"), (["get"], "secrets"), (["create"], "pods")] {
      let matching = context.allGrants { g in
        verbs.contains(where: g.rule.matchesVerb) && g.rule.matchesAPIGroup("")
          && g.rule.matchesResource(resource, subresource: "")
          && (resource == "secrets" && verbs == ["get"] || g.rule.resourceNames.isEmpty)
      }
      for g in matching {
        if !g.rule.resourceNames.isEmpty {
          if g.holdsInEveryNamespace { namedEverywhere.append(g) } else { namedIn[g.binding.namespace, default: []].append(g) }
        } else if g.holdsInEveryNamespace {
          readEverywhere = readEverywhere ?? g
        } else if readIn[g.binding.namespace] == nil {
          readIn[g.binding.namespace] = g
        }
      }
    }
    /// A named get that reads a Secret the identity creates in `ns`: the first of its names no Secret of `ns` holds,
    /// or one it may delete first and create again as a token secret (with the delete's evidence).
    func namedReading(in ns: String) -> [Evidence]? {
      for g in (namedIn[ns] ?? []) + namedEverywhere {
        if let free = g.rule.resourceNames.first(where: { !cluster.holdsSecret(named: $0, in: ns) }) {
          return [Evidence(g, note: "only by creating a Secret named \(free) first: none of that name exists in \(ns)")]
        }
      }
      for g in (namedIn[ns] ?? []) + namedEverywhere {
        for name in g.rule.resourceNames {
          if let delete = context.grant("delete", "", "secrets", name: name, in: ns) {
            return [
              Evidence(g, note: "after deleting Secret \(ns)/\(name) and creating it again as a token secret"),
              Evidence(delete),
            ]
          }
        }
      }
      return nil
    }
    func reading(in ns: String) -> [Evidence]? {
      (readEverywhere ?? readIn[ns]).map { [Evidence($0)] } ?? namedReading(in: ns)
    }
    let create = context.unrestrictedScopes(["create"], "", "secrets")
    if let everywhere = create.cluster {
      if let reading = readEverywhere {
        return [context.toAccounts(of: nil, "secret-mint", [Evidence(everywhere), Evidence(reading)])]
      }
      // A name no namespace holds reads in every namespace; one that some hold, everywhere else.
      if let g = namedEverywhere.first(where: { $0.rule.resourceNames.contains { cluster.secretNamespaces[$0] == nil } }),
        let free = g.rule.resourceNames.first(where: { cluster.secretNamespaces[$0] == nil })
      {
        let note = "only by creating a Secret named \(free) first: no namespace holds one"
        return [context.toAccounts(of: nil, "secret-mint", [Evidence(everywhere), Evidence(g, note: note)])]
      }
      let namespaces = namedEverywhere.isEmpty ? Set(readIn.keys).union(namedIn.keys).sorted() : cluster.serviceAccounts.keys.sorted()
      return namespaces.compactMap { ns in
        reading(in: ns).map { context.toAccounts(of: ns, "secret-mint", [Evidence(everywhere)] + $0) }
      }
    }
    return create.namespaces.compactMap { ns, made in
      reading(in: ns).map { context.toAccounts(of: ns, "secret-mint", [Evidence(made)] + $0) }
    }
  }
}
