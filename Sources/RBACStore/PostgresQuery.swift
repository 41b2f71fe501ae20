// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import NIOCore
import PostgresNIO
import RBACModel

extension PostgresStore {
  /// `rolecall query` on PostgreSQL: the same `:name` parameters as on SQLite, bound, never spliced. A query that
  /// may not write runs in a read-only transaction, which PostgreSQL itself holds to.
  func run(sql: String, parameters: [String: String], snapshot: SnapshotInfo, allowWrites: Bool) throws -> QueryResult {
    let (numbered, names) = Self.namedParameters(sql)
    if numbered.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";"))).isEmpty {
      throw StoreError.postgres("the query holds no SQL statement")
    }
    var arguments: [any SQLArgument] = []
    for name in names {
      if name == "snapshot" {
        arguments.append(snapshot.id)
      } else if let value = parameters[name] {
        arguments.append(value)
      } else {
        throw StoreError.missingParameter(name: name)
      }
    }
    do {
      return try transaction(readOnly: !allowWrites) { session in
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
          switch argument.sqlValue {
          case .int(let n): binds.append(n)
          case .text(let text): binds.append(text)
          case .null: binds.appendNull()
          }
        }
        let result = try session.connection.query(PostgresQuery(unsafeSQL: numbered, binds: binds), logger: Self.logger)
          .wait()
        var columns: [String] = []
        let rows = result.rows.map { row in
          let cells = Array(row)
          if columns.isEmpty { columns = cells.map(\.columnName) }
          return cells.map(Self.displayText)
        }
        return QueryResult(columns: columns, rows: rows)
      }
    } catch StoreError.postgres(let message) where message.contains("read-only transaction") {
      throw StoreError.queryWrites
    }
  }

  /// A cell as `query` prints it: numbers and text as such, NULL as nil, flags of type boolean as 1 or 0 (as SQLite
  /// stores them), other types as PostgreSQL writes them where the driver can tell, else their size.
  static func displayText(_ cell: PostgresCell) -> String? {
    guard let bytes = cell.bytes else { return nil }
    switch cell.dataType {
    case .int2, .int4, .int8: return (try? cell.decode(Int64.self)).map(String.init)
    case .float4, .float8: return (try? cell.decode(Double.self)).map { String($0) }
    case .bool: return (try? cell.decode(Bool.self)).map { $0 ? "1" : "0" }
    case .numeric: return PostgresData(type: .numeric, formatCode: cell.format, value: bytes).numeric?.string
    default:
      if let text = try? cell.decode(String.self) { return text }
      return cell.format == .text ? String(buffer: bytes) : "(\(bytes.readableBytes) bytes)"
    }
  }

  /// The SQL with its `:name` parameters numbered as PostgreSQL writes them (`$1`, ...), and their names in that
  /// order. A `::` cast, and anything in a string literal, quoted name or comment, is not a parameter.
  static func namedParameters(_ sql: String) -> (sql: String, names: [String]) {
    var result = ""
    var names: [String] = []
    let characters = Array(sql)
    var i = 0
    func isNameCharacter(_ c: Character) -> Bool { c == "_" || (c.isASCII && (c.isLetter || c.isNumber)) }
    while i < characters.count {
      let c = characters[i]
      if c == "'" || c == "\"" {
        var j = i + 1
        while j < characters.count && characters[j] != c { j += 1 }
        result += String(characters[i..<min(j + 1, characters.count)])
        i = j + 1
      } else if c == "-" && i + 1 < characters.count && characters[i + 1] == "-" {
        var j = i
        while j < characters.count && characters[j] != "\n" { j += 1 }
        result += String(characters[i..<j])
        i = j
      } else if c == ":" && i + 1 < characters.count && characters[i + 1] == ":" {
        result += "::"
        i += 2
      } else if c == ":" && i + 1 < characters.count && isNameCharacter(characters[i + 1])
        && !characters[i + 1].isNumber
      {
        var j = i + 1
        while j < characters.count && isNameCharacter(characters[j]) { j += 1 }
        let name = String(characters[(i + 1)..<j])
        if !names.contains(name) { names.append(name) }
        result += "$\(names.firstIndex(of: name)! + 1)"
        i = j
      } else {
        result.append(c)
        i += 1
      }
    }
    return (result, names)
  }
}
