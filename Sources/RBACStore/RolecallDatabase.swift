// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import RBACGraph
import RBACModel

/// The one owner of a rolecall database: it migrates on open and offers only writes that keep a snapshot whole.
/// The store is an SQLite file or a PostgreSQL database (`--db postgresql://...`); every load is written once, in
/// the SQL both speak (``SQLSession``), and only migrations, the bulk write and `query` are each store's own.
public final class RolecallDatabase: Sendable {
  private enum Backend: Sendable {
    case sqlite(any DatabaseWriter)
    case postgres(PostgresStore)
  }

  private let backend: Backend
  /// The file, or the PostgreSQL URL less its password.
  public let path: String
  /// `--db` as given, to open a second connection with.
  private let location: String

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

  /// The SQL dialect of the store: what `query` runs.
  public var dialect: SQLDialect {
    switch backend {
    case .sqlite: return .sqlite
    case .postgres: return .postgres
    }
  }

  /// A read-only connection of its own to the same store, for reading on another core while this one reads too;
  /// an in-memory database has no file to open twice, and is itself.
  public func secondReader() throws -> RolecallDatabase {
    location == ":memory:" ? self : try RolecallDatabase(path: location, mode: .readOnly)
  }

  /// Whether `location` names a PostgreSQL store rather than an SQLite file.
  public static func isPostgres(_ location: String) -> Bool { PostgresLocation.isURL(location) }

  /// Opens (or, for `.readWrite`, creates) the database at `path`: an SQLite file, `":memory:"` for a private
  /// in-memory one, or a `postgresql://` URL (the database must exist on the server; rolecall creates its tables).
  public init(path: String, mode: Mode = .readWrite) throws {
    location = path
    if PostgresLocation.isURL(path) {
      let place = try PostgresLocation(url: path)
      self.path = place.display
      let store = try PostgresStore(place)
      try PostgresSchema.migrate(store, mode: mode)
      backend = .postgres(store)
      return
    }
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
      backend = .sqlite(
        try Self.retryingWhileBusy {
          let queue = inMemory ? try DatabaseQueue(configuration: config) : try DatabaseQueue(path: path, configuration: config)
          try Self.migrate(queue, path: path, readOnly: mode == .readOnly)
          return queue
        })
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

  /// Runs `body` on one consistent state of the store: a read of SQLite, a `REPEATABLE READ` transaction of
  /// PostgreSQL. Neither waits for a writer.
  func reading<T>(_ body: (any SQLSession) throws -> T) throws -> T {
    switch backend {
    case .sqlite(let writer):
      do {
        return try writer.read { try body(SQLiteSession(db: $0)) }
      } catch let error as DatabaseError {
        throw StoreError.sqlite(Self.explain(error))
      }
    case .postgres(let store):
      return try store.transaction(readOnly: true) { try body($0) }
    }
  }

  /// Runs `body` in one transaction that writes: all of it or none.
  func writing<T>(_ body: (any SQLSession) throws -> T) throws -> T {
    switch backend {
    case .sqlite(let writer):
      do {
        return try writer.write { try body(SQLiteSession(db: $0)) }
      } catch let error as DatabaseError {
        throw StoreError.sqlite(Self.explain(error))
      }
    case .postgres(let store):
      return try store.transaction(readOnly: false) { try body($0) }
    }
  }

  /// The SQLite connection, for what only SQLite does (`query`'s statement checks, test hooks); nil for PostgreSQL.
  var sqliteWriter: (any DatabaseWriter)? {
    if case .sqlite(let writer) = backend { return writer }
    return nil
  }

  var postgresStore: PostgresStore? {
    if case .postgres(let store) = backend { return store }
    return nil
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
    switch backend {
    case .postgres(let store):
      return try store.transaction(readOnly: false) { session in
        let writer = PostgresWriter(session: session)
        let (id, _) = try writer.insertSnapshot(content, name: name, createdAt: date, sources: sources)
        try writer.write(content, snapshot: id, graphSummary: graphSummary)
        return try Self.snapshot(session, id: id)!
      }
    case .sqlite(let writer):
      do {
        // IMMEDIATE: the write lock is taken (through the busy timeout) before the first read, so a concurrent
        // ingest that commits meanwhile cannot turn this transaction's later write into an immediate "busy".
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
  }

  private static func insertSnapshot(
    _ db: Database, _ content: SnapshotContent, name: String?, sources: [String], date: Date,
    graphSummary: (() -> GraphSummary)?
  ) throws -> SnapshotInfo {
    let session = SQLiteSession(db: db)
    let snapshotName = try name ?? Self.freshName(session, date: date)
    if try session.holds("EXISTS(SELECT 1 FROM snapshot WHERE name = ?)", [snapshotName]) {
      throw StoreError.snapshotExists(name: snapshotName)
    }
    try SnapshotWriter(db: db).write(
      content, name: snapshotName, createdAt: date, sources: sources, graphSummary: graphSummary)
    return try Self.snapshot(session, where: "s.name = ?", [snapshotName])!
  }

  private static func freshName(_ session: any SQLSession, date: Date) throws -> String {
    let base = ISO8601DateFormatter().string(from: date)
    var name = base
    var n = 1
    while try session.holds("EXISTS(SELECT 1 FROM snapshot WHERE name = ?)", [name]) {
      n += 1
      name = "\(base)-\(n)"
    }
    return name
  }

  /// Every snapshot, oldest first, with its object counts.
  public func snapshots() throws -> [SnapshotInfo] { try reading(Self.snapshotInfos) }

  static func snapshotInfos(_ session: any SQLSession) throws -> [SnapshotInfo] {
    // Every label in one query: a fleet keeps thousands of snapshots (a year of daily ones per cluster).
    var labels: [Int64: [String: String]] = [:]
    try session.each("SELECT snapshot_id, key, value FROM snapshot_label", []) { row in
      labels[row.int64(0), default: [:]][row.text(1)] = row.text(2)
    }
    return try session.all("SELECT \(SnapshotInfo.columns) FROM snapshot ORDER BY id") { row in
      var info = SnapshotInfo(row)
      info.labels = labels[info.id] ?? [:]
      return info
    }
  }

  /// The first snapshot `condition` (on `snapshot s`, after any `join`) finds in `order`, with its labels.
  static func snapshot(
    _ session: any SQLSession, join: String = "", where condition: String, _ arguments: [any SQLArgument],
    order: String = "s.id DESC"
  ) throws -> SnapshotInfo? {
    guard
      var info = try session.one(
        "SELECT \(SnapshotInfo.columnsOfS) FROM snapshot s \(join) WHERE \(condition) ORDER BY \(order) LIMIT 1",
        arguments, SnapshotInfo.init)
    else { return nil }
    try session.each("SELECT key, value FROM snapshot_label WHERE snapshot_id = ? ORDER BY key", [info.id]) { row in
      info.labels[row.text(0)] = row.text(1)
    }
    return info
  }

  static func snapshot(_ session: any SQLSession, id: Int64) throws -> SnapshotInfo? {
    try snapshot(session, where: "s.id = ?", [id])
  }

  /// The named snapshot, or the latest when `name` is nil.
  public func snapshot(named name: String?) throws -> SnapshotInfo {
    // One read: the snapshot and its labels as of the same moment.
    let found = try reading { session in
      try name.map { try Self.snapshot(session, where: "s.name = ?", [$0]) } ?? Self.snapshot(session, where: "1 = 1", [])
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
    let found = try reading { session in
      try Self.snapshot(
        session, join: "JOIN snapshot_label l ON l.snapshot_id = s.id AND l.key = ? AND l.value = ?",
        where: "s.created_at <= ?", [SnapshotInfo.clusterLabel, cluster, time?.latestStored ?? "9999"])
    }
    guard let found else { throw StoreError.noClusterSnapshot(cluster: cluster, atOrBefore: time?.written) }
    return found
  }

  /// Deletes a snapshot and everything in it.
  public func removeSnapshot(named name: String) throws {
    let removed = try writing { try $0.execute("DELETE FROM snapshot WHERE name = ?", [name]) }
    if removed == 0 { throw StoreError.noSnapshot(name: name) }
  }

  /// Deletes these snapshots, all or none: one transaction. Returns how many there were (one removed meanwhile by
  /// another rolecall is not an error).
  public func removeSnapshots(_ snapshots: [SnapshotInfo]) throws -> Int {
    try writing { session in
      var removed = 0
      for snapshot in snapshots {
        removed += try session.execute("DELETE FROM snapshot WHERE id = ?", [snapshot.id])
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
    try sqliteWriter!.write { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
  }
}
