// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import RBACAnalysis
import RBACReport
import RBACStore

extension Rolecall {
  struct Snapshots: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the snapshots in the database, oldest first, with their object counts.",
      subcommands: [List.self, Remove.self, Prune.self],
      defaultSubcommand: List.self)

    struct List: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List the snapshots.",
        discussion: """
          With --clusters, only the snapshots of the clusters the selector matches (by the labels of each \
          cluster's latest snapshot), by cluster and then oldest first: each cluster's history.
            rolecall snapshots --clusters env=prod
          """)

      @OptionGroup var database: DatabaseOptions
      @OptionGroup var fleet: FleetOptions
      @OptionGroup var output: OutputOptions

      func validate() throws { try fleet.validate(with: database) }

      func run() throws {
        // Opening to write migrates a database written by an older rolecall; none is created.
        let store = try RolecallDatabase(path: database.path, mode: .existing)
        if let selector = fleet.clusters {
          try output.print(SnapshotsReport(snapshots: try Fleet(database: store, selector: selector).history))
        } else {
          try output.print(SnapshotsReport(snapshots: try store.snapshots()))
        }
      }
    }

    struct Remove: ParsableCommand {
      static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a snapshot.")

      @Argument(help: "The snapshot's name.")
      var name: String

      @OptionGroup var database: DatabaseOptions

      func run() throws {
        try RolecallDatabase(path: database.path, mode: .existing).removeSnapshot(named: name)
      }
    }

    struct Prune: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Delete the snapshots of each cluster that a retention policy does not keep.",
        discussion: """
          For each cluster (the "cluster" label; --clusters narrows them), keeps its latest snapshot, the latest \
          of each of its last --keep-daily days that have a snapshot, and the latest of each of its last \
          --keep-monthly months that have one (days and months in UTC), and deletes the rest in one transaction. \
          Snapshots without a cluster label are never pruned. Lists what it deletes; --dry-run only lists it.
            rolecall snapshots prune --keep-daily 30 --keep-monthly 12
            rolecall snapshots prune --keep-daily 7 --clusters env=dev --dry-run
          """)

      @Option(help: "Keep the latest snapshot of each of the last N days that have one, per cluster.")
      var keepDaily: Int = 0

      @Option(help: "Keep the latest snapshot of each of the last N months that have one, per cluster.")
      var keepMonthly: Int = 0

      @Flag(help: "List what would be deleted, and delete nothing.")
      var dryRun = false

      @OptionGroup var database: DatabaseOptions
      @OptionGroup var fleet: FleetOptions
      @OptionGroup var output: OutputOptions

      func validate() throws {
        try fleet.validate(with: database)
        if database.snapshot != nil { throw ValidationError("prune chooses snapshots by cluster: use --clusters") }
        guard keepDaily >= 0 && keepMonthly >= 0 else { throw ValidationError("--keep-daily and --keep-monthly count") }
        // Without a policy, prune would keep only each cluster's latest snapshot: too much to delete by omission.
        guard keepDaily > 0 || keepMonthly > 0 else {
          throw ValidationError("say what to keep: --keep-daily N, --keep-monthly N or both")
        }
      }

      func run() throws {
        let store = try RolecallDatabase(path: database.path, mode: .existing)
        let prunable = try Fleet(database: store, selector: fleet.clusters ?? "all")
          .prunable(keepDaily: keepDaily, keepMonthly: keepMonthly)
        if !dryRun { _ = try store.removeSnapshots(prunable) }
        try output.print(SnapshotsReport(snapshots: prunable))
        if output.output == .table {
          printError("\(dryRun ? "would delete" : "deleted") \(prunable.count) snapshot(s)\n")
        }
      }
    }
  }
}
