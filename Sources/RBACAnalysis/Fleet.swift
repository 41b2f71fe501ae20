// rolecall — SPDX-License-Identifier: Apache-2.0

import Parallel
import RBACModel
import RBACReport
import RBACStore

/// Questions asked of many clusters at once: the latest snapshot of every cluster whose labels a selector matches.
/// A cluster is the value of a snapshot's `cluster` label (`ingest --cluster` sets it to the context; `--label
/// cluster=NAME` names it for files); snapshots without one belong to no cluster and are never asked.
public struct Fleet: Sendable {
  public let database: RolecallDatabase
  /// The clusters asked, by name, each with its latest snapshot.
  public let members: [(cluster: String, snapshot: SnapshotInfo)]
  /// Every snapshot of those clusters, by cluster and then oldest first: `snapshots --clusters`.
  public let history: [SnapshotInfo]

  /// Picks the clusters: `all`, or a label selector (`env=prod,region in (eu,us)`) that the labels of a cluster's
  /// latest snapshot must satisfy. A selector that matches no cluster is an error that lists the clusters known.
  public init(database: RolecallDatabase, selector text: String) throws {
    self.database = database
    let selector = try Self.selector(text)
    // Snapshots come oldest first: each cluster's last one is its latest.
    var snapshots: [String: [SnapshotInfo]] = [:]
    for snapshot in try database.snapshots() {
      guard let cluster = snapshot.cluster else { continue }
      snapshots[cluster, default: []].append(snapshot)
    }
    let matching = snapshots.sorted { $0.key < $1.key }.filter { selector.matches($0.value.last!.labels) }
    members = matching.map { (cluster: $0.key, snapshot: $0.value.last!) }
    history = matching.flatMap(\.value)
    if members.isEmpty { throw FleetError.noClusterMatches(selector: text, known: snapshots.keys.sorted()) }
  }

  /// `all` (every cluster) or a label selector's text.
  public static func selector(_ text: String) throws -> LabelSelector {
    text == "all" ? LabelSelector() : try LabelSelector(parsing: text)
  }

  /// The snapshots `snapshots prune` removes from these clusters' histories: all but each cluster's latest, the
  /// latest of each of its last `keepDaily` days with a snapshot, and the latest of each of its last `keepMonthly`
  /// months with one (days and months in UTC, as the snapshots' creation times are written).
  public func prunable(keepDaily: Int, keepMonthly: Int) -> [SnapshotInfo] {
    Self.prunable(history, keepDaily: keepDaily, keepMonthly: keepMonthly)
  }

  /// A snapshot without a cluster is never among them: nothing says which history it belongs to.
  public static func prunable(_ history: [SnapshotInfo], keepDaily: Int, keepMonthly: Int) -> [SnapshotInfo] {
    var prunable: [SnapshotInfo] = []
    for (_, snapshots) in Dictionary(grouping: history.filter { $0.cluster != nil }, by: { $0.cluster! }) {
      var days = Set<Substring>()
      var months = Set<Substring>()
      for (i, snapshot) in snapshots.sorted(by: { $0.id > $1.id }).enumerated() {
        let day = snapshot.createdAt.prefix(10)
        let month = snapshot.createdAt.prefix(7)
        var keep = i == 0
        if !days.contains(day) && days.count < keepDaily {
          days.insert(day)
          keep = true
        }
        if !months.contains(month) && months.count < keepMonthly {
          months.insert(month)
          keep = true
        }
        if !keep { prunable.append(snapshot) }
      }
    }
    return prunable.sorted { $0.id < $1.id }
  }

  /// `who-can VERB,... RESOURCE [NAME] --clusters SELECTOR`: the question asked of every cluster's latest snapshot.
  public func whoCan(verbs: [String], _ argument: RequestArgument, expand: Bool = false) throws
    -> FleetReport<WhoCanVerbsReport>
  {
    try ask { try $0.whoCan(verbs: verbs, argument, expand: expand) }
  }

  /// `can-i VERB RESOURCE [NAME] --clusters SELECTOR`.
  public func canI(_ user: UserInfo, _ argument: RequestArgument) throws -> FleetReport<CanIReport> {
    try ask { try $0.canI(user, argument) }
  }

  /// `paths --from S --clusters SELECTOR`: the shortest paths in every cluster.
  public func paths(from: String, to: String, maxDepth: Int, limit: Int) throws -> FleetReport<PathsReport> {
    try ask { try $0.paths(from: from, to: to, maxDepth: maxDepth, limit: limit) }
  }

  /// `audit --clusters SELECTOR`: every cluster audited, with one baseline for all. With `summaryOnly` (the table,
  /// which counts findings), each cluster keeps only its identities' findings, not their evidence, workloads and
  /// first steps: a thousand clusters' whole audits do not fit in memory at once.
  public func audit(baseline: Baseline, summaryOnly: Bool = false) throws -> FleetReport<AuditReport> {
    try ask { analyst in
      let report = try analyst.audit(baseline: baseline)
      return summaryOnly ? report.findingsOnly : report
    }
  }

  /// `check POLICY --clusters SELECTOR`: the policy checked against every cluster.
  public func check(_ policy: CheckPolicy) throws -> FleetReport<CheckReport> {
    try ask { try $0.check(policy) }
  }

  /// `perms SUBJECT --clusters SELECTOR`.
  public func permissions(of subject: SubjectArgument, extraGroups: [String]) throws -> FleetReport<PermissionsReport> {
    try ask { try $0.permissions(of: subject, extraGroups: extraGroups) }
  }

  /// `backdoors --clusters SELECTOR`.
  public func backdoors() throws -> FleetReport<BackdoorsReport> {
    try ask { try $0.backdoors() }
  }

  /// `diff --clusters SELECTOR --since TIME`: in every cluster, what changed between its latest snapshot at or
  /// before TIME and its latest. A cluster with no snapshot that old fails the answer, naming it: its changes
  /// would otherwise go unreported.
  public func diff(since: String, subject: String?, namespace: String?) throws -> FleetReport<DiffReport> {
    guard let time = SnapshotTime(since) else { throw StoreError.badSince(since) }
    return try ask { analyst in
      let old = try analyst.database.snapshot(ofCluster: analyst.snapshot.cluster ?? "", atOrBefore: time)
      return try Comparison.diff(
        in: analyst.database, from: old.name, to: analyst.snapshot.name, subject: subject, namespace: namespace)
    }
  }

  /// Asks every cluster on every core, each on a connection of its own, and keeps the clusters' order. The first
  /// error (in that order) is the answer, naming its cluster: a fleet answer with a cluster missing would read as
  /// "nobody there".
  private func ask<R: Report>(_ question: @escaping @Sendable (Analyst) throws -> R) throws -> FleetReport<R> {
    let database = database
    let outcomes = members.map(\.snapshot).concurrentMap(runs: members.count) { snapshot -> Result<R, any Error> in
      Result { try question(Analyst(database: try database.secondReader(), snapshot: snapshot)) }
    }
    return FleetReport(
      answers: try zip(members, outcomes).map { member, outcome in
        do {
          return FleetAnswer(cluster: member.cluster, snapshot: member.snapshot.name, answer: try outcome.get())
        } catch {
          throw FleetError.clusterFailed(cluster: member.cluster, reason: "\(error)")
        }
      })
  }
}

/// A cluster selection that cannot be asked.
public enum FleetError: Error, Equatable, CustomStringConvertible {
  case noClusterMatches(selector: String, known: [String])
  /// The question failed on one cluster's snapshot (an assertion names an identity that cluster does not know).
  case clusterFailed(cluster: String, reason: String)

  public var description: String {
    switch self {
    case .noClusterMatches(let selector, let known) where known.isEmpty:
      return "--clusters \(selector): no snapshot has a \"\(SnapshotInfo.clusterLabel)\" label; ingest with --cluster, "
        + "or label a snapshot with --label \(SnapshotInfo.clusterLabel)=NAME"
    case .noClusterMatches(let selector, let known):
      return "--clusters \(selector) matches no cluster (known: \(known.joined(separator: ", ")))"
    case .clusterFailed(let cluster, let reason):
      return "cluster \(cluster): \(reason)"
    }
  }
}
