// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import RBACAnalysis
import RBACReport
import RBACStore

extension Rolecall {
  struct Snapshots: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the snapshots in the database, oldest first, with their object counts.",
      subcommands: [List.self, Remove.self],
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
  }
}
