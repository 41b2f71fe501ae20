// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Parallel
import RBACGraph
import RBACIngest
import RBACModel
import RBACStore

/// `ingest`: inputs read and checked, then written as one snapshot with its escalation distances, in one
/// transaction. Commands read a cluster themselves (RBACCluster) and hand its objects to ``write(_:labels:into:name:sources:base:phase:)``.
public enum Ingestion {
  /// Reads `paths` (over the snapshot `base` of the database, with `--base`) and writes what they hold as a new
  /// snapshot, labelled with `labels` (which win over a base's). Returns the snapshot and what was read, whose
  /// diagnostics the summary lists. Nothing is written, and no database file created, when the read fails.
  public static func files(
    _ paths: [String], options: Ingest.Options, base: String?, labels: [String: String], into databasePath: String,
    name: String?, phase: @escaping (String) -> Void = { _ in }
  ) throws -> (SnapshotInfo, SnapshotContent) {
    var options = options
    var database: RolecallDatabase? = nil
    if let base {
      // The base must exist before anything is read; without a base the file is created only after a good read.
      let opened = try RolecallDatabase(path: databasePath, mode: .existing)
      options.base = (base, try opened.content(of: try opened.snapshot(named: base)))
      database = opened
    }
    let content = try Ingest.read(paths: paths, options: options)
    let info = try write(
      content, labels: labels, into: database ?? RolecallDatabase(path: databasePath), name: name,
      sources: (base.map { ["snapshot:" + $0] } ?? []) + paths, phase: phase)
    return (info, content)
  }

  /// Writes `content`, labelled with `labels`, as a new snapshot together with its escalation distances, computed
  /// here once so that `paths` and `audit` follow them instead of searching the whole graph on every question.
  /// - Parameter phase: told `resolve`, `graph` and `write` as each begins, for a progress display.
  ///
  /// The objects are written while the graph is computed on the other core: the write needs nothing of the graph
  /// until its last rows, and waits for them inside the same transaction.
  @discardableResult
  public static func write(
    _ content: SnapshotContent, labels: [String: String] = [:], into database: RolecallDatabase, name: String?,
    sources: [String], phase: @escaping (String) -> Void = { _ in }
  ) throws -> SnapshotInfo {
    var content = content
    content.labels.merge(labels) { _, given in given }
    phase("resolve")
    let policy = content.policy()
    let objects = content.clusterObjects
    phase("graph")
    // The writer gets a thread of its own (with room for SQLite's and GRDB's frames): inside a dispatch_apply
    // worker, the graph's own parallel loops would run on one core.
    let summary = Handoff<GraphSummary>()
    let written = Handoff<Result<SnapshotInfo, Error>>()
    let writer = Thread { [content] in
      written.put(Result { try database.writeSnapshot(content, name: name, sources: sources) { summary.take() } })
    }
    writer.stackSize = 8 << 20
    writer.start()
    // The graph (every edge of the cluster) is freed once the snapshot is written, on another thread: freed before
    // its summary was handed over, it held the writer back by half a second on a large cluster, and freed while the
    // writer writes, it slowed the writer as much.
    let graph = EscalationGraph(policy: policy, objects: objects)
    withExtendedLifetime(graph) { summary.put(GraphSummary(graph)) }
    phase("write")
    let result = written.take()
    releaseElsewhere(graph)
    return try result.get()
  }

}

extension RolecallDatabase {
  /// The stored distances to a target, or nil when the snapshot has none (or the target is not one ingest stores);
  /// with `firstSteps`, the first steps stored beside them, read in the same pass.
  func storedDistances(of snapshot: SnapshotInfo, to target: GraphNode, firstSteps: Bool = false) throws
    -> StoredDistances?
  {
    guard GraphSummary.storedTargets.contains(target),
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
