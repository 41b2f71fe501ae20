// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACModel
@_spi(Testing) import RBACStore
import RBACTestSupport
import Testing

/// A database left by any earlier rolecall, once opened by this one, has exactly the schema of a new database (every
/// table, column, type, default, key, index and foreign key, as SQLite's pragmas report them) and still holds every row
/// it held, with the columns added since at their defaults.

/// Every migration but the last, oldest first: the schemas an older rolecall may have left.
private let earlierSchemas = [
  "v1: snapshots of RBAC objects",
  "v2: snapshot labels",
  "v3: workloads, secret metadata, aws-auth",
  "v4: escalation distances",
  "v5: first steps",
  "v6: custom resources",
  "v7: strict tables",
]
private let currentSchema = "v8: path steps"

/// What each schema let rolecall store, in the columns that schema had: the rows are written into a database migrated
/// up to that schema, together with those of every schema before it.
private let rowsOf: [String: String] = [
  "v1: snapshots of RBAC objects": """
    INSERT INTO snapshot (id, name, created_at, sources, skipped_kinds, cluster_roles, cluster_role_bindings,
        service_accounts, namespaces, warnings)
      VALUES (1, 'old', '2025-01-01T00:00:00Z', '["old.yaml"]', '{"v1/Pod":3}', 1, 1, 1, 1, 1);
    INSERT INTO role (id, snapshot_id, kind, namespace, name, labels, aggregation_rule, source_file, source_document)
      VALUES (1, 1, 'ClusterRole', '', 'pod-reader', '{"team":"a"}', NULL, 'old.yaml', 1);
    INSERT INTO policy_rule (role_id, rule_index, verbs, api_groups, resources, resource_names, non_resource_urls)
      VALUES (1, 0, '["get"]', '[""]', '["pods"]', '[]', '[]');
    INSERT INTO binding (id, snapshot_id, kind, namespace, name, role_kind, role_name, source_file, source_document)
      VALUES (1, 1, 'ClusterRoleBinding', '', 'alice-reads', 'ClusterRole', 'pod-reader', 'old.yaml', 2);
    INSERT INTO binding_subject (binding_id, subject_index, kind, name, namespace, effective_namespace)
      VALUES (1, 0, 'User', 'alice', '', NULL);
    INSERT INTO service_account (snapshot_id, namespace, name, automount_token, source_file, source_document)
      VALUES (1, 'dev', 'builder', 0, 'old.yaml', 3);
    INSERT INTO namespace (snapshot_id, name, labels, source_file, source_document)
      VALUES (1, 'dev', '{"env":"dev"}', 'old.yaml', 4);
    INSERT INTO diagnostic (snapshot_id, seq, category, message, source_file, source_document)
      VALUES (1, 0, 'subject', 'ServiceAccount dev/ghost does not exist', 'old.yaml', 2);
    """,
  "v2: snapshot labels": """
    INSERT INTO snapshot_label (snapshot_id, key, value) VALUES (1, 'context', 'prod');
    """,
  "v3: workloads, secret metadata, aws-auth": """
    INSERT INTO workload (snapshot_id, kind, namespace, name, service_account, automount_token, node_name,
        on_every_node, privileged, host_path, host_pid, host_network, source_file, source_document)
      VALUES (1, 'DaemonSet', 'dev', 'agent', 'builder', NULL, NULL, 1, 1, 0, 0, 1, 'old.yaml', 5);
    INSERT INTO secret (snapshot_id, namespace, name, type, service_account_name, source_file, source_document)
      VALUES (1, 'dev', 'builder-token', 'kubernetes.io/service-account-token', 'builder', 'old.yaml', 6);
    INSERT INTO aws_auth_mapping (snapshot_id, seq, source, arn, username, groups)
      VALUES (1, 0, 'mapRoles', 'arn:aws:iam::111122223333:role/ops', 'ops', '["system:masters"]');
    """,
  "v4: escalation distances": """
    INSERT INTO graph_distance (snapshot_id, target, node, steps) VALUES (1, 'cluster-admin', 'user:alice', -1);
    UPDATE snapshot SET distances_computed = 1;
    """,
  "v5: first steps": """
    INSERT INTO graph_distance (snapshot_id, target, node, steps, next_node, first_step)
      VALUES (1, 'node', 'sa:dev:builder', 2, 'pods:dev', '{"from":"sa:dev:builder","to":"pods:dev"}');
    UPDATE snapshot SET first_steps_stored = 1;
    """,
  "v6: custom resources": """
    INSERT INTO custom_resource (snapshot_id, api_group, plural, singular, kind, short_names, namespaced, source_file,
        source_document)
      VALUES (1, 'example.com', 'widgets', 'widget', 'Widget', '["wd"]', 0, 'old.yaml', 7);
    """,
  // v7 added no column: the rows of the schemas before it are written into its STRICT tables.
  "v7: strict tables": "",
]

/// The rows a database migrated up to `earlierSchemas[era]` must hold once migrated to the end: (query, rows).
private func survivors(era: Int) -> [(String, [[String?]])] {
  let one = "1"
  return [
    (
      """
      SELECT name, created_at, sources, skipped_kinds, cluster_roles, roles, cluster_role_bindings, role_bindings,
        service_accounts, namespaces, warnings, distances_computed, first_steps_stored FROM snapshot ORDER BY id
      """,
      [["old", "2025-01-01T00:00:00Z", #"["old.yaml"]"#, #"{"v1/Pod":3}"#, one, "0", one, "0", one, one, one,
        era >= 3 ? "1" : "0", era >= 4 ? "1" : "0"]]
    ),
    (
      "SELECT id, snapshot_id, kind, namespace, name, labels, aggregation_rule, source_file, source_document FROM role",
      [["1", "1", "ClusterRole", "", "pod-reader", #"{"team":"a"}"#, nil, "old.yaml", "1"]]
    ),
    (
      "SELECT role_id, rule_index, verbs, api_groups, resources, resource_names, non_resource_urls, aggregated_from FROM policy_rule",
      [["1", "0", #"["get"]"#, #"[""]"#, #"["pods"]"#, "[]", "[]", nil]]
    ),
    (
      "SELECT id, snapshot_id, kind, namespace, name, role_kind, role_name, source_file, source_document FROM binding",
      [["1", "1", "ClusterRoleBinding", "", "alice-reads", "ClusterRole", "pod-reader", "old.yaml", "2"]]
    ),
    (
      "SELECT binding_id, subject_index, kind, name, namespace, effective_namespace FROM binding_subject",
      [["1", "0", "User", "alice", "", nil]]
    ),
    (
      "SELECT snapshot_id, namespace, name, automount_token, source_file, source_document FROM service_account",
      [["1", "dev", "builder", "0", "old.yaml", "3"]]
    ),
    (
      "SELECT snapshot_id, name, labels, source_file, source_document FROM namespace",
      [["1", "dev", #"{"env":"dev"}"#, "old.yaml", "4"]]
    ),
    (
      "SELECT snapshot_id, seq, category, message, source_file, source_document FROM diagnostic",
      [["1", "0", "subject", "ServiceAccount dev/ghost does not exist", "old.yaml", "2"]]
    ),
    (
      "SELECT snapshot_id, key, value FROM snapshot_label",
      era >= 1 ? [["1", "context", "prod"]] : []
    ),
    (
      """
      SELECT snapshot_id, kind, namespace, name, service_account, automount_token, node_name, on_every_node,
        privileged, host_path, host_pid, host_network, source_file, source_document FROM workload
      """,
      era >= 2 ? [["1", "DaemonSet", "dev", "agent", "builder", nil, nil, "1", "1", "0", "0", "1", "old.yaml", "5"]] : []
    ),
    (
      "SELECT snapshot_id, namespace, name, type, service_account_name, source_file, source_document FROM secret",
      era >= 2
        ? [["1", "dev", "builder-token", "kubernetes.io/service-account-token", "builder", "old.yaml", "6"]] : []
    ),
    (
      "SELECT snapshot_id, seq, source, arn, username, groups FROM aws_auth_mapping",
      era >= 2 ? [["1", "0", "mapRoles", "arn:aws:iam::111122223333:role/ops", "ops", #"["system:masters"]"#]] : []
    ),
    (
      "SELECT snapshot_id, target, node, steps, next_node, first_step FROM graph_distance ORDER BY target, node",
      (era >= 3 ? [["1", "cluster-admin", "user:alice", "-1", nil, nil]] : [])
        + (era >= 4
          ? [["1", "node", "sa:dev:builder", "2", "pods:dev", #"{"from":"sa:dev:builder","to":"pods:dev"}"#]] : [])
    ),
    (
      "SELECT snapshot_id, api_group, plural, singular, kind, short_names, namespaced, source_file, source_document FROM custom_resource",
      era >= 5 ? [["1", "example.com", "widgets", "widget", "Widget", #"["wd"]"#, "0", "old.yaml", "7"]] : []
    ),
    // A snapshot written before v8 has no path steps: `paths` searches its graph.
    ("SELECT path_steps FROM snapshot", [["0"]]),
    ("SELECT snapshot_id, node, next_node, step FROM graph_step", []),
  ]
}

/// The schema as SQLite describes it, one query per aspect: what is compared between a new and a migrated database.
private let schemaQueries: [(aspect: String, sql: String)] = [
  ("objects", "SELECT type, name, tbl_name FROM sqlite_master ORDER BY type, name"),
  ("tables", "SELECT name, type, ncol, wr, strict FROM pragma_table_list WHERE schema = 'main' ORDER BY name"),
  (
    "columns",
    """
    SELECT m.name, c.cid, c.name, c.type, c."notnull", c.dflt_value, c.pk
    FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' ORDER BY m.name, c.cid
    """
  ),
  (
    "indexes",
    """
    SELECT m.name, l.name, l."unique", l.origin, l.partial, i.seqno, i.name
    FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i
    WHERE m.type = 'table' ORDER BY m.name, l.name, i.seqno
    """
  ),
  (
    "foreign keys",
    """
    SELECT m.name, f.id, f.seq, f."table", f."from", f."to", f.on_update, f.on_delete, f."match"
    FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq
    """
  ),
  ("migrations", "SELECT identifier FROM grdb_migrations ORDER BY rowid"),
]

private func describe(_ db: RolecallDatabase, _ snapshot: SnapshotInfo) throws -> [String: [[String?]]] {
  var schema: [String: [[String?]]] = [:]
  for (aspect, sql) in schemaQueries {
    schema[aspect] = try db.run(sql: sql, parameters: [:], snapshot: snapshot).rows
  }
  return schema
}

/// A new database, with an empty snapshot to run the pragmas against.
private func freshSchema() throws -> [String: [[String?]]] {
  let db = try RolecallDatabase(path: try temporaryDirectory().appendingPathComponent("new.db").path)
  let probe = try db.writeSnapshot(SnapshotContent(), name: "probe", sources: [])
  return try describe(db, probe)
}

@Test func theEarlierSchemasAreEveryMigrationButTheLast() throws {
  // A new migration must be added to earlierSchemas (with the rows its schema stores) so that it is tested here.
  let fresh = try freshSchema()
  #expect(fresh["migrations"] == (earlierSchemas + [currentSchema]).map { [$0] })
  #expect(Set(rowsOf.keys) == Set(earlierSchemas))
  // The queries see the schema: every aspect has rows, and a table the migrations create, its columns, indexes,
  // foreign keys and WITHOUT ROWID are among them.
  for (aspect, _) in schemaQueries { #expect(fresh[aspect]?.isEmpty == false, "no \(aspect) read") }
  #expect(fresh["objects"]?.contains(["table", "custom_resource", "custom_resource"]) == true)
  #expect(fresh["columns"]?.contains { $0[0] == "graph_distance" && $0[2] == "first_step" } == true)
  #expect(fresh["columns"]?.contains { $0[0] == "graph_step" && $0[2] == "step" } == true)
  #expect(fresh["indexes"]?.contains { $0[1] == "workload_by_account" } == true)
  #expect(fresh["foreign keys"]?.contains { $0[0] == "policy_rule" && $0[3] == "role" } == true)
  #expect(fresh["tables"]?.contains { $0[0] == "policy_rule" && $0[3] == "1" } == true, "WITHOUT ROWID is seen")
}

@Test(arguments: earlierSchemas)
func aDatabaseOfEachEarlierSchemaMigratesToTheSchemaOfANewOneWithItsRows(schema: String) throws {
  let era = try #require(earlierSchemas.firstIndex(of: schema))
  let sql = earlierSchemas[...era].compactMap { rowsOf[$0] }.joined(separator: "\n")
  let path = try temporaryDirectory().appendingPathComponent("old.db").path
  try RolecallDatabase.createForTesting(path: path, migratedUpTo: schema, sql: sql)

  let db = try RolecallDatabase(path: path, mode: .existing)
  let old = try db.snapshot(named: "old")
  let migrated = try describe(db, old)
  let fresh = try freshSchema()
  for (aspect, _) in schemaQueries {
    let have = migrated[aspect] ?? []
    let want = fresh[aspect] ?? []
    #expect(
      have == want,
      """
      \(aspect) differ after migrating from \(schema):
      only in the migrated database: \(have.filter { !want.contains($0) })
      only in a new database: \(want.filter { !have.contains($0) })
      """)
  }

  for (query, rows) in survivors(era: era) {
    #expect(try db.run(sql: query, parameters: [:], snapshot: old).rows == rows, "\(query)")
  }
  #expect(old.labels == (era >= 1 ? ["context": "prod"] : [:]))
  #expect(old.distancesComputed == (era >= 3) && old.firstStepsStored == (era >= 4) && old.pathSteps == 0)
  let policy = try db.policy(of: old)
  #expect(policy.allows(.impersonating("alice"), .resource("get", "pods", namespace: "dev")))
  #expect(!policy.allows(.impersonating("alice"), .resource("delete", "pods", namespace: "dev")))

  // Migrated once, it opens read-only like a new database, and takes new snapshots.
  try db.writeSnapshot(SnapshotContent(), name: "after", sources: [])
  #expect(try RolecallDatabase(path: path, mode: .readOnly).snapshots().map(\.name) == ["old", "after"])
}
