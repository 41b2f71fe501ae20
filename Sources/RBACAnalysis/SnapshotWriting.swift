// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Parallel
import RBACGraph
import RBACModel
import RBACStore

extension RolecallDatabase {
  /// Writes a snapshot together with its escalation distances, computed here once so that `paths` and `audit`
  /// follow them instead of searching the whole graph on every question.
  /// - Parameter phase: told `resolve`, `graph` and `write` as each begins, for a progress display.
  ///
  /// The objects are written while the graph is computed on the other core: the write needs nothing of the graph
  /// until its last rows, and waits for them inside the same transaction.
  @discardableResult
  public func writeSnapshotWithDistances(
    _ content: SnapshotContent, name: String?, sources: [String], phase: @escaping (String) -> Void = { _ in }
  ) throws -> SnapshotInfo {
    phase("resolve")
    let policy = content.policy()
    let objects = content.clusterObjects
    phase("graph")
    // The writer gets a thread of its own (with room for SQLite's and GRDB's frames): inside a dispatch_apply
    // worker, the graph's own parallel loops would run on one core.
    let summary = Handoff<GraphSummary>()
    let written = Handoff<Result<SnapshotInfo, Error>>()
    let writer = Thread {
      written.put(Result { try self.writeSnapshot(content, name: name, sources: sources) { summary.take() } })
    }
    writer.stackSize = 8 << 20
    writer.start()
    summary.put(Self.graphSummary(policy: policy, objects: objects))
    phase("write")
    return try written.take().get()
  }

  /// What ingest stores of the graph: per target, every identity's steps, and the first step of every node.
  typealias GraphSummary = (distances: [String: [String: Int]], firstSteps: [String: [String: StoredStep]])

  /// Every identity's distance to each stored target (-1 when it cannot reach it, so that a question about it needs
  /// no search), and the first step of one shortest path from every node that reaches it.
  static func graphSummary(policy: Policy, objects: ClusterObjects) -> GraphSummary {
    let graph = EscalationGraph(policy: policy, objects: objects)
    var distances: [String: [String: Int]] = [:]
    var firstSteps: [String: [String: StoredStep]] = [:]
    for target in storedTargets {
      var steps = Dictionary(uniqueKeysWithValues: graph.identities.map { ($0.description, -1) })
      let reaching = graph.distances(to: target)
      for (node, n) in reaching { steps[node.description] = n }
      distances[target.description] = steps
      firstSteps[target.description] = FirstSteps(graph: graph, distances: reaching).stored
    }
    return (distances, firstSteps)
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
    var steps: [(node: GraphNode, next: GraphNode, step: String?)] = []
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
