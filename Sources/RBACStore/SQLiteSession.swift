// rolecall — SPDX-License-Identifier: Apache-2.0

import GRDB

/// ``SQLSession`` over one GRDB connection, inside the read or write that lent it.
struct SQLiteSession: SQLSession {
  let db: Database
  var dialect: SQLDialect { .sqlite }

  func each(_ sql: String, _ arguments: [any SQLArgument], _ body: (any SQLRow) throws -> Void) throws {
    let rows = try Row.fetchCursor(db, sql: sql, arguments: Self.arguments(arguments))
    while let row = try rows.next() { try body(SQLiteRow(row: row)) }
  }

  @discardableResult
  func execute(_ sql: String, _ arguments: [any SQLArgument]) throws -> Int {
    try db.execute(sql: sql, arguments: Self.arguments(arguments))
    return db.changesCount
  }

  func prepared(_ sql: String) throws -> any SQLPreparedQuery {
    SQLitePrepared(statement: try db.cachedStatement(sql: sql))
  }

  static func arguments(_ values: [any SQLArgument]) -> StatementArguments {
    StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
      switch value.sqlValue {
      case .null: return nil
      case .int(let n): return n
      case .text(let s): return s
      }
    })
  }
}

struct SQLitePrepared: SQLPreparedQuery {
  let statement: Statement

  func each(_ arguments: [any SQLArgument], _ body: (any SQLRow) throws -> Void) throws {
    let rows = try Row.fetchCursor(statement, arguments: SQLiteSession.arguments(arguments))
    while let row = try rows.next() { try body(SQLiteRow(row: row)) }
  }
}

struct SQLiteRow: SQLRow {
  let row: Row

  func text(_ column: Int) -> String { row[column] ?? "" }
  func optionalText(_ column: Int) -> String? { row[column] }
  func int64(_ column: Int) -> Int64 { row[column] ?? 0 }
  func optionalInt64(_ column: Int) -> Int64? { row[column] }
}
