// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel

/// One snapshot as a diff reads it: its objects, the policy and escalation graph they define, what each subject is
/// granted, and every identity's distance to the graph's targets.
public final class DiffSide {
  public let name: String
  public let content: SnapshotContent
  public let policy: Policy
  public let graph: EscalationGraph
  public let permissions: SubjectPermissions
  let identities: Set<GraphNode>
  private var distances: [GraphNode: [GraphNode: Int]]

  /// The targets whose paths a diff compares.
  public static let targets: [GraphNode] = [.clusterAdmin, .node]

  /// - Parameter distances: per target, the steps stored at ingest (nodes that cannot reach absent); the targets
  ///   not given are computed over the whole graph.
  public init(name: String, content: SnapshotContent, distances: [GraphNode: [GraphNode: Int]] = [:]) {
    self.name = name
    self.content = content
    policy = content.policy()
    graph = EscalationGraph(policy: policy, objects: content.clusterObjects)
    permissions = SubjectPermissions(policy)
    identities = Set(graph.identities)
    var all = distances
    for target in Self.targets where all[target] == nil { all[target] = graph.distances(to: target) }
    self.distances = all
  }

  /// The steps from `node` to `target`, nil when it cannot reach it. An identity this snapshot does not know (an
  /// account created only in the other one) acts through its groups: its distance is its best neighbour's.
  func steps(_ node: GraphNode, to target: GraphNode) -> Int? {
    let known = distances[target]!
    if let steps = known[node] { return steps }
    if identities.contains(node) { return nil }
    return graph.edges(from: node).compactMap { edge in known[edge.to].map { $0 + EscalationGraph.cost(edge) } }.min()
  }

  /// The first step of one shortest path from `node` to `target`, in the graph's fixed order.
  func firstStep(_ node: GraphNode, to target: GraphNode) -> Edge? {
    let known = distances[target]!
    let own = steps(node, to: target)
    return graph.guidedPaths(from: node, to: target, distance: { $0 == node ? own : known[$0] }, limit: 1).first?.first
  }

  // MARK: - Admin-equivalence

  /// The subjects a ClusterRoleBinding grants every verb on every resource, with the grant that does.
  lazy var adminGrants: [SubjectKey: Grant] = {
    var found: [SubjectKey: Grant] = [:]
    for bound in policy.clusterRoleBindings {
      guard let r = bound.rules.firstIndex(where: \.isFullWildcard) else { continue }
      for (s, subject) in bound.subjects.enumerated() {
        guard let key = subject.matchKey(bindingNamespace: ""), found[key] == nil else { continue }
        found[key] = bound.grant(subject: s, rule: r)
      }
    }
    return found
  }()

  /// Why `node` is allowed everything without escalating, or nil when it is not: `system:masters`, or a
  /// cluster-wide full wildcard to the identity or one of the groups it always carries.
  func adminReason(_ node: GraphNode) -> (via: SubjectKey, evidence: Evidence)? {
    guard let user = node.identity else { return nil }
    if !user.name.isEmpty, let grant = adminGrants[.user(user.name)] { return (.user(user.name), Evidence(grant)) }
    for group in user.groups {
      if group == UserInfo.mastersGroup {
        return (.group(group), .fact("the API server allows system:masters every request before RBAC is consulted"))
      }
      if let grant = adminGrants[.group(group)] { return (.group(group), Evidence(grant)) }
    }
    return nil
  }
}
