// rolecall — SPDX-License-Identifier: Apache-2.0

import Parallel
import RBACDiff
import RBACGraph
import RBACModel
import RBACReport
import RBACStore

/// `diff`: what changed between two snapshots of one database.
public enum Comparison {
  /// Compares two stored snapshots; `to` nil means the latest. `subject` (as `perms` takes it) and `namespace`
  /// narrow the answer.
  public static func diff(
    in database: RolecallDatabase, from: String, to: String?, subject: String? = nil, namespace: String? = nil
  ) throws -> DiffReport {
    var filter = SnapshotDiff.Filter(namespace: namespace)
    if let subject {
      guard let node = GraphNode(parsing: subject), node.identity != nil else {
        throw GraphQuestionError.badNode(subject)
      }
      filter.subject = node
    }
    let infos = [try database.snapshot(named: from), try database.snapshot(named: to)]
    // Each snapshot is read on a connection of its own and built into its side on a core of its own.
    let reader = try database.secondReader()
    let (old, new) = try inParallel({ Result { try side(infos[0], of: reader) } }, while: { try side(infos[1], of: database) })
    let report = Self.report(comparing: try old.get(), new, filter: filter)
    // The sides are millions of small objects that nothing needs any more: another core frees them while the
    // caller renders the report.
    releaseElsewhere((old, new))
    return report
  }

  private static func report(comparing old: DiffSide, _ new: DiffSide, filter: SnapshotDiff.Filter) -> DiffReport {
    var files: [String: String] = [:]
    // Gains are shown with the new snapshot's bindings, losses with the old one's: the new file wins a tie.
    for side in [old, new] {
      for (binding, source) in side.content.bindingSources { files[binding.displayName] = source.file }
    }
    return DiffReport(diff: SnapshotDiff(old, new, filter: filter), bindingFiles: files)
  }

  /// One side of a diff: its objects as stored, and the escalation distances and first steps stored at ingest (a
  /// snapshot written without them has them computed by ``DiffSide``).
  private static func side(_ snapshot: SnapshotInfo, of database: RolecallDatabase) throws -> sending DiffSide {
    var distances: [GraphNode: [GraphNode: Int]] = [:]
    var firstSteps: [GraphNode: FirstSteps] = [:]
    for target in DiffSide.targets {
      guard let stored = try database.storedDistances(of: snapshot, to: target, firstSteps: true) else { continue }
      distances[target] = stored.steps
      firstSteps[target] = stored.firstSteps
    }
    return DiffSide(
      name: snapshot.name, content: try database.content(of: snapshot), distances: distances, firstSteps: firstSteps)
  }
}
