// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import RBACGraph
import RBACModel

/// The one owner of a rolecall database: it migrates on open and offers only writes that keep a snapshot whole.
public final class RolecallDatabase: Sendable {
  private let writer: any DatabaseWriter
  public let path: String

  /// How the database is opened.
  public enum Mode: Sendable {
    /// Create the file if needed and migrate it forward.
    case readWrite
    /// Open an existing database without writing to it; SQL that writes fails.
    case readOnly
    /// Open an existing database to write to it, migrating it forward; never create one (a typo in `--db` is an
    /// error, not a new empty database).
    case existing
  }

  /// A read-only connection of its own to the same file, for reading on another core while this one reads too; an
  /// in-memory database has no file to open twice, and is itself.
  public func secondReader() throws -> RolecallDatabase {
    path == ":memory:" ? self : try RolecallDatabase(path: path, mode: .readOnly)
  }

  /// Opens (or, for `.readWrite`, creates) the database at `path`; `":memory:"` opens a private in-memory one.
  public init(path: String, mode: Mode = .readWrite) throws {
    self.path = path
    let inMemory = path == ":memory:"
    let exists = inMemory || FileManager.default.fileExists(atPath: path)
    if mode != .readWrite && !exists { throw StoreError.noDatabase(path: path) }
    if !exists { try Self.createFile(path) }
    var config = Configuration()
    config.readonly = mode == .readOnly
    config.busyMode = .timeout(30)
    if !inMemory && mode != .readOnly {
      config.prepareDatabase { db in
        if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" {
          try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
      }
    }
    do {
      // Several rolecalls opening one new file at once contend for the lock that switching to WAL and the first
      // migration take; SQLite reports that as busy at once rather than through the busy timeout: wait and retry.
      writer = try Self.retryingWhileBusy {
        let queue = inMemory ? try DatabaseQueue(configuration: config) : try DatabaseQueue(path: path, configuration: config)
        try Self.migrate(queue, path: path, readOnly: mode == .readOnly)
        return queue
      }
    } catch let error as DatabaseError {
      throw StoreError.incompatible(path: path, reason: Self.explain(error))
    }
  }

  /// Runs `body` again while SQLite answers busy, for as long as the busy timeout would have waited (30 s).
  static func retryingWhileBusy<T>(_ body: () throws -> T) throws -> T {
    let deadline = Date().addingTimeInterval(30)
    while true {
      do {
        return try body()
      } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
        usleep(50_000)
      }
    }
  }

  /// Creates the database file, private to its owner from the first byte (RBAC data maps a cluster's attack
  /// surface). O_EXCL, never FileManager.createFile: that writes a new file and renames it over the path, which
  /// would pull the file from under another rolecall that created it a moment earlier and is writing to it.
  private static func createFile(_ path: String) throws {
    let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    if fd >= 0 {
      close(fd)
    } else if errno != EEXIST {
      throw StoreError.incompatible(path: path, reason: "cannot create the database file")
    }
  }

  /// Migrates forward, also when another rolecall is migrating the same file at the same moment (two ingests into
  /// a new database): GRDB's migrator decides what to apply before it takes the write lock, so the later process can
  /// fail on a table the earlier one has just created. Each migration is one transaction, so a failed attempt leaves
  /// nothing half-done: look again and carry on from where the other got to, as long as it got somewhere.
  private static func migrate(_ writer: any DatabaseWriter, path: String, readOnly: Bool) throws {
    var appliedBefore: Set<String>?
    while true {
      do {
        return try migrateOnce(writer, path: path, readOnly: readOnly)
      } catch let error as DatabaseError where !readOnly {
        let applied = (try? writer.read { try Migrations.migrator.appliedIdentifiers($0) }) ?? []
        if applied == appliedBefore { throw error }
        appliedBefore = applied
      }
    }
  }

  private static func migrateOnce(_ writer: any DatabaseWriter, path: String, readOnly: Bool) throws {
    let migrator = Migrations.migrator
    let (applied, known, complete) = try writer.read { db in
      let applied = try migrator.appliedIdentifiers(db)
      return (applied, Set(migrator.migrations), try migrator.hasCompletedMigrations(db))
    }
    if !applied.isSubset(of: known) {
      throw StoreError.incompatible(
        path: path, reason: "written by a newer rolecall (schema \(applied.subtracting(known).sorted().joined(separator: ", "))); upgrade rolecall")
    }
    if complete { return }
    if readOnly {
      throw StoreError.incompatible(path: path, reason: "written by an older rolecall: run `rolecall snapshots` once to migrate it")
    }
    try migrator.migrate(writer)
  }

  static func explain(_ error: DatabaseError) -> String {
    switch error.resultCode {
    case .SQLITE_NOTADB: return "not a rolecall database (not an SQLite file)"
    case .SQLITE_READONLY: return "the database is read-only"
    case .SQLITE_FULL: return "the disk is full"
    case .SQLITE_CANTOPEN: return "cannot open the database file"
    case .SQLITE_BUSY, .SQLITE_LOCKED: return "the database is busy (another rolecall is writing): try again"
    default: return error.message ?? "\(error)"
    }
  }

  func read<T>(_ body: (Database) throws -> T) throws -> T {
    do { return try writer.read(body) } catch let error as DatabaseError { throw StoreError.sqlite(Self.explain(error)) }
  }

  func write<T>(_ body: (Database) throws -> T) throws -> T {
    do { return try writer.write(body) } catch let error as DatabaseError { throw StoreError.sqlite(Self.explain(error)) }
  }

  // MARK: - Snapshots

  /// Stores the content as a new snapshot, in one transaction: either all of it is written or none.
  ///
  /// - Parameter graphSummary: when given, called inside the transaction once every object is written, for the
  ///   distances and first steps to store with them (a caller computes them meanwhile on another thread).
  @discardableResult
  public func writeSnapshot(
    _ content: SnapshotContent, name: String?, sources: [String], at date: Date = Date(),
    graphSummary: (() -> GraphSummary)? = nil
  ) throws -> SnapshotInfo {
    do {
      // IMMEDIATE: the write lock is taken (through the busy timeout) before the first read, so a concurrent ingest
      // that commits meanwhile cannot turn this transaction's later write into an immediate "busy".
      return try writer.writeWithoutTransaction { db in
        var info: SnapshotInfo?
        try db.inTransaction(.immediate) {
          info = try Self.insertSnapshot(db, content, name: name, sources: sources, date: date, graphSummary: graphSummary)
          return .commit
        }
        return info!
      }
    } catch let error as DatabaseError {
      throw StoreError.sqlite(Self.explain(error))
    }
  }

  private static func insertSnapshot(
    _ db: Database, _ content: SnapshotContent, name: String?, sources: [String], date: Date,
    graphSummary: (() -> GraphSummary)?
  ) throws -> SnapshotInfo {
    let snapshotName = try name ?? Self.freshName(db, date: date)
    if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM snapshot WHERE name = ?)", arguments: [snapshotName])
      == true
    {
      throw StoreError.snapshotExists(name: snapshotName)
    }
    try SnapshotWriter(db: db).write(
      content, name: snapshotName, createdAt: date, sources: sources, graphSummary: graphSummary)
    return try Self.withLabels(
      SnapshotInfo.fetchOne(db, sql: "SELECT * FROM snapshot WHERE name = ?", arguments: [snapshotName])!, db)
  }

  private static func freshName(_ db: Database, date: Date) throws -> String {
    let base = ISO8601DateFormatter().string(from: date)
    var name = base
    var n = 1
    while try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM snapshot WHERE name = ?)", arguments: [name]) == true {
      n += 1
      name = "\(base)-\(n)"
    }
    return name
  }

  /// Every snapshot, oldest first, with its object counts.
  public func snapshots() throws -> [SnapshotInfo] { try read(Self.snapshotInfos) }

  static func snapshotInfos(_ db: Database) throws -> [SnapshotInfo] {
    // Every label in one query: a fleet keeps thousands of snapshots (a year of daily ones per cluster).
    var labels: [Int64: [String: String]] = [:]
    let rows = try Row.fetchCursor(db, sql: "SELECT snapshot_id, key, value FROM snapshot_label")
    while let row = try rows.next() { labels[row[0], default: [:]][row[1]] = row[2] }
    return try SnapshotInfo.fetchAll(db, sql: "SELECT * FROM snapshot ORDER BY id").map { info in
      var info = info
      info.labels = labels[info.id] ?? [:]
      return info
    }
  }

  static func withLabels(_ info: SnapshotInfo, _ db: Database) throws -> SnapshotInfo {
    var info = info
    for row in try Row.fetchAll(
      db, sql: "SELECT key, value FROM snapshot_label WHERE snapshot_id = ? ORDER BY key", arguments: [info.id])
    {
      info.labels[row[0]] = row[1]
    }
    return info
  }

  /// The named snapshot, or the latest when `name` is nil.
  public func snapshot(named name: String?) throws -> SnapshotInfo {
    // One read: the snapshot and its labels as of the same moment.
    let found = try read { db in
      try (name.map { try SnapshotInfo.fetchOne(db, sql: "SELECT * FROM snapshot WHERE name = ?", arguments: [$0]) }
        ?? SnapshotInfo.fetchOne(db, sql: "SELECT * FROM snapshot ORDER BY id DESC LIMIT 1")).map { try Self.withLabels($0, db) }
    }
    if let found { return found }
    // `cluster=NAME` or `cluster=NAME@TIME`, when no snapshot has that name.
    let prefix = SnapshotInfo.clusterLabel + "="
    guard let name, name.hasPrefix(prefix) else { throw StoreError.noSnapshot(name: name) }
    let reference = name.dropFirst(prefix.count)
    guard let at = reference.lastIndex(of: "@") else { return try snapshot(ofCluster: String(reference), atOrBefore: nil) }
    guard let time = SnapshotTime(String(reference[reference.index(after: at)...])) else {
      throw StoreError.badSnapshotTime(reference: name)
    }
    return try snapshot(ofCluster: String(reference[..<at]), atOrBefore: time)
  }

  /// The cluster's latest snapshot, or its latest taken at or before `time`.
  public func snapshot(ofCluster cluster: String, atOrBefore time: SnapshotTime?) throws -> SnapshotInfo {
    let found = try read { db in
      try SnapshotInfo.fetchOne(
        db,
        sql: """
          SELECT s.* FROM snapshot s JOIN snapshot_label l ON l.snapshot_id = s.id AND l.key = ? AND l.value = ?
          WHERE s.created_at <= ? ORDER BY s.id DESC LIMIT 1
          """,
        arguments: [SnapshotInfo.clusterLabel, cluster, time?.latestStored ?? "9999"]
      ).map { try Self.withLabels($0, db) }
    }
    guard let found else { throw StoreError.noClusterSnapshot(cluster: cluster, atOrBefore: time?.written) }
    return found
  }

  /// Deletes a snapshot and everything in it.
  public func removeSnapshot(named name: String) throws {
    let removed = try writer.write { db in
      try db.execute(sql: "DELETE FROM snapshot WHERE name = ?", arguments: [name])
      return db.changesCount
    }
    if removed == 0 { throw StoreError.noSnapshot(name: name) }
  }

  /// Deletes these snapshots, all or none: one transaction. Returns how many there were (one removed meanwhile by
  /// another rolecall is not an error).
  public func removeSnapshots(_ snapshots: [SnapshotInfo]) throws -> Int {
    try writer.write { db in
      var removed = 0
      for snapshot in snapshots {
        try db.execute(sql: "DELETE FROM snapshot WHERE id = ?", arguments: [snapshot.id])
        removed += db.changesCount
      }
      return removed
    }
  }
}

/// A time a snapshot reference names (`cluster=NAME@TIME`, `diff --since TIME`): a date, meaning the end of that day
/// in UTC, or an ISO 8601 time.
public struct SnapshotTime: Sendable {
  /// The time as written.
  public let written: String
  /// The latest creation time it admits, in the form snapshots store theirs (ISO 8601, UTC, to the second).
  let latestStored: String

  /// nil when the text is neither a date nor a time.
  public init?(_ text: String) {
    let formatter = ISO8601DateFormatter()
    if text.count == 10, let day = formatter.date(from: text + "T00:00:00Z") {
      latestStored = formatter.string(from: day.addingTimeInterval(86_399))
    } else if let moment = formatter.date(from: text) {
      latestStored = formatter.string(from: moment)
    } else {
      return nil
    }
    written = text
  }
}

// MARK: - Test hooks

extension RolecallDatabase {
  /// Creates a database as an older rolecall left it: the migrations up to and including `migration` applied, then
  /// `sql` run (to store what that version stored). For tests of migrating forward; never used by rolecall itself.
  @_spi(Testing) public static func createForTesting(path: String, migratedUpTo migration: String, sql: String) throws {
    guard Migrations.migrator.migrations.contains(migration) else {
      throw StoreError.incompatible(path: path, reason: "no migration named \"\(migration)\"")
    }
    let queue = try DatabaseQueue(path: path)
    try Migrations.migrator.migrate(queue, upTo: migration)
    try queue.write { try $0.execute(sql: sql) }
  }

  /// Opens a database that may grow to at most `pages` pages, as a full disk would stop it: SQLite's
  /// `max_page_count`. For tests of running out of space; never used by rolecall itself.
  @_spi(Testing) public convenience init(path: String, maximumPageCount pages: Int) throws {
    try self.init(path: path)
    try writer.write { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
  }
}
