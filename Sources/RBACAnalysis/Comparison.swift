// rolecall — SPDX-License-Identifier: Apache-2.0

import Dispatch
import RBACDiff
import RBACGraph
import RBACModel
import RBACReport
import RBACStore

extension RolecallDatabase {
  /// One snapshot as `diff` reads it: its objects as stored, and the escalation distances stored at ingest (a
  /// snapshot written without them has them computed by ``DiffSide``).
  private func diffInput(_ snapshot: SnapshotInfo) throws -> (SnapshotContent, [GraphNode: [GraphNode: Int]]) {
    var distances: [GraphNode: [GraphNode: Int]] = [:]
    for target in DiffSide.targets {
      if let stored = try storedDistances(of: snapshot, to: target) { distances[target] = stored.steps }
    }
    return (try content(of: snapshot), distances)
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
    let inputs = try infos.map(diffInput)
    // Reading is serial (one connection); building each side's policy, graph and atoms is independent work.
    var sides = [DiffSide?](repeating: nil, count: 2)
    sides.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: 2) { i in
        slots[i] = DiffSide(name: infos[i].name, content: inputs[i].0, distances: inputs[i].1)
      }
    }
    let old = sides[0]!
    let new = sides[1]!
    var files: [String: String] = [:]
    // Gains are shown with the new snapshot's bindings, losses with the old one's: the new file wins a tie.
    for side in [old, new] {
      for b in side.content.clusterRoleBindings { files["ClusterRoleBinding \"\(b.object.name)\""] = b.source.file }
      for b in side.content.roleBindings {
        files["RoleBinding \"\(b.object.namespace)/\(b.object.name)\""] = b.source.file
      }
    }
    return DiffReport(diff: SnapshotDiff(old, new, filter: filter), bindingFiles: files)
  }
}
