// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// The snapshots of a database, oldest first.
public struct SnapshotsReport: Report {
  public var snapshots: [SnapshotInfo]

  public init(snapshots: [SnapshotInfo]) {
    self.snapshots = snapshots
  }

  public func encode(to encoder: any Encoder) throws {
    try snapshots.encode(to: encoder)
  }

  public func table(wide: Bool) -> String {
    var header = ["NAME", "CREATED", "SOURCE", "CLUSTERROLES", "ROLES", "CLUSTERROLEBINDINGS", "ROLEBINDINGS",
      "SERVICEACCOUNTS", "NAMESPACES", "WARNINGS", "LABELS"]
    if wide { header += ["SKIPPED"] }
    var table = TextTable(header)
    for s in snapshots {
      // The first source names the snapshot's origin well enough for a list; -o wide prints them all.
      let source = wide || s.sources.count < 2 ? s.sources.joined(separator: ",") : "\(s.sources[0]) +\(s.sources.count - 1)"
      var row = [
        s.name, s.createdAt, source, "\(s.clusterRoles)", "\(s.roles)", "\(s.clusterRoleBindings)",
        "\(s.roleBindings)", "\(s.serviceAccounts)", "\(s.namespaces)", "\(s.warnings)",
        s.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
      ]
      if wide { row += ["\(s.skippedKinds.values.reduce(0, +))"] }
      table.add(row)
    }
    return snapshots.isEmpty ? "no snapshots\n" : table.text
  }
}

/// The rows of a query.
public struct QueryReport: Report {
  public var result: QueryResult

  public init(result: QueryResult) {
    self.result = result
  }

  /// JSON and YAML print one object per row, keyed by column name; a repeated name gets a suffix (`name_2`).
  public func encode(to encoder: any Encoder) throws {
    var keys: [String] = []
    for column in result.columns {
      var key = column
      var n = 1
      while keys.contains(key) {
        n += 1
        key = "\(column)_\(n)"
      }
      keys.append(key)
    }
    try result.rows.map { Dictionary(uniqueKeysWithValues: zip(keys, $0)) }.encode(to: encoder)
  }

  public func table(wide: Bool) -> String {
    guard !result.rows.isEmpty else { return "(no rows)\n" }
    var table = TextTable(result.columns.map { $0.uppercased() })
    for row in result.rows { table.add(row.map { $0 ?? "" }) }
    return table.text
  }
}

/// The shipped queries.
public struct QueryListReport: Report {
  public var queries: [ShippedQuery]
  /// The SQL dialect of the store they would run on (`SQLite`, `PostgreSQL`), when it could be opened.
  public var dialect: String?
  public var store: String?

  public init(queries: [ShippedQuery], dialect: String? = nil, store: String? = nil) {
    self.queries = queries
    self.dialect = dialect
    self.store = store
  }

  public func encode(to encoder: any Encoder) throws { try queries.encode(to: encoder) }

  public func table(wide: Bool) -> String {
    var table = TextTable(["NAME", "DESCRIPTION"])
    for q in queries { table.add([q.name, q.summary]) }
    guard let dialect, let store else { return table.text }
    return table.text + "\nQueries run as \(dialect) SQL on \(store).\n"
  }
}
