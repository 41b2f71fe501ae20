// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACIngest
import RBACModel
@_spi(Testing) import RBACStore
import RBACTestSupport
import Testing

/// A snapshot as rolecall stored it before migration v2: one ClusterRole letting alice get pods, bound to her.
private let snapshotOfV1 = """
  INSERT INTO snapshot (id, name, created_at, sources, cluster_roles, cluster_role_bindings)
    VALUES (1, 'old', '2025-01-01T00:00:00Z', '["old.yaml"]', 1, 1);
  INSERT INTO role (id, snapshot_id, kind, namespace, name, source_file, source_document)
    VALUES (1, 1, 'ClusterRole', '', 'pod-reader', 'old.yaml', 1);
  INSERT INTO policy_rule (role_id, rule_index, verbs, api_groups, resources, resource_names, non_resource_urls)
    VALUES (1, 0, '["get"]', '[""]', '["pods"]', '[]', '[]');
  INSERT INTO binding (id, snapshot_id, kind, namespace, name, role_kind, role_name, source_file, source_document)
    VALUES (1, 1, 'ClusterRoleBinding', '', 'alice-reads', 'ClusterRole', 'pod-reader', 'old.yaml', 2);
  INSERT INTO binding_subject (binding_id, subject_index, kind, name, namespace, effective_namespace)
    VALUES (1, 0, 'User', 'alice', '', NULL);
  """

private let olderSchemas = [
  "v1: snapshots of RBAC objects", "v2: snapshot labels", "v3: workloads, secret metadata, aws-auth",
]

@Test(arguments: olderSchemas)
func aDatabaseOfAnOlderRolecallIsMigratedForwardAndReads(schema: String) throws {
  let path = try temporaryDirectory().appendingPathComponent("old.db").path
  try RolecallDatabase.createForTesting(path: path, migratedUpTo: schema, sql: snapshotOfV1)
  // Read-only, it cannot migrate, and says how to.
  #expect(
    throws: StoreError.incompatible(
      path: path, reason: "written by an older rolecall: run `rolecall snapshots` once to migrate it")
  ) { try RolecallDatabase(path: path, mode: .readOnly) }
  let db = try RolecallDatabase(path: path)
  let old = try db.snapshot(named: "old")
  #expect(old.clusterRoles == 1 && old.clusterRoleBindings == 1 && !old.distancesComputed)
  let policy = try db.policy(of: old)
  #expect(policy.allows(.impersonating("alice"), .resource("get", "pods", namespace: "x")))
  #expect(!policy.allows(.impersonating("alice"), .resource("list", "pods", namespace: "x")))
  // And it takes new snapshots, after which read-only opens work.
  try db.writeSnapshot(try Ingest.read(paths: [fixture("cases/semantics.yaml")]), name: "new", sources: [])
  #expect(try RolecallDatabase(path: path, mode: .readOnly).snapshots().map(\.name) == ["old", "new"])
}

@Test func aFullDiskFailsTheIngestAndKeepsEverySnapshotBefore() throws {
  let path = try temporaryDirectory().appendingPathComponent("full.db").path
  try RolecallDatabase(path: path).writeSnapshot(try Ingest.read(paths: [fixture("cases/semantics.yaml")]), name: "small", sources: [])
  let before = try RolecallDatabase(path: path).snapshots()
  // Room for a few more pages: the Kubernetes default roles need far more.
  let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
  let pages = size / 4096 + 8
  let full = try RolecallDatabase(path: path, maximumPageCount: pages)
  let bootstrap = try Ingest.read(paths: [fixture("bootstrap")])
  #expect(throws: StoreError.sqlite("the disk is full")) {
    try full.writeSnapshot(bootstrap, name: "big", sources: [])
  }
  let after = try RolecallDatabase(path: path, mode: .readOnly)
  #expect(try after.snapshots() == before)
  #expect(try after.policy(of: after.snapshot(named: "small")).allows(.impersonating("bob", groups: ["devs"]), .resource("get", "pods", namespace: "prod")))
  // With room again, the same ingest succeeds without any repair.
  try RolecallDatabase(path: path).writeSnapshot(bootstrap, name: "big", sources: [])
  #expect(try RolecallDatabase(path: path).snapshots().map(\.name) == ["small", "big"])
}

@Test func aDatabaseThatCannotBeCreatedIsNamed() throws {
  // Tests run as root, for whom a 0555 directory is writable; a path under a regular file fails for everyone.
  let dir = try temporaryDirectory()
  let file = dir.appendingPathComponent("not-a-directory")
  try Data("x".utf8).write(to: file)
  let path = file.appendingPathComponent("rolecall.db").path
  #expect(throws: StoreError.incompatible(path: path, reason: "cannot create the database file")) {
    try RolecallDatabase(path: path)
  }
  #expect(throws: StoreError.noDatabase(path: path)) { try RolecallDatabase(path: path, mode: .readOnly) }
}

@Test func aFileThatIsNotSQLiteIsNamedAndLeftAlone() throws {
  let dir = try temporaryDirectory()
  let path = dir.appendingPathComponent("manifest.yaml").path
  let text = Data("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n".utf8)
  try text.write(to: URL(fileURLWithPath: path))
  for mode in [RolecallDatabase.Mode.readOnly, .readWrite] {
    #expect(throws: StoreError.incompatible(path: path, reason: "not a rolecall database (not an SQLite file)")) {
      try RolecallDatabase(path: path, mode: mode)
    }
  }
  #expect(FileManager.default.contents(atPath: path) == text)
}
