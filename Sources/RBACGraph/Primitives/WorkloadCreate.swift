// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// The kinds whose objects make pods, and the verbs that set the pod template: (group, resource, verbs).
/// A Job's template is immutable, so only `create` counts for it.
let podMakingResources: [(group: String, resource: String, kind: String, verbs: [String])] = [
  ("", "pods", "Pod", ["create"]),
  ("apps", "deployments", "Deployment", ["create", "update", "patch"]),
  ("apps", "replicasets", "ReplicaSet", ["create", "update", "patch"]),
  ("apps", "statefulsets", "StatefulSet", ["create", "update", "patch"]),
  ("apps", "daemonsets", "DaemonSet", ["create", "update", "patch"]),
  ("batch", "jobs", "Job", ["create"]),
  ("batch", "cronjobs", "CronJob", ["create", "update", "patch"]),
  ("", "replicationcontrollers", "ReplicationController", ["create", "update", "patch"]),
]

/// Where an identity can make pods, each place with the grant that allows it.
struct PodMaking {
  /// A ClusterRoleBinding's `create` of a pod-making kind: every namespace.
  var everywhere: Grant?
  /// Per namespace, in name order.
  var namespaces: [(namespace: String, grant: Grant)] = []
  /// Cluster-wide update/patch of a kind's existing objects, whatever their names: every namespace that holds one,
  /// through the ``GraphNode/existingWorkloads(resource:)`` hub.
  var existing: [(resource: String, grant: Grant)] = []
}

extension IdentityContext {
  /// Where the identity can make pods: everywhere (a ClusterRoleBinding's create), or per namespace. `create`
  /// needs no name; updating an existing object is checked against its name, as resourceNames may limit it, and
  /// only objects the snapshot holds are looked up.
  func podMaking() -> PodMaking {
    let kinds = podMakingResources
    guard kinds.contains(where: { kind in
      ["create", "update", "patch"].contains { mayAllow($0, kind.resource, subresource: "") }
    }) else { return PodMaking() }
    // One pass over the grants gathers, per kind, what the rules below read in kind order: the first cluster-wide
    // create, the first create per namespace, and the update/patch grants in grant order. An identity that holds
    // thousands of rules (a hub's) pays for its grants once, not once per kind and verb.
    var createEverywhere = [Grant?](repeating: nil, count: kinds.count)
    var createIn = [[String: Grant]](repeating: [:], count: kinds.count)
    var updates = [[Grant]](repeating: [], count: kinds.count)
    for i in grants.indices {
      let rule = grants[i].rule
      let creates = rule.resourceNames.isEmpty && rule.matchesVerb("create")
      let updatesAny = rule.matchesVerb("update") || rule.matchesVerb("patch")
      guard creates || updatesAny else { continue }
      for k in kinds.indices
      where rule.matchesAPIGroup(kinds[k].group) && rule.matchesResource(kinds[k].resource, subresource: "") {
        if creates && createEverywhere[k] == nil {
          if grants[i].holdsInEveryNamespace {
            createEverywhere[k] = grants[i]
          } else if createIn[k][grants[i].binding.namespace] == nil {
            createIn[k][grants[i].binding.namespace] = grants[i]
          }
        }
        if updatesAny && kinds[k].verbs.contains("update") { updates[k].append(grants[i]) }
      }
    }
    var found: [String: Grant] = [:]
    var existing: [(resource: String, grant: Grant)] = []
    for k in kinds.indices {
      let (resource, kind) = (kinds[k].resource, kinds[k].kind)
      if let grant = createEverywhere[k] { return PodMaking(everywhere: grant) }
      for (ns, grant) in createIn[k].sorted(by: { $0.key < $1.key }) where found[ns] == nil { found[ns] = grant }
      for grant in updates[k] {
        if grant.rule.resourceNames.isEmpty {
          if grant.holdsInEveryNamespace {
            if cluster.namespacesWithKind[kind] != nil && !existing.contains(where: { $0.resource == resource }) {
              existing.append((resource, grant))
            }
          } else if found[grant.binding.namespace] == nil,
            cluster.namespacesWithKind[kind]?.sortedContains(grant.binding.namespace) == true
          {
            found[grant.binding.namespace] = grant
          }
          continue
        }
        for name in grant.rule.resourceNames {
          for ns in namespaces(of: grant, holding: name, in: cluster.workloadNamespaces[kind] ?? [:]) where found[ns] == nil {
            found[ns] = grant
          }
        }
      }
    }
    return PodMaking(namespaces: found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, existing: existing)
  }
}

extension Primitive {
  /// A pod may name any service account of its namespace, and so may a controller's pod template; the pod then
  /// carries that account's token.
  static let workloadCreate = Primitive(
    id: "workload-create", title: "Run pods as any service account",
    condition: "in N: create pods, or create/update/patch deployments, replicasets, statefulsets, daemonsets (apps), "
      + "cronjobs (batch), replicationcontrollers, or create jobs (batch)",
    yields: "every service account of N (a pod can name any of them and mount its token); update/patch of a kind "
      + "granted cluster-wide leads to every namespace that holds such an object (deployments:*)",
    reference: "kubernetes.io RBAC good practices: workload creation",
    fromNode: { node, cluster in
      // Rewriting the pod template of every existing object of a kind: any account of each namespace that holds one.
      guard case .existingWorkloads(let resource) = node,
        let kind = podMakingResources.first(where: { $0.resource == resource })?.kind
      else { return [] }
      return (cluster.namespacesWithKind[kind] ?? []).map { ns in
        Edge(from: node, to: .namespaceAccounts(ns), primitive: "workload-create",
          evidence: [.fact("namespace \(ns) holds a \(kind), whose pod template can name any of its accounts")])
      }
    }
  ) { context in
    let scopes = context.podMakingScopes
    if let grant = scopes.everywhere { return [context.toAccounts(of: nil, "workload-create", [Evidence(grant)])] }
    return scopes.namespaces.map { context.toAccounts(of: $0.namespace, "workload-create", [Evidence($0.grant)]) }
      + scopes.existing.map { context.edge(to: .existingWorkloads(resource: $0.resource), "workload-create", [Evidence($0.grant)]) }
  }
}
