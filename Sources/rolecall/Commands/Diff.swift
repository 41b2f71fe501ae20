// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import RBACAnalysis
import RBACDiff
import RBACReport
import RBACStore

extension SnapshotDiff.FailOn: ExpressibleByArgument {}

extension Rolecall {
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show what changed in permissions, escalation paths and RBAC objects between two snapshots.",
      discussion: """
        Permissions are compared as the API server would evaluate them, per subject a binding names: rules are \
        broken into (verb, API group, resource, name, scope) and merged, so a role split in two or a binding \
        renamed is no change, and a wildcard that replaced a list is shown with what the subject already held. \
        Then: identities that became (or stopped being) allowed everything (a rule of every verb on every \
        resource bound cluster-wide, or system:masters), escalation paths to cluster-admin or to \
        a node that appeared, disappeared or changed length (a change a group brings to its members is shown \
        once, on the group), and the objects added, removed or modified.

        Output: table (default), wide (every grant behind a change), json (stable, for scripts), yaml, markdown \
        (a pull-request comment), sarif (code scanning).

        --fail-on makes the command a CI gate, exit 1 when the diff holds: admin-gained (an identity became \
        allowed everything), new-paths (that, or a new or shorter path to cluster-admin or a node), any (any \
        change of permissions, paths or who is allowed everything). audit's admin-equivalent is another thing: \
        one step from cluster-admin, by any primitive.

        Examples:
          rolecall diff prod-monday prod-tuesday
          rolecall diff prod pr-42 -o markdown > comment.md
          rolecall diff prod pr-42 --fail-on new-paths
          rolecall diff before after --subject sa:ci:deployer -o wide
          rolecall diff cluster=prod-eu cluster=prod-us
          rolecall diff cluster=prod-eu@2026-11-01 cluster=prod-eu
          rolecall diff --clusters env=prod --since 2026-11-26 --fail-on new-paths

        With --clusters and --since, every matching cluster's latest snapshot is compared with its latest at or \
        before that time, one row of counts per cluster (-o wide: each identity that became allowed everything and \
        each new path; -o json: the whole diffs); --fail-on holds when it holds in any cluster. A cluster with no \
        snapshot that old is an error that names it.
        """)

    @Argument(help: "The older snapshot: a name, cluster=NAME (its latest snapshot) or cluster=NAME@TIME.")
    var from: String?

    @Argument(help: "The newer snapshot (default: the latest), named as the older one.")
    var to: String?

    @Option(help: "Only this subject: user:NAME, group:NAME or sa:NAMESPACE:NAME.")
    var subject: String?

    @Option(name: .shortAndLong, help: "Only changes that hold in this namespace (cluster-wide ones included).")
    var namespace: String?

    @Option(help: "Exit 1 when the diff holds this: admin-gained, new-paths or any.")
    var failOn: SnapshotDiff.FailOn?

    @Option(
      help: ArgumentHelp(
        "With --clusters: compare each cluster's latest snapshot with its latest at or before TIME.",
        discussion: "A date (2026-11-01, the end of that day in UTC) or a UTC time (2026-11-01T08:00:00Z).",
        valueName: "time"))
    var since: String?

    @OptionGroup var database: DatabaseFileOptions
    @OptionGroup var fleet: FleetOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
      try fleet.validateSelector()
      if fleet.clusters != nil {
        guard since != nil else {
          throw ValidationError("--clusters compares each cluster over time: add --since TIME")
        }
        guard from == nil && to == nil else {
          throw ValidationError("--clusters --since names the snapshots itself: give no snapshot names")
        }
      } else {
        guard from != nil else { throw ValidationError("diff takes the older snapshot, or --clusters with --since") }
        if since != nil { throw ValidationError("--since goes with --clusters") }
      }
    }

    func run() throws {
      if let selector = fleet.clusters {
        let store = try RolecallDatabase(path: database.path, mode: .readOnly)
        let report = try Fleet(database: store, selector: selector)
          .diff(since: since!, subject: subject, namespace: namespace)
        try output.print(report)
        let failed = failOn.map { on in report.answers.contains { $0.answer.diff.fails(on: on) } } ?? false
        withExtendedLifetime(report) { Self.exit(withError: failed ? ExitCode(1) : nil) }
      }
      let report = try Comparison.diff(
        in: RolecallDatabase(path: database.path, mode: .readOnly), from: from!, to: to, subject: subject,
        namespace: namespace)
      try output.print(report)
      let failed = failOn.map { report.diff.fails(on: $0) } ?? false
      // The report of a large diff is millions of small objects: the process ends while it still holds them rather
      // than free them one by one, which takes longer than printing them.
      withExtendedLifetime(report) { Self.exit(withError: failed ? ExitCode(1) : nil) }
    }
  }
}
