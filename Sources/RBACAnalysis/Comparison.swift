// rolecall — SPDX-License-Identifier: Apache-2.0

import Dispatch
import RBACDiff
import RBACGraph
import RBACModel
import RBACReport
import RBACStore

extension RolecallDatabase {
  /// One snapshot as `diff` reads it: its objects as stored, and the escalation distances and first steps stored at
  /// ingest (a snapshot written without them has them computed by ``DiffSide``).
  private func diffInput(_ snapshot: SnapshotInfo) throws -> DiffInput {
    var input = DiffInput(content: try content(of: snapshot))
    for target in DiffSide.targets {
      guard let stored = try storedDistances(of: snapshot, to: target, firstSteps: true) else { continue }
      input.distances[target] = stored.steps
      input.firstSteps[target] = stored.firstSteps
    }
    return input
  }

  private struct DiffInput {
    var content: SnapshotContent
    var distances: [GraphNode: [GraphNode: Int]] = [:]
    var firstSteps: [GraphNode: FirstSteps] = [:]
  }

  /// Compares two stored snapshots; `to` nil means the latest. `subject` (as `perms` takes it) and `namespace`
  /// narrow the answer.
  public func diff(from: String, to: String?, subject: String? = nil, namespace: String? = nil) throws -> DiffReport {
    var filter = SnapshotDiff.Filter(namespace: namespace)
    if let subject {
      guard let node = GraphNode(parsing: subject), node.identity != nil else {
        throw GraphQuestionError.badNode(subject)
      }
      filter.subject = node
    }
    let infos = [try snapshot(named: from), try snapshot(named: to)]
    // Each snapshot is read on a connection of its own and built into its side on a core of its own.
    let readers = path == ":memory:" ? [self, self] : [self, try RolecallDatabase(path: path, mode: .readOnly)]
    var sides = [0, 1].concurrentMap { i in
      Result {
        let input = try readers[i].diffInput(infos[i])
        return DiffSide(
          name: infos[i].name, content: input.content, distances: input.distances, firstSteps: input.firstSteps)
      }
    }
    let report = Self.report(comparing: try sides[0].get(), try sides[1].get(), filter: filter)
    // The sides are millions of small objects that nothing needs any more: another core frees them while the
    // caller renders the report. Only the box holds them from here on, so they are never freed on this thread.
    let retired = Retired(sides)
    sides = []
    DispatchQueue.global(qos: .utility).async { retired.free() }
    return report
  }

  private static func report(comparing old: DiffSide, _ new: DiffSide, filter: SnapshotDiff.Filter) -> DiffReport {
    var files: [String: String] = [:]
    // Gains are shown with the new snapshot's bindings, losses with the old one's: the new file wins a tie.
    for side in [old, new] {
      for (binding, source) in side.content.bindingSources { files[Evidence.describe(binding)] = source.file }
    }
    return DiffReport(diff: SnapshotDiff(old, new, filter: filter), bindingFiles: files)
  }
}

/// Holds what is no longer needed until another thread frees it.
private final class Retired<Value>: @unchecked Sendable {
  private var value: Value?

  init(_ value: Value) { self.value = value }

  func free() { value = nil }
}
