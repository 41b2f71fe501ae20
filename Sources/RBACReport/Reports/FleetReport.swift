// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// A report that can stand as one cluster's part of a fleet answer: its rows under its own columns, which the
/// fleet table prefixes with the cluster.
public protocol FleetRows: Report {
  func fleetHeader(wide: Bool) -> [String]
  func fleetRows(wide: Bool) -> [[String]]
  var fleetNotes: [String] { get }
}

/// One cluster's answer to a question asked with `--clusters`.
public struct FleetAnswer<R: Report>: Encodable, Sendable {
  /// The value of the snapshot's `cluster` label.
  public var cluster: String
  /// The cluster's latest snapshot, which answered.
  public var snapshot: String
  public var answer: R

  public init(cluster: String, snapshot: String, answer: R) {
    (self.cluster, self.snapshot, self.answer) = (cluster, snapshot, answer)
  }
}

/// The same question asked of the latest snapshot of several clusters: one answer per cluster, in the clusters'
/// order, shown as one table whose first column is the cluster.
public struct FleetReport<R: FleetRows>: Report {
  public var answers: [FleetAnswer<R>]

  public init(answers: [FleetAnswer<R>]) {
    self.answers = answers
  }

  public func table(wide: Bool) -> String {
    guard let first = answers.first else { return "" }
    var table = TextTable(["CLUSTER"] + (wide ? ["SNAPSHOT"] : []) + first.answer.fleetHeader(wide: wide))
    var notes: [String] = []
    for answer in answers {
      for (i, row) in answer.answer.fleetRows(wide: wide).enumerated() {
        let cluster = i == 0 ? [answer.cluster] + (wide ? [answer.snapshot] : []) : (wide ? ["", ""] : [""])
        table.add(cluster + row)
      }
      notes += answer.answer.fleetNotes.map { "\(answer.cluster): \($0)" }
    }
    var out = table.text
    for note in notes { out += "note: \(note)\n" }
    return out
  }
}
