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
    guard context.mentions("create", "", "secrets") else { return [] }
    // Ways to read a secret the identity creates: list or watch, get on a name it may choose (any name a rule
    // allows), or a pod that mounts it; cluster-wide, or per namespace.
    var readEverywhere: Grant?
    var readIn: [String: Grant] = [:]
    for (verbs, resource) in [(["list", "watch"], "secrets"), (["get"], "secrets"), (["create"], "pods")] {
      let matching = context.allGrants { g in
        verbs.contains(where: g.rule.matchesVerb) && g.rule.matchesAPIGroup("")
          && g.rule.matchesResource(resource, subresource: "")
          && (resource == "secrets" && verbs == ["get"] || g.rule.resourceNames.isEmpty)
      }
      for g in matching {
        if g.holdsInEveryNamespace {
          readEverywhere = readEverywhere ?? g
        } else if readIn[g.binding.namespace] == nil {
          readIn[g.binding.namespace] = g
        }
      }
    }
    let create = context.unrestrictedScopes(["create"], "", "secrets")
    if let everywhere = create.cluster {
      if let reading = readEverywhere {
        return [context.toAccounts(of: nil, "secret-mint", [Evidence(everywhere), Evidence(reading)])]
      }
      return readIn.sorted { $0.key < $1.key }.map { ns, reading in
        context.toAccounts(of: ns, "secret-mint", [Evidence(everywhere), Evidence(reading)])
      }
    }
    return create.namespaces.compactMap { ns, made in
      guard let reading = readEverywhere ?? readIn[ns] else { return nil }
      return context.toAccounts(of: ns, "secret-mint", [Evidence(made), Evidence(reading)])
    }
  }
}
