// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Everything a primitive needs to decide the edges out of one identity: its grants, every binding that applies to
/// it anywhere, and the cluster's facts.
///
/// Permissions are the union over all the identity's bindings (its own and its groups'), as the API server unions
/// them: a `create` from one binding and a `bind` from another combine.
public final class IdentityContext {
  public let node: GraphNode
  public let user: UserInfo
  public let grants: [Grant]
  public let cluster: ClusterIndex
  /// Where the identity can make pods, computed once for the primitives that need it.
  lazy var podMakingScopes: (cluster: Grant?, namespaces: [(namespace: String, grant: Grant)]) = podMaking()

  init(node: GraphNode, user: UserInfo, cluster: ClusterIndex) {
    self.node = node
    self.user = user
    self.cluster = cluster
    self.grants = cluster.policy.allGrants(for: user)
  }

  /// The first grant that allows the request in `namespace` (empty: cluster-wide, so only ClusterRoleBindings).
  public func grant(
    _ verb: String, _ group: String, _ resource: String, subresource: String = "", name: String = "",
    in namespace: String
  ) -> Grant? {
    let request = RequestAttributes.resource(
      verb, group: group, resource, subresource: subresource, name: name, namespace: namespace)
    return grants.first { grant in
      (grant.binding.kind == .clusterRoleBinding || (!namespace.isEmpty && grant.binding.namespace == namespace))
        && grant.rule.allows(request)
    }
  }

  /// The first of several verbs that is allowed, with its grant.
  public func anyGrant(
    _ verbs: [String], _ group: String, _ resource: String, subresource: String = "", name: String = "",
    in namespace: String
  ) -> Grant? {
    for verb in verbs {
      if let g = grant(verb, group, resource, subresource: subresource, name: name, in: namespace) { return g }
    }
    return nil
  }

  /// The namespaces where some grant could allow a request of this shape: all of them when a ClusterRoleBinding
  /// matches the verb and resource, else the namespaces of the matching RoleBindings. Names are checked later,
  /// per target, with ``grant(_:_:_:subresource:name:in:)``.
  public func candidateNamespaces(_ verbs: [String], _ group: String, _ resource: String, subresource: String = "")
    -> [String]
  {
    var found = Set<String>()
    let combined = subresource.isEmpty ? resource : resource + "/" + subresource
    for grant in grants where verbs.contains(where: grant.rule.matchesVerb) {
      guard grant.rule.matchesAPIGroup(group), grant.rule.matchesResource(combined, subresource: subresource) else {
        continue
      }
      if grant.binding.kind == .clusterRoleBinding { return cluster.namespaces }
      found.insert(grant.binding.namespace)
    }
    return found.sorted()
  }

  /// Where a request of this shape is allowed for every name: cluster-wide (a ClusterRoleBinding's rule without
  /// resourceNames), and per namespace (a RoleBinding's). Rules with resourceNames are left to per-name checks.
  public func unrestrictedScopes(_ verbs: [String], _ group: String, _ resource: String, subresource: String = "")
    -> (cluster: Grant?, namespaces: [(namespace: String, grant: Grant)])
  {
    var namespaces: [String: Grant] = [:]
    let combined = subresource.isEmpty ? resource : resource + "/" + subresource
    for grant in grants where grant.rule.resourceNames.isEmpty && verbs.contains(where: grant.rule.matchesVerb) {
      guard grant.rule.matchesAPIGroup(group), grant.rule.matchesResource(combined, subresource: subresource) else {
        continue
      }
      if grant.binding.kind == .clusterRoleBinding { return (grant, []) }
      if namespaces[grant.binding.namespace] == nil { namespaces[grant.binding.namespace] = grant }
    }
    return (nil, namespaces.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
  }

  /// Whether any grant names this verb on this resource at all: a cheap test before checking names one by one.
  public func mentions(_ verb: String, _ group: String, _ resource: String, subresource: String = "") -> Bool {
    let combined = subresource.isEmpty ? resource : resource + "/" + subresource
    return grants.contains { g in
      g.rule.matchesVerb(verb) && g.rule.matchesAPIGroup(group) && g.rule.matchesResource(combined, subresource: subresource)
    }
  }

  /// Edges for a namespaced power over service accounts by name (TokenRequest, impersonation): to "any account"
  /// where a rule without resourceNames allows it, else to each account its resourceNames allow.
  func accountEdges(_ verb: String, _ resource: String, subresource: String = "", _ primitive: String) -> [Edge] {
    guard mentions(verb, "", resource, subresource: subresource) else { return [] }
    let scopes = unrestrictedScopes([verb], "", resource, subresource: subresource)
    if let grant = scopes.cluster { return [toAccounts(of: nil, primitive, [Evidence(grant)])] }
    var edges = scopes.namespaces.map { toAccounts(of: $0.namespace, primitive, [Evidence($0.grant)]) }
    let covered = Set(scopes.namespaces.map(\.namespace))
    let combined = subresource.isEmpty ? resource : resource + "/" + subresource
    var seen = Set<GraphNode>()
    for grant in grants where !grant.rule.resourceNames.isEmpty && grant.rule.matchesVerb(verb) {
      guard grant.rule.matchesAPIGroup(""), grant.rule.matchesResource(combined, subresource: subresource) else {
        continue
      }
      let namespaces =
        grant.binding.kind == .clusterRoleBinding ? Array(cluster.serviceAccounts.keys) : [grant.binding.namespace]
      for ns in namespaces where !covered.contains(ns) {
        let existing = Set(cluster.serviceAccounts[ns] ?? [])
        for name in grant.rule.resourceNames where existing.contains(name) {
          let target = GraphNode.serviceAccount(namespace: ns, name: name)
          if target != node && seen.insert(target).inserted { edges.append(edge(to: target, primitive, [Evidence(grant)])) }
        }
      }
    }
    return edges
  }

  /// The edge to "any service account of the namespace", or of every namespace when `namespace` is nil.
  func toAccounts(of namespace: String?, _ primitive: String, _ evidence: [Evidence]) -> Edge {
    edge(to: namespace.map(GraphNode.namespaceAccounts) ?? .everyAccount, primitive, evidence)
  }

  func edge(to target: GraphNode, _ primitive: String, _ evidence: [Evidence]) -> Edge {
    Edge(from: node, to: target, primitive: primitive, evidence: evidence)
  }
}
