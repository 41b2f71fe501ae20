// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import RBACAnalysis
import RBACModel
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

  @Option(
    help: ArgumentHelp(
      "The snapshot to read (default: the latest).",
      discussion: "A name, or cluster=NAME for the latest snapshot of a cluster, or cluster=NAME@TIME for the latest "
        + "taken at or before TIME (a date, 2026-11-01, or a UTC time, 2026-11-01T08:00:00Z)."))
  var snapshot: String?

  var path: String { file.path }

  /// Opens the database (read-only unless a command must write) and picks the snapshot.
  func analyst(mode: RolecallDatabase.Mode = .readOnly) throws -> Analyst {
    let database = try RolecallDatabase(path: path, mode: mode)
    return Analyst(database: database, snapshot: try database.snapshot(named: snapshot))
  }
}

/// `--clusters SELECTOR`: the question asked of the latest snapshot of every matching cluster instead of one
/// snapshot.
struct FleetOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Ask the latest snapshot of every cluster whose labels match: all, or a label selector such as "
        + "'env=prod,region in (eu,us)'.",
      discussion: "A snapshot's cluster is its \"cluster\" label (ingest --cluster sets it to the context; "
        + "--label cluster=NAME names it). The selector is kubectl's -l syntax: =, ==, !=, in, notin, KEY, !KEY.",
      valueName: "selector"))
  var clusters: String?

  /// `--clusters` does not mix with `--snapshot`, which names one snapshot.
  func validate(with database: DatabaseOptions) throws {
    if clusters != nil && database.snapshot != nil {
      throw ValidationError("--clusters asks each cluster's latest snapshot; it does not take --snapshot")
    }
    try validateSelector()
  }

  /// The selector is `all` or parses.
  func validateSelector() throws {
    guard let clusters else { return }
    if clusters.isEmpty { throw ValidationError("--clusters needs a selector, or all") }
    do {
      _ = try Fleet.selector(clusters)
    } catch let error as LabelSelector.ParseError {
      throw ValidationError("--clusters: \(error)")
    }
  }

  func fleet(_ database: DatabaseOptions, selector: String) throws -> Fleet {
    try Fleet(database: try RolecallDatabase(path: database.path, mode: .readOnly), selector: selector)
  }
}
