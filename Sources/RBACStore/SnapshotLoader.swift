// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension RolecallDatabase {
  /// Reads a whole snapshot back as the ``SnapshotContent`` it was written from, each object with the file and
  /// document it came from: what `ingest --base` builds on and what `diff` compares.
  ///
  /// ClusterRoles come back with their aggregation rule and the rules in force (aggregation already resolved);
  /// escalation distances are not read (they belong to the snapshot, not to its objects).
  public func content(of snapshot: SnapshotInfo) throws -> SnapshotContent {
    try reading { db in
      let id = snapshot.id
      var content = SnapshotContent()
      let source = ClusterRows.source

      var rules: [Int64: (rules: [PolicyRule], origins: [String])] = [:]
      var reader = RuleReader()
      try db.each(
        """
        SELECT p.role_id, p.verbs, p.api_groups, p.resources, p.resource_names, p.non_resource_urls, p.aggregated_from
        FROM policy_rule p JOIN role r ON r.id = p.role_id WHERE r.snapshot_id = ? ORDER BY p.role_id, p.rule_index
        """, [id]
      ) { row in
        let role = row.int64(0)
        rules[role, default: ([], [])].rules.append(reader.rule(row, from: 1))
        if let origin = row.optionalText(6) { rules[role]!.origins.append(origin) }
      }
      try db.each(
        """
        SELECT id, kind, namespace, name, labels, aggregation_rule, source_file, source_document
        FROM role WHERE snapshot_id = ? ORDER BY id
        """, [id]
      ) { row in
        let found = rules[row.int64(0)] ?? ([], [])
        if row.text(1) == "ClusterRole" {
          content.clusterRoles.append(
            Sourced(
              ClusterRole(
                name: row.text(3), labels: JSONText.decodeMap(row.text(4)), rules: found.rules,
                aggregationRule: row.optionalText(5).flatMap { JSONText.decode(AggregationRule.self, $0) },
                ruleOrigins: found.origins),
              from: source(row, 6)))
        } else {
          content.roles.append(
            Sourced(Role(namespace: row.text(2), name: row.text(3), rules: found.rules), from: source(row, 6)))
        }
      }

      var subjects: [Int64: [Subject]] = [:]
      try db.each(
        """
        SELECT s.binding_id, s.kind, s.name, s.namespace FROM binding_subject s JOIN binding b ON b.id = s.binding_id
        WHERE b.snapshot_id = ? ORDER BY s.binding_id, s.subject_index
        """, [id]
      ) { row in
        guard let kind = Subject.Kind(rawValue: row.text(1)) else { return }
        subjects[row.int64(0), default: []].append(Subject(kind: kind, name: row.text(2), namespace: row.text(3)))
      }
      try db.each(
        """
        SELECT id, kind, namespace, name, role_kind, role_name, source_file, source_document
        FROM binding WHERE snapshot_id = ? ORDER BY id
        """, [id]
      ) { row in
        let roleRef = RoleRef(kind: RoleRef.Kind(rawValue: row.text(4)) ?? .clusterRole, name: row.text(5))
        let named = subjects[row.int64(0)] ?? []
        if row.text(1) == "ClusterRoleBinding" {
          content.clusterRoleBindings.append(
            Sourced(ClusterRoleBinding(name: row.text(3), roleRef: roleRef, subjects: named), from: source(row, 6)))
        } else {
          content.roleBindings.append(
            Sourced(
              RoleBinding(namespace: row.text(2), name: row.text(3), roleRef: roleRef, subjects: named),
              from: source(row, 6)))
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
    try reading { db in
      var counts: [String: Int] = [:]
      try db.each("SELECT category, COUNT(*) FROM diagnostic WHERE snapshot_id = ? GROUP BY category", [snapshot.id]) {
        counts[$0.text(0)] = $0.int(1)
      }
      return (counts, try Self.diagnostics(db, snapshot: snapshot.id, limit: limit))
    }
  }

  /// The rows of `diagnostic` as ``Diagnostic``s, in order; all of them when `limit` is nil.
  static func diagnostics(_ db: any SQLSession, snapshot: Int64, limit: Int?) throws -> [Diagnostic] {
    // LIMIT is the one clause the two dialects write differently for "no limit"; a count of rows is never negative.
    try db.all(
      """
      SELECT category, message, source_file, source_document FROM diagnostic WHERE snapshot_id = ? ORDER BY seq
      LIMIT ?
      """, [snapshot, limit.map { max(0, $0) } ?? Int(Int32.max)]
    ) { row -> Diagnostic? in
      guard let category = Diagnostic.Category(rawValue: row.text(0)) else { return nil }
      return Diagnostic(
        category, row.text(1), source: row.optionalText(2).map { ObjectSource(file: $0, document: row.optionalInt(3) ?? 0) })
    }.compactMap { $0 }
  }
}
