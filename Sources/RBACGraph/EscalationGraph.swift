// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Identities as nodes, escalation primitives as edges, each edge carrying its evidence.
///
/// Edges are computed on demand and remembered, so a path search from one subject evaluates only the identities it
/// reaches, while an audit of every identity computes each node once.
public final class EscalationGraph {
  public let cluster: ClusterIndex
  private var cache: [GraphNode: [Edge]] = [:]

  public init(policy: Policy, objects: ClusterObjects) {
    cluster = ClusterIndex(policy: policy, objects: objects)
  }

  /// Every identity the snapshot knows: users and groups named by bindings or aws-auth, service accounts, and
  /// aws-auth's IAM identities.
  public var identities: [GraphNode] {
    let accounts = cluster.serviceAccounts.flatMap { ns, names in
      names.map { GraphNode.serviceAccount(namespace: ns, name: $0) }
    }
    return accounts.sorted() + cluster.users.sorted().map(GraphNode.user) + cluster.groups.sorted().map(GraphNode.group)
      + cluster.awsAuth.map { GraphNode.cloudIdentity(arn: $0.arn) }
  }

  /// The edges out of a node.
  public func edges(from node: GraphNode) -> [Edge] {
    if let known = cache[node] { return known }
    let found: [Edge]
    switch node {
    case .clusterAdmin:
      found = []
    case .node:
      found = nodeTakeoverEdges()
    case .cloudIdentity(let arn):
      found = cluster.awsAuth.filter { $0.arn == arn }.flatMap { m in
        let evidence = [Evidence.fact("kube-system/aws-auth \(m.source) maps \(m.arn) to \(m.username)")]
        return [Edge(from: node, to: .user(m.username), primitive: "aws-auth-mapping", evidence: evidence)]
          + m.groups.map { Edge(from: node, to: .group($0), primitive: "aws-auth-mapping", evidence: evidence) }
      }
    case .user, .group, .serviceAccount:
      let context = IdentityContext(node: node, user: node.identity!, cluster: cluster)
      var edges: [Edge] = []
      var seen = Set<GraphNode>()
      // One edge per target: the first primitive of the catalog that reaches it, which keeps paths readable.
      for primitive in Primitive.catalog {
        for edge in primitive.edges(context) where edge.to != node && seen.insert(edge.to).inserted {
          edges.append(edge)
        }
      }
      found = edges
    }
    cache[node] = found
    return found
  }

  private func nodeTakeoverEdges() -> [Edge] {
    var edges: [Edge] = []
    var seen = Set<GraphNode>()
    for (ns, workloads) in cluster.workloads.sorted(by: { $0.key < $1.key }) {
      for w in workloads where cluster.mountsToken(w) {
        let target = GraphNode.serviceAccount(namespace: ns, name: w.serviceAccount)
        guard seen.insert(target).inserted else { continue }
        let place = w.onEveryNode ? "on every node" : w.nodeName.map { "on node \($0)" } ?? "on the node it is scheduled to"
        edges.append(
          Edge(
            from: .node, to: target, primitive: "node-takeover",
            evidence: [.fact("\(w.kind) \(ns)/\(w.name) runs as \(w.serviceAccount) \(place) and mounts its token")]))
      }
    }
    return edges
  }

  // MARK: - Paths

  /// The shortest paths from `source` to `target`, at most `limit` of them, none longer than `maxDepth` steps.
  public func shortestPaths(from source: GraphNode, to target: GraphNode, maxDepth: Int = 8, limit: Int = 5) -> [[Edge]] {
    guard source != target else { return [] }
    var depth: [GraphNode: Int] = [source: 0]
    var parents: [GraphNode: [Edge]] = [:]
    var frontier = [source]
    var level = 0
    while !frontier.isEmpty && depth[target] == nil && level < maxDepth {
      level += 1
      var next: [GraphNode] = []
      for node in frontier {
        for edge in edges(from: node) {
          if let d = depth[edge.to] {
            if d == level { parents[edge.to, default: []].append(edge) }
            continue
          }
          depth[edge.to] = level
          parents[edge.to] = [edge]
          next.append(edge.to)
        }
      }
      frontier = next
    }
    guard depth[target] != nil else { return [] }
    var paths: [[Edge]] = []
    func walk(_ node: GraphNode, _ suffix: [Edge]) {
      guard paths.count < limit else { return }
      if node == source {
        paths.append(suffix)
        return
      }
      for edge in parents[node] ?? [] { walk(edge.from, [edge] + suffix) }
    }
    walk(target, [])
    return paths
  }

  /// How many steps each node needs to reach `target` (absent when it cannot), over the whole graph.
  public func distances(to target: GraphNode) -> [GraphNode: Int] {
    var reverse: [GraphNode: [GraphNode]] = [:]
    var pending = identities + [.node]
    var visited = Set(pending)
    while let node = pending.popLast() {
      for edge in edges(from: node) {
        reverse[edge.to, default: []].append(node)
        if visited.insert(edge.to).inserted { pending.append(edge.to) }
      }
    }
    var distance: [GraphNode: Int] = [target: 0]
    var frontier = [target]
    while !frontier.isEmpty {
      var next: [GraphNode] = []
      for node in frontier {
        for previous in reverse[node] ?? [] where distance[previous] == nil {
          distance[previous] = distance[node]! + 1
          next.append(previous)
        }
      }
      frontier = next
    }
    return distance
  }
}
