// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store is: a `postgresql://` URL, as libpq reads one, with what the URL leaves out taken from
/// libpq's environment (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`, `PGSSLMODE`) and `~/.pgpass`.
struct PostgresLocation: Sendable, Equatable {
  enum TLSMode: String, Sendable {
    case disable, allow, prefer, require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"
  }

  /// A Unix socket's directory (`?host=/run/postgresql`, or a host that is a path), or nil for TCP.
  var socketDirectory: String?
  var host: String
  var port: Int
  var user: String
  var password: String?
  var database: String
  var tls: TLSMode
  /// The URL as written, less its password: what messages name.
  var display: String

  static func isURL(_ text: String) -> Bool { text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") }

  init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgresql", "postgres"].contains(scheme)
    else {
      throw StoreError.badLocation(text, reason: "not a URL of the form postgresql://USER@HOST:PORT/DATABASE")
    }
    var query: [String: String] = [:]
    for item in url.queryItems ?? [] { query[item.name] = item.value ?? "" }
    let known: Set = ["host", "port", "user", "password", "dbname", "sslmode", "application_name", "connect_timeout"]
    if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
      throw StoreError.badLocation(Self.withoutPassword(text), reason: "unknown parameter \"\(unknown)\"")
    }
    let host = query["host"] ?? url.host.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
      ?? environment["PGHOST"] ?? "/var/run/postgresql"
    if host.hasPrefix("/") {
      socketDirectory = host
      self.host = "localhost"
    } else {
      socketDirectory = nil
      self.host = host
    }
    let portText = query["port"] ?? url.port.map(String.init) ?? environment["PGPORT"] ?? "5432"
    guard let port = Int(portText), (1...65535).contains(port) else {
      throw StoreError.badLocation(Self.withoutPassword(text), reason: "port \(portText) is not a port number")
    }
    self.port = port
    let systemUser = environment["USER"] ?? ProcessInfo.processInfo.userName
    user = query["user"] ?? url.user?.removingPercentEncoding ?? environment["PGUSER"] ?? systemUser
    let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
    database = query["dbname"] ?? (path.isEmpty ? nil : path.removingPercentEncoding) ?? environment["PGDATABASE"] ?? user
    let modeText = query["sslmode"] ?? environment["PGSSLMODE"] ?? "prefer"
    guard let mode = TLSMode(rawValue: modeText) else {
      throw StoreError.badLocation(
        Self.withoutPassword(text), reason: "sslmode \(modeText) is not disable, allow, prefer, require, verify-ca or verify-full")
    }
    tls = mode
    display = Self.withoutPassword(text)
    password = query["password"] ?? url.password?.removingPercentEncoding ?? environment["PGPASSWORD"]
    if password == nil {
      let file = environment["PGPASSFILE"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass")
      password = Self.passwordFile(file, host: socketDirectory == nil ? host : "localhost", port: port, database: database, user: user)
    }
  }

  /// The URL with its password replaced, for messages and `snapshots`.
  static func withoutPassword(_ text: String) -> String {
    guard var url = URLComponents(string: text) else { return text }
    if url.password != nil { url.password = "****" }
    if url.queryItems?.contains(where: { $0.name == "password" }) == true {
      url.queryItems = url.queryItems?.map { $0.name == "password" ? URLQueryItem(name: "password", value: "****") : $0 }
    }
    return url.string ?? text
  }

  /// The password `~/.pgpass` gives, as libpq reads it: the first line `host:port:database:user:password` whose
  /// fields match (`*` matches anything; `\:` and `\\` are escapes). A socket connection matches `localhost`.
  static func passwordFile(_ path: String, host: String, port: Int, database: String, user: String) -> String? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      var fields: [String] = [""]
      var escaped = false
      for c in line {
        if escaped {
          fields[fields.count - 1].append(c)
          escaped = false
        } else if c == "\\" {
          escaped = true
        } else if c == ":" && fields.count < 5 {
          fields.append("")
        } else {
          fields[fields.count - 1].append(c)
        }
      }
      guard fields.count == 5 else { continue }
      let wanted = [host, String(port), database, user]
      if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
    }
    return nil
  }

  func configuration() throws -> PostgresConnection.Configuration {
    if let socketDirectory {
      return PostgresConnection.Configuration(
        unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
    }
    let tlsConfiguration: PostgresConnection.Configuration.TLS
    switch tls {
    case .disable:
      tlsConfiguration = .disable
    case .allow, .prefer, .require:
      // As libpq: these encrypt but verify nothing (verify-ca and verify-full do).
      var settings = TLSConfiguration.makeClientConfiguration()
      settings.certificateVerification = .none
      let context = try NIOSSLContext(configuration: settings)
      tlsConfiguration = tls == .require ? .require(context) : .prefer(context)
    case .verifyCA, .verifyFull:
      var settings = TLSConfiguration.makeClientConfiguration()
      settings.certificateVerification = tls == .verifyFull ? .fullVerification : .noHostnameVerification
      tlsConfiguration = .require(try NIOSSLContext(configuration: settings))
    }
    return PostgresConnection.Configuration(
      host: host, port: port, username: user, password: password, database: database, tls: tlsConfiguration)
  }
}

/// One connection to a PostgreSQL store, used one transaction at a time. rolecall's work is synchronous, so each
/// statement waits for its answer on the caller's thread while NIO's event loop threads do the I/O.
final class PostgresStore: Sendable {
  let location: PostgresLocation
  let connection: PostgresConnection
  private let lock = NIOLock()

  static let logger: Logger = {
    var logger = Logger(label: "rolecall.postgres")
    logger.logLevel = .critical
    return logger
  }()

  init(_ location: PostgresLocation) throws {
    self.location = location
    do {
      connection = try PostgresConnection.connect(
        on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try location.configuration(), id: 1,
        logger: Self.logger
      ).wait()
    } catch {
      throw StoreError.cannotConnect(location: location.display, reason: Self.explain(error))
    }
  }

  deinit {
    try? connection.close().wait()
  }

  /// The server's own words for an error, which PSQLError's description withholds.
  static func explain(_ error: any Error) -> String {
    guard let error = error as? PSQLError else {
      if let error = error as? StoreError { return error.description }
      return "\(error)"
    }
    if let message = error.serverInfo?[.message] {
      let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
      return message + detail
    }
    switch error.code {
    case .serverClosedConnection, .connectionError, .clientClosedConnection:
      return "the connection to PostgreSQL was lost"
    default:
      return String(reflecting: error.code)
    }
  }

  /// The SQLSTATE of a server error, such as 23505 for a unique violation.
  static func sqlState(_ error: any Error) -> String? { (error as? PSQLError)?.serverInfo?[.sqlState] }

  /// Runs `body` in one transaction: `REPEATABLE READ READ ONLY` for a read (every statement sees the same
  /// committed snapshots, and never waits for a writer), `READ COMMITTED` for a write. On any error the transaction
  /// is rolled back and nothing of it stays.
  func transaction<T>(readOnly: Bool, _ body: (PostgresSession) throws -> T) throws -> T {
    try lock.withLock {
      let session = PostgresSession(connection: connection)
      do {
        try session.execute(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", [])
        let result = try body(session)
        try session.execute("COMMIT", [])
        return result
      } catch {
        _ = try? session.execute("ROLLBACK", [])
        if error is StoreError { throw error }
        throw StoreError.postgres(Self.explain(error))
      }
    }
  }
}

/// ``SQLSession`` over a PostgreSQL connection inside one of ``PostgresStore``'s transactions.
struct PostgresSession: SQLSession {
  let connection: PostgresConnection
  var dialect: SQLDialect { .postgres }

  func each(_ sql: String, _ arguments: [any SQLArgument], _ body: (any SQLRow) throws -> Void) throws {
    let result = try run(sql, arguments)
    for row in result.rows { try body(PostgresRowValues(cells: Array(row))) }
  }

  func prepared(_ sql: String) throws -> any SQLPreparedQuery { PostgresPrepared(session: self, sql: sql) }

  /// Runs a statement; returns how many rows it changed or returned.
  @discardableResult
  func execute(_ sql: String, _ arguments: [any SQLArgument]) throws -> Int {
    try run(sql, arguments).metadata.rows ?? 0
  }

  func run(_ sql: String, _ arguments: [any SQLArgument]) throws -> PostgresQueryResult {
    var binds = PostgresBindings(capacity: arguments.count)
    for argument in arguments {
      switch argument.sqlValue {
      case .null: binds.appendNull()
      case .int(let n): binds.append(n)
      case .text(let s): binds.append(s)
      }
    }
    let query = PostgresQuery(unsafeSQL: arguments.isEmpty ? sql : numberedPlaceholders(sql), binds: binds)
    return try connection.query(query, logger: PostgresStore.logger).wait()
  }

  /// Sends `lines`, COPY's text format, into `table`'s `columns`: the fast way in for the many rows of a snapshot.
  func copy(into table: String, columns: [String], _ lines: CopyLines) throws {
    guard !lines.isEmpty else { return }
    let connection = self.connection
    let buffer = ByteBuffer(bytes: lines.bytes)
    try connection.eventLoop.makeFutureWithTask {
      try await connection.copyFrom(table: table, columns: columns, logger: PostgresStore.logger) { writer in
        try await writer.write(buffer)
      }
    }.wait()
  }
}

struct PostgresPrepared: SQLPreparedQuery {
  let session: PostgresSession
  let sql: String

  func each(_ arguments: [any SQLArgument], _ body: (any SQLRow) throws -> Void) throws {
    try session.each(sql, arguments, body)
  }
}

struct PostgresRowValues: SQLRow {
  let cells: [PostgresCell]

  func text(_ column: Int) -> String { optionalText(column) ?? "" }
  func optionalText(_ column: Int) -> String? {
    guard cells[column].bytes != nil else { return nil }
    return try? cells[column].decode(String.self)
  }
  func int64(_ column: Int) -> Int64 { optionalInt64(column) ?? 0 }
  func optionalInt64(_ column: Int) -> Int64? {
    guard cells[column].bytes != nil else { return nil }
    return try? cells[column].decode(Int64.self)
  }
}

/// Rows in COPY's text format: columns split by tabs, rows by newlines, NULL as `\N`, and the backslash, tab,
/// newline and carriage return of a value escaped.
struct CopyLines {
  private(set) var bytes: [UInt8] = []
  var isEmpty: Bool { bytes.isEmpty }

  mutating func row(_ values: SQLValue...) {
    for (i, value) in values.enumerated() {
      if i > 0 { bytes.append(UInt8(ascii: "\t")) }
      switch value {
      case .null:
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "N"))
      case .int(let n):
        bytes.append(contentsOf: String(n).utf8)
      case .text(let s):
        for byte in s.utf8 {
          switch byte {
          case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
          case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
          case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
          case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
          default: bytes.append(byte)
          }
        }
      }
    }
    bytes.append(UInt8(ascii: "\n"))
  }
}
