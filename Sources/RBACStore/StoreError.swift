// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Why the store could not do what was asked.
public enum StoreError: Error, Equatable, CustomStringConvertible {
  /// There is no database file at the path; nothing has been ingested there.
  case noDatabase(path: String)
  /// The database holds no snapshot, or none with this name.
  case noSnapshot(name: String?)
  /// A `cluster=NAME[@TIME]` reference that no snapshot answers.
  case noClusterSnapshot(cluster: String, atOrBefore: String?)
  /// A `cluster=NAME@TIME` reference whose time is not a date or an ISO 8601 time.
  case badSnapshotTime(reference: String)
  /// A `--since` that is not a date or an ISO 8601 time.
  case badSince(String)
  /// A snapshot with this name exists already.
  case snapshotExists(name: String)
  /// The file is not a rolecall database, or was written by a newer rolecall.
  case incompatible(path: String, reason: String)
  /// SQLite reported an error.
  case sqlite(String)
  /// PostgreSQL reported an error, or the connection to it was lost.
  case postgres(String)
  /// `--db` looks like a PostgreSQL URL but is not one rolecall can use.
  case badLocation(String, reason: String)
  /// The PostgreSQL server could not be reached, or refused the connection.
  case cannotConnect(location: String, reason: String)
  /// A named query or SQL file could not be found.
  case noQuery(name: String, available: [String])
  /// A query parameter was not given.
  case missingParameter(name: String)
  /// A query's SQL would change the database, and writes were not allowed (`rolecall query --write`).
  case queryWrites
  /// A SQL file named on the command line cannot be read.
  case unreadableQuery(path: String, reason: String)
  /// A step of a shortest path the snapshot stores is not one (changed by `query --write`, or a damaged file).
  case unreadableStep(node: String, text: String)
  /// A node on a shortest path has no stored step that leads closer (rows deleted by `query --write`).
  case missingStep(node: String)

  public var description: String {
    switch self {
    case .noDatabase(let path):
      return "no database at \(path): run `rolecall ingest FILE...` first (or pass --db PATH / set ROLECALL_DB)"
    case .noSnapshot(nil):
      return "the database holds no snapshot: run `rolecall ingest FILE...` first"
    case .noSnapshot(let name?):
      return "no snapshot named \"\(name)\": `rolecall snapshots` lists them"
    case .noClusterSnapshot(let cluster, nil):
      return "no snapshot of cluster \"\(cluster)\" (no snapshot has the label \(SnapshotInfo.clusterLabel)=\(cluster))"
    case .noClusterSnapshot(let cluster, let time?):
      return "no snapshot of cluster \"\(cluster)\" was taken at or before \(time)"
    case .badSnapshotTime(let reference):
      return "\(reference): the time after @ must be a date (2026-11-01) or a UTC time (2026-11-01T08:00:00Z)"
    case .badSince(let time):
      return "--since \(time): write a date (2026-11-01) or a UTC time (2026-11-01T08:00:00Z)"
    case .snapshotExists(let name):
      return "a snapshot named \"\(name)\" exists already: choose another --snapshot name or remove it first"
    case .incompatible(let path, let reason):
      return "\(path): \(reason)"
    case .sqlite(let message):
      return "SQLite error: \(message)"
    case .postgres(let message):
      return "PostgreSQL error: \(message)"
    case .badLocation(let location, let reason):
      return "--db \(location): \(reason)"
    case .cannotConnect(let location, let reason):
      return "cannot connect to \(location): \(reason)"
    case .noQuery(let name, let available):
      return "no query named \"\(name)\"; available: \(available.joined(separator: ", "))"
    case .missingParameter(let name):
      return "the query needs --param \(name)=VALUE"
    case .queryWrites:
      return "the query writes to the database, which queries open read-only: pass --write if that is what you mean"
    case .unreadableQuery(let path, let reason):
      return "\(path): cannot read the SQL file: \(reason)"
    case .unreadableStep(let node, let text):
      return "a stored step out of \(node) is not an escalation step (\(text.prefix(60))): ingest the snapshot again"
    case .missingStep(let node):
      return "no stored step out of \(node) leads closer to the target, though its distance says one does: ingest the snapshot again"
    }
  }
}
