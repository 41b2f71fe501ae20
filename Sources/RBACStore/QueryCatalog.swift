// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import GRDBSQLite
import RBACModel

/// The named SQL queries rolecall ships (queries/*.sql), and running SQL against a snapshot.
public enum QueryCatalog {
  public static var entries: [ShippedQuery] {
    embedded.keys.sorted().map { name in
      let first = embedded[name]!.split(separator: "\n").first { $0.hasPrefix("--") } ?? ""
      return ShippedQuery(name: name, summary: first.dropFirst(2).trimmingCharacters(in: .whitespaces))
    }
  }

  /// The SQL of a shipped query in `dialect` (its PostgreSQL variant where it has one), or of a `.sql` file.
  public static func sql(for nameOrFile: String, dialect: SQLDialect = .sqlite) throws -> String {
    if dialect == .postgres, let sql = embeddedPostgres[nameOrFile] { return sql }
    if let sql = embedded[nameOrFile] { return sql }
    if nameOrFile.hasSuffix(".sql") || nameOrFile.contains("/") {
      do {
        return try String(contentsOfFile: nameOrFile, encoding: .utf8)
      } catch {
        let reason =
          FileManager.default.fileExists(atPath: nameOrFile) ? "not UTF-8 text, or not readable" : "no such file"
        throw StoreError.unreadableQuery(path: nameOrFile, reason: reason)
      }
    }
    throw StoreError.noQuery(name: nameOrFile, available: embedded.keys.sorted())
  }
}

extension RolecallDatabase {
  /// Runs SQL with named parameters bound, never spliced: `:snapshot` is the snapshot's id, the others come from
  /// `parameters`. SQL that writes is refused unless `allowWrites` (and then needs a database opened read-write).
  public func run(sql: String, parameters: [String: String], snapshot: SnapshotInfo, allowWrites: Bool = false)
    throws -> QueryResult
  {
    if let store = postgresStore {
      return try store.run(sql: sql, parameters: parameters, snapshot: snapshot, allowWrites: allowWrites)
    }
    let writer = sqliteWriter!
    do {
      if allowWrites {
        return try writer.write {
          try Self.execute($0, sql: sql, parameters: parameters, snapshot: snapshot, allowWrites: true)
        }
      }
      return try writer.read {
        try Self.execute($0, sql: sql, parameters: parameters, snapshot: snapshot, allowWrites: false)
      }
    } catch let error as DatabaseError {
      throw StoreError.sqlite(Self.explain(error))
    }
  }

  private static func execute(
    _ db: Database, sql: String, parameters: [String: String], snapshot: SnapshotInfo, allowWrites: Bool
  ) throws -> QueryResult {
    let statements = try db.allStatements(sql: sql)
    guard let statement = try statements.next() else { throw StoreError.sqlite("the query holds no SQL statement") }
    if try statements.next() != nil {
      throw StoreError.sqlite("the query holds more than one SQL statement; rolecall query runs one")
    }
    // SQLite knows whether a statement can write; asking it first gives a message that says what to do.
    if !statement.isReadonly && !allowWrites { throw StoreError.queryWrites }
    var values: [String: (any DatabaseValueConvertible)?] = [:]
    for name in Self.parameterNames(of: statement) {
      if name == "snapshot" {
        values[name] = snapshot.id
      } else if let value = parameters[name] {
        values[name] = value
      } else {
        throw StoreError.missingParameter(name: name)
      }
    }
    statement.arguments = StatementArguments(values)
    let columns = statement.columnNames
    var rows: [[String?]] = []
    let cursor = try Row.fetchCursor(statement)
    while let row = try cursor.next() {
      rows.append(
        (0..<row.count).map { i in
          let value = row[i] as DatabaseValue
          switch value.storage {
          case .null: return nil
          case .int64(let n): return String(n)
          case .double(let d): return String(d)
          case .string(let s): return s
          case .blob(let data): return "(\(data.count) bytes)"
          }
        })
    }
    return QueryResult(columns: columns, rows: rows)
  }

  /// The names of the statement's `:name` parameters, as SQLite parsed them (so `'system:masters'` in a string
  /// literal is not mistaken for one).
  static func parameterNames(of statement: Statement) -> [String] {
    let count = sqlite3_bind_parameter_count(statement.sqliteStatement)
    guard count > 0 else { return [] }
    var names: [String] = []
    for i in 1...count {
      guard let cName = sqlite3_bind_parameter_name(statement.sqliteStatement, i) else { continue }
      let name = String(String(cString: cName).dropFirst())
      if !names.contains(name) { names.append(name) }
    }
    return names
  }
}
