// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import RBACAnalysis
import RBACStore

/// Which database file a command uses: `--db`, else `$ROLECALL_DB`, else `./rolecall.db`.
struct DatabaseFileOptions: ParsableArguments {
  @Option(help: "The database file (default: $ROLECALL_DB, else ./rolecall.db).")
  var db: String?

  var path: String { db ?? ProcessInfo.processInfo.environment["ROLECALL_DB"] ?? "rolecall.db" }
}

/// Which database and snapshot a command reads.
struct DatabaseOptions: ParsableArguments {
  @OptionGroup var file: DatabaseFileOptions

  @Option(help: "The snapshot to read (default: the latest).")
  var snapshot: String?

  var path: String { file.path }

  /// Opens the database (read-only unless a command must write) and picks the snapshot.
  func analyst(mode: RolecallDatabase.Mode = .readOnly) throws -> Analyst {
    let database = try RolecallDatabase(path: path, mode: mode)
    return Analyst(database: database, snapshot: try database.snapshot(named: snapshot))
  }
}
