// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import RBACReport
import RBACStore

extension Rolecall {
  struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a shipped SQL query by name, or your own .sql file, against a snapshot.",
      discussion: """
        The database is opened read-only: SQL that writes is refused unless --write is given. `:snapshot` is \
        bound to the chosen snapshot's id; every other :name parameter comes from --param name=value and is \
        bound, never spliced. The schema is documented in docs/schema.md. `rolecall query --list` lists the shipped queries.

        The SQL is the store's own: SQLite's for a database file, PostgreSQL's for a postgresql:// --db (shipped \
        queries have a variant for each; `rolecall query --list` says which dialect the store speaks).

        Examples:
          rolecall query cluster-admins
          rolecall query my-report.sql --param namespace=prod -o json
        """)

    @Argument(help: "A shipped query's name, or a path to a .sql file.")
    var query: String?

    @Option(name: .long, help: "A parameter as name=value (repeatable).")
    var param: [String] = []

    @Flag(help: "List the shipped queries.")
    var list = false

    @Flag(
      help: ArgumentHelp(
        "Allow SQL that writes (UPDATE, DELETE, ...): the database is then opened read-write.",
        discussion: "Without it the database is opened read-only and SQL that writes is refused before it runs."))
    var write = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      for p in param where p.firstIndex(of: "=").map({ $0 == p.startIndex }) ?? true {
        throw ValidationError("--param takes name=value, not \"\(p)\"")
      }
    }

    func run() throws {
      if list || query == nil {
        // The dialect of the store the queries would run on, when there is one to ask.
        let store = try? RolecallDatabase(path: database.path, mode: .readOnly)
        try output.print(
          QueryListReport(queries: QueryCatalog.entries, dialect: store?.dialect.rawValue, store: store?.path))
        return
      }
      var parameters: [String: String] = [:]
      for p in param {
        let eq = p.firstIndex(of: "=")!  // validate() saw one after a name
        parameters[String(p[..<eq])] = String(p[p.index(after: eq)...])
      }
      let analyst = try database.analyst(mode: write ? .existing : .readOnly)
      let sql = try QueryCatalog.sql(for: query!, dialect: analyst.database.dialect)
      let result = try analyst.database.run(sql: sql, parameters: parameters, snapshot: analyst.snapshot, allowWrites: write)
      try output.print(QueryReport(result: result))
    }
  }
}
