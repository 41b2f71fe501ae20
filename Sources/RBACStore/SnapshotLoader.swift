// rolecall — SPDX-License-Identifier: Apache-2.0

import GRDB
import RBACModel

extension RolecallDatabase {
  /// Reads a whole snapshot back as the ``SnapshotContent`` it was written from, each object with the file and
  /// document it came from: what `ingest --base` builds on and what `diff` compares.
  ///
  /// ClusterRoles come back with their aggregation rule and the rules in force (aggregation already resolved);
  /// escalation distances are not read (they belong to the snapshot, not to its objects).
  public func content(of snapshot: SnapshotInfo) throws -> SnapshotContent {
    try read { db in
      let id = snapshot.id
      var content = SnapshotContent()
      let source = ClusterRows.source

      var rules: [Int64: (rules: [PolicyRule], origins: [String])] = [:]
      let ruleRows = try Row.fetchCursor(
        db,
        sql: """
          SELECT p.role_id, p.verbs, p.api_groups, p.resources, p.resource_names, p.non_resource_urls, p.aggregated_from
          FROM policy_rule p JOIN role r ON r.id = p.role_id WHERE r.snapshot_id = ? ORDER BY p.role_id, p.rule_index
          """, arguments: [id])
      var reader = RuleReader()
      while let row = try ruleRows.next() {
        let role: Int64 = row[0]
        rules[role, default: ([], [])].rules.append(reader.rule(row, from: 1))
        if let origin: String = row[6] { rules[role]!.origins.append(origin) }
      }
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT id, kind, namespace, name, labels, aggregation_rule, source_file, source_document
          FROM role WHERE snapshot_id = ? ORDER BY id
          """, arguments: [id])
      {
        let found = rules[row[0]] ?? ([], [])
        if row[1] == "ClusterRole" {
          let aggregation: String? = row[5]
          content.clusterRoles.append(
            Sourced(
              ClusterRole(
                name: row[3], labels: JSONText.decodeMap(row[4]), rules: found.rules,
                aggregationRule: aggregation.flatMap { JSONText.decode(AggregationRule.self, $0) },
                ruleOrigins: found.origins),
              from: source(row, 6)))
        } else {
          content.roles.append(Sourced(Role(namespace: row[2], name: row[3], rules: found.rules), from: source(row, 6)))
        }
      }

      var subjects: [Int64: [Subject]] = [:]
      let subjectRows = try Row.fetchCursor(
        db,
        sql: """
          SELECT s.binding_id, s.kind, s.name, s.namespace FROM binding_subject s JOIN binding b ON b.id = s.binding_id
          WHERE b.snapshot_id = ? ORDER BY s.binding_id, s.subject_index
          """, arguments: [id])
      while let row = try subjectRows.next() {
        guard let kind = Subject.Kind(rawValue: row[1]) else { continue }
        subjects[row[0], default: []].append(Subject(kind: kind, name: row[2], namespace: row[3]))
      }
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT id, kind, namespace, name, role_kind, role_name, source_file, source_document
          FROM binding WHERE snapshot_id = ? ORDER BY id
          """, arguments: [id])
      {
        let roleRef = RoleRef(kind: RoleRef.Kind(rawValue: row[4]) ?? .clusterRole, name: row[5])
        let named = subjects[row[0]] ?? []
        if row[1] == "ClusterRoleBinding" {
          content.clusterRoleBindings.append(
            Sourced(ClusterRoleBinding(name: row[3], roleRef: roleRef, subjects: named), from: source(row, 6)))
        } else {
          content.roleBindings.append(
            Sourced(
              RoleBinding(namespace: row[2], name: row[3], roleRef: roleRef, subjects: named), from: source(row, 6)))
        }
      }

      let rows = ClusterRows(db: db, snapshot: id)
      content.serviceAccounts = try rows.serviceAccounts()
      content.namespaces = try rows.namespaces()
      content.workloads = try rows.workloads()
      content.secrets = try rows.secrets()
      content.awsAuth = try rows.awsAuth()
      content.customResources = try rows.customResources()
      content.skippedKinds = snapshot.skippedKinds
      content.labels = snapshot.labels
      content.diagnostics = try Self.diagnostics(db, snapshot: id, limit: nil)
      return content
    }
  }

  /// The snapshot's warnings: how many of each category, and the first `limit` in the order ingest found them.
  public func diagnostics(of snapshot: SnapshotInfo, limit: Int) throws -> (counts: [String: Int], first: [Diagnostic]) {
    try read { db in
      var counts: [String: Int] = [:]
      let rows = try Row.fetchCursor(
        db, sql: "SELECT category, COUNT(*) FROM diagnostic WHERE snapshot_id = ? GROUP BY category",
        arguments: [snapshot.id])
      while let row = try rows.next() { counts[row[0]] = row[1] }
      return (counts, try Self.diagnostics(db, snapshot: snapshot.id, limit: limit))
    }
  }

  /// The rows of `diagnostic` as ``Diagnostic``s, in order; all of them when `limit` is nil.
  static func diagnostics(_ db: Database, snapshot: Int64, limit: Int?) throws -> [Diagnostic] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT category, message, source_file, source_document FROM diagnostic WHERE snapshot_id = ? ORDER BY seq
        LIMIT ?
        """, arguments: [snapshot, limit.map { max(0, $0) } ?? -1]
    ).compactMap { row in
      guard let category = Diagnostic.Category(rawValue: row[0]) else { return nil }
      let file: String? = row[2]
      return Diagnostic(category, row[1], source: file.map { ObjectSource(file: $0, document: row[3] ?? 0) })
    }
  }
}
