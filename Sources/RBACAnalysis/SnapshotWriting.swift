// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel
import RBACStore

extension RolecallDatabase {
  /// Writes a snapshot together with its escalation distances, computed here once so that `paths` and `audit`
  /// follow them instead of searching the whole graph on every question.
  @discardableResult
  public func writeSnapshotWithDistances(_ content: SnapshotContent, name: String?, sources: [String]) throws
    -> SnapshotInfo
  {
    var content = content
    let graph = EscalationGraph(policy: content.policy(), objects: content.clusterObjects)
    var distances: [String: [String: Int]] = [:]
    var firstSteps: [String: [StoredStep]] = [:]
    for target in Self.storedTargets {
      // Every identity gets a row, -1 when it cannot reach the target, so that a question about it needs no search.
      var steps = Dictionary(uniqueKeysWithValues: graph.identities.map { ($0.description, -1) })
      let reaching = graph.distances(to: target)
      for (node, n) in reaching { steps[node.description] = n }
      distances[target.description] = steps
      firstSteps[target.description] = FirstSteps(graph: graph, distances: reaching).stored
    }
    content.distances = distances
    content.firstSteps = firstSteps
    return try writeSnapshot(content, name: name, sources: sources)
  }

  /// The targets whose distances ingest stores.
  static let storedTargets: [GraphNode] = [.clusterAdmin, .node]

  /// The stored distances to a target, or nil when the snapshot has none (or the target is not one ingest stores).
  func storedDistances(of snapshot: SnapshotInfo, to target: GraphNode) throws -> StoredDistances? {
    guard Self.storedTargets.contains(target), let stored = try distances(of: snapshot, to: target.description) else {
      return nil
    }
    var result = StoredDistances()
    for (text, steps) in stored {
      guard let node = GraphNode(parsing: text) else { continue }
      result.known.insert(node)
      if steps >= 0 { result.steps[node] = steps }
    }
    return result
  }
}

/// Distances stored at ingest: steps for the nodes that reach the target, and every identity the snapshot knows.
struct StoredDistances {
  var steps: [GraphNode: Int] = [:]
  var known: Set<GraphNode> = []
}
