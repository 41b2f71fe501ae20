// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Everything a primitive needs to decide the edges out of one identity: its grants, every binding that applies to
/// it anywhere, and the cluster's facts.
///
/// Permissions are the union over all the identity's bindings (its own and its groups'), as the API server unions
/// them: a `create` from one binding and a `bind` from another combine.
public struct IdentityContext {
  public let node: GraphNode
  public let user: UserInfo
  public let grants: [Grant]
  public let cluster: ClusterIndex

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

  /// Edges to every service account of `namespace`, with the same evidence.
  func toServiceAccounts(in namespace: String, primitive: String, evidence: [Evidence], except: GraphNode? = nil)
    -> [Edge]
  {
    (cluster.serviceAccounts[namespace] ?? []).compactMap { name in
      let target = GraphNode.serviceAccount(namespace: namespace, name: name)
      return target == node || target == except
        ? nil : Edge(from: node, to: target, primitive: primitive, evidence: evidence)
    }
  }

  func edge(to target: GraphNode, _ primitive: String, _ evidence: [Evidence]) -> Edge {
    Edge(from: node, to: target, primitive: primitive, evidence: evidence)
  }
}
