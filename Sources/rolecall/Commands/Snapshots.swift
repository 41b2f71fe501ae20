// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import RBACReport
import RBACStore

extension Rolecall {
  struct Snapshots: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the snapshots in the database, oldest first, with their object counts.",
      subcommands: [List.self, Remove.self],
      defaultSubcommand: List.self)

    struct List: ParsableCommand {
      static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the snapshots.")

      @OptionGroup var database: DatabaseOptions
      @OptionGroup var output: OutputOptions

      func run() throws {
        // Opening to write migrates a database written by an older rolecall; none is created.
        try output.print(SnapshotsReport(snapshots: try RolecallDatabase(path: database.path, mode: .existing).snapshots()))
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
