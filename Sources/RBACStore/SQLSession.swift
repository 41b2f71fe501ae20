// rolecall — SPDX-License-Identifier: Apache-2.0

/// The SQL both stores speak, so that every load is written once: a statement is SQL of the common subset with `?`
/// (or `?N`, the Nth argument) for its arguments, run on a session of one backend. What the two dialects write
/// differently is asked of ``SQLDialect``.
protocol SQLSession {
  var dialect: SQLDialect { get }

  /// Runs a query and hands each row to `body`, in the order the query gives them.
  func each(_ sql: String, _ arguments: [any SQLArgument], _ body: (any SQLRow) throws -> Void) throws

  /// Runs a statement that writes; returns how many rows it changed.
  @discardableResult
  func execute(_ sql: String, _ arguments: [any SQLArgument]) throws -> Int

  /// A query run again and again with other arguments (a lookup one node at a time): SQLite keeps it prepared.
  func prepared(_ sql: String) throws -> any SQLPreparedQuery
}

protocol SQLPreparedQuery {
  func each(_ arguments: [any SQLArgument], _ body: (any SQLRow) throws -> Void) throws
}

/// One row of a result, read by column position. The schema fixes each column's type; a NULL where the schema allows
/// none is read as the type's zero, which no constraint of either store lets a row hold.
protocol SQLRow {
  func text(_ column: Int) -> String
  func optionalText(_ column: Int) -> String?
  func int64(_ column: Int) -> Int64
  func optionalInt64(_ column: Int) -> Int64?
}

extension SQLRow {
  func int(_ column: Int) -> Int { Int(int64(column)) }
  func optionalInt(_ column: Int) -> Int? { optionalInt64(column).map { Int($0) } }
  /// Flags are 0 or 1 in both stores (so that shipped SQL compares them the same way).
  func bool(_ column: Int) -> Bool { int64(column) != 0 }
  func optionalBool(_ column: Int) -> Bool? { optionalInt64(column).map { $0 != 0 } }
}

extension SQLSession {
  func all<T>(_ sql: String, _ arguments: [any SQLArgument] = [], _ make: (any SQLRow) throws -> T) throws -> [T] {
    var found: [T] = []
    try each(sql, arguments) { found.append(try make($0)) }
    return found
  }

  func one<T>(_ sql: String, _ arguments: [any SQLArgument] = [], _ make: (any SQLRow) throws -> T) throws -> T? {
    var found: T?
    try each(sql, arguments) { row in if found == nil { found = try make(row) } }
    return found
  }

  /// Whether `condition`, an SQL boolean expression (typically of `EXISTS(...)`s), holds.
  func holds(_ condition: String, _ arguments: [any SQLArgument]) throws -> Bool {
    try one("SELECT CASE WHEN " + condition + " THEN 1 ELSE 0 END", arguments) { $0.bool(0) } ?? false
  }
}

/// A value a statement binds.
enum SQLValue: Sendable, Equatable {
  case null
  case int(Int64)
  case text(String)
}

protocol SQLArgument {
  var sqlValue: SQLValue { get }
}

extension String: SQLArgument { var sqlValue: SQLValue { .text(self) } }
extension Int: SQLArgument { var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLArgument { var sqlValue: SQLValue { .int(self) } }
extension Bool: SQLArgument { var sqlValue: SQLValue { .int(self ? 1 : 0) } }
extension Optional: SQLArgument where Wrapped: SQLArgument {
  var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// What the two stores' SQL writes differently. Everything else a load says is the common subset.
public enum SQLDialect: String, Sendable {
  case sqlite = "SQLite"
  case postgres = "PostgreSQL"

  /// A table-valued expression with one column, `value`: the strings of the JSON array bound at `placeholder`.
  func jsonArrayValues(_ placeholder: String) -> String {
    switch self {
    case .sqlite: return "json_each(\(placeholder))"
    case .postgres: return "jsonb_array_elements_text(CAST(\(placeholder) AS jsonb))"
    }
  }

  /// `column LIKE placeholder` with no escape character, so that a backslash of JSON text is a backslash: SQLite
  /// has none unless asked, PostgreSQL's default is the backslash.
  func like(_ column: String, _ placeholder: String) -> String {
    switch self {
    case .sqlite: return "\(column) LIKE \(placeholder)"
    case .postgres: return "\(column) LIKE \(placeholder) ESCAPE ''"
    }
  }
}

/// SQL with `?` and `?N` placeholders, as PostgreSQL writes them (`$1`, `$N`). Placeholders in string literals,
/// quoted names and comments are left alone.
func numberedPlaceholders(_ sql: String) -> String {
  var result = ""
  result.reserveCapacity(sql.utf8.count + 16)
  var next = 1
  var quote: Character? = nil
  var inLineComment = false
  var characters = sql.makeIterator()
  var pending: Character? = nil
  func take() -> Character? {
    if let p = pending {
      pending = nil
      return p
    }
    return characters.next()
  }
  while let c = take() {
    if inLineComment {
      result.append(c)
      if c == "\n" { inLineComment = false }
      continue
    }
    if let q = quote {
      result.append(c)
      if c == q { quote = nil }
      continue
    }
    switch c {
    case "'", "\"":
      quote = c
      result.append(c)
    case "-":
      result.append(c)
      if let d = take() {
        if d == "-" {
          inLineComment = true
          result.append(d)
        } else {
          pending = d
        }
      }
    case "?":
      var digits = ""
      while let d = take() {
        if d.isASCII && d.isNumber {
          digits.append(d)
        } else {
          pending = d
          break
        }
      }
      if digits.isEmpty {
        result += "$\(next)"
        next += 1
      } else {
        result += "$" + digits
      }
    default:
      result.append(c)
    }
  }
  return result
}
