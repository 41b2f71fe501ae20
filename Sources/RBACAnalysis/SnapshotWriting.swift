// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel
import RBACStore

extension RolecallDatabase {
  /// Writes a snapshot together with its escalation distances, computed here once so that `paths` and `audit`
  /// follow them instead of searching the whole graph on every question.
  /// - Parameter phase: told `resolve`, `graph` and `write` as each begins, for a progress display.
  @discardableResult
  public func writeSnapshotWithDistances(
    _ content: SnapshotContent, name: String?, sources: [String], phase: (String) -> Void = { _ in }
  ) throws -> SnapshotInfo {
    var content = content
    phase("resolve")
    let policy = content.policy()
    phase("graph")
    let graph = EscalationGraph(policy: policy, objects: content.clusterObjects)
    var distances: [String: [String: Int]] = [:]
    var firstSteps: [String: [String: StoredStep]] = [:]
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
    phase("write")
    return try writeSnapshot(content, name: name, sources: sources)
  }

  /// The targets whose distances ingest stores.
  static let storedTargets: [GraphNode] = [.clusterAdmin, .node]

  /// The stored distances to a target, or nil when the snapshot has none (or the target is not one ingest stores);
  /// with `firstSteps`, the first steps stored beside them, read in the same pass.
  func storedDistances(of snapshot: SnapshotInfo, to target: GraphNode, firstSteps: Bool = false) throws
    -> StoredDistances?
  {
    guard Self.storedTargets.contains(target),
      let stored = try distances(of: snapshot, to: target.description, firstSteps: firstSteps)
    else { return nil }
    var result = StoredDistances()
    var steps: [(node: GraphNode, next: GraphNode, step: String)] = []
    for row in stored {
      guard let node = GraphNode(parsing: row.node) else { continue }
      result.known.insert(node)
      if row.steps >= 0 { result.steps[node] = row.steps }
      if let step = row.firstStep, let next = GraphNode(parsing: step.next) { steps.append((node, next, step.step)) }
    }
    if firstSteps && snapshot.firstStepsStored { result.firstSteps = FirstSteps(stored: steps) }
    return result
  }
}

/// Distances stored at ingest: steps for the nodes that reach the target, every identity the snapshot knows, and
/// when asked for and stored, the first steps.
struct StoredDistances {
  var steps: [GraphNode: Int] = [:]
  var known: Set<GraphNode> = []
  var firstSteps: FirstSteps?
}
