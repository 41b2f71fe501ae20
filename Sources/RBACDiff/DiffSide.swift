// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel

/// One snapshot as a diff reads it: its objects, the policy and escalation graph they define, and every identity's
/// distance to the graph's targets.
public final class DiffSide {
  public let name: String
  public let content: SnapshotContent
  public let policy: Policy
  public let graph: EscalationGraph
  let identities: Set<GraphNode>
  private var distances: [GraphNode: [GraphNode: Int]]
  /// Per target, the first steps stored at ingest; a target without them has its paths searched in the graph.
  private var firstSteps: [GraphNode: FirstSteps]
  /// Per target, the edges out of a node that lead one step closer: many identities' paths share their tails
  /// (a hub with thousands of edges), so each node is sorted out once.
  private var closer: [GraphNode: [GraphNode: [Edge]]] = [:]

  /// The targets whose paths a diff compares.
  public static let targets: [GraphNode] = [.clusterAdmin, .node]

  /// - Parameters:
  ///   - distances: per target, the steps stored at ingest (nodes that cannot reach absent); the targets not given
  ///     are computed over the whole graph.
  ///   - firstSteps: per target, the first steps stored with those distances.
  public init(
    name: String, content: SnapshotContent, distances: [GraphNode: [GraphNode: Int]] = [:],
    firstSteps: [GraphNode: FirstSteps] = [:]
  ) {
    self.name = name
    self.firstSteps = firstSteps
    self.content = content
    policy = content.policy()
    graph = EscalationGraph(policy: policy, objects: content.clusterObjects)
    identities = graph.identitySet
    var all = distances
    for target in Self.targets where all[target] == nil { all[target] = graph.distances(to: target) }
    self.distances = all
  }

  /// The steps from `node` to `target`, nil when it cannot reach it. An identity this snapshot does not know (an
  /// account created only in the other one) acts through its groups: its distance is its best neighbour's.
  func steps(_ node: GraphNode, to target: GraphNode) -> Int? {
    graph.steps(from: node, given: distances[target]!)
  }

  /// How `node` reaches `target` on the first of its shortest paths: the first step, and the nodes the path passes
  /// after it (the target left out). Nil and empty when it cannot reach it.
  func route(_ node: GraphNode, to target: GraphNode) -> (first: Edge?, through: [GraphNode]) {
    guard let stored = firstSteps[target] else {
      let path = shortestPath(node, to: target)
      return (path.first, path.dropLast().map(\.to))
    }
    guard node != target, steps(node, to: target) != nil else { return (nil, []) }
    // An identity this snapshot does not know has no stored step: its own is taken from its edges.
    guard let first = stored.step(from: node) ?? edgesCloser(node, to: target).min(by: EscalationGraph.pathOrder)
    else { return (nil, []) }
    var through: [GraphNode] = []
    var current = first.to
    while current != target, let next = stored.next[current] {
      through.append(current)
      current = next
    }
    return (first, through)
  }

  /// Prepares on every core what the routes of `nodes` start with: their stored first steps, decoded, or where a
  /// target has none stored (or the snapshot does not know the identity), their edges.
  func prepareRoutes(from nodes: [GraphNode]) {
    for target in Self.targets { firstSteps[target]?.decode(nodes) }
    let stored = !Self.targets.contains(where: { firstSteps[$0] == nil })
    graph.prefetch(stored ? nodes.filter { !identities.contains($0) } : nodes)
  }

  /// One shortest path from `node` to `target`, the first in the graph's fixed order; empty when there is none.
  func shortestPath(_ node: GraphNode, to target: GraphNode) -> [Edge] {
    guard node != target, steps(node, to: target) != nil else { return [] }
    return EscalationGraph.enumerate(from: node, to: target, limit: 1) { self.edgesCloser($0, to: target) }.first ?? []
  }

  private func edgesCloser(_ node: GraphNode, to target: GraphNode) -> [Edge] {
    if let known = closer[target]?[node] { return known }
    let d = distances[target]!
    var found: [Edge] = []
    if let own = steps(node, to: target) {
      found = graph.edges(from: node, closerThan: own, distance: { d[$0] })
    }
    closer[target, default: [:]][node] = found
    return found
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
