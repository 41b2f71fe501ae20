// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACIngest
import RBACModel
import RBACStore
import RBACTestSupport
import Testing

private func semantics() throws -> SnapshotContent { try Ingest.read(paths: [fixture("cases/semantics.yaml")]) }

private func database(_ content: SnapshotContent, name: String = "s1") throws -> (RolecallDatabase, SnapshotInfo) {
  let db = try RolecallDatabase(path: ":memory:")
  let info = try db.writeSnapshot(content, name: name, sources: ["semantics.yaml"])
  return (db, info)
}

private let requests: [(UserInfo, RequestAttributes)] = [
  (.impersonating("bob", groups: ["devs"]), .resource("get", "pods", namespace: "prod")),
  (.impersonating("bob", groups: ["devs"]), .resource("get", "pods", namespace: "dev")),
  (.impersonating("bob", groups: ["devs"]), .resource("list", group: "apps", "deployments", namespace: "prod")),
  (.impersonating("system:serviceaccount:prod:deployer"), .resource("get", "secrets", name: "db-password", namespace: "prod")),
  (.impersonating("system:serviceaccount:prod:deployer"), .resource("list", "secrets", namespace: "prod")),
  (.impersonating("system:serviceaccount:ci:builder"), .resource("create", "pods", subresource: "exec", name: "w", namespace: "prod")),
  (.impersonating("system:serviceaccount:ci:builder"), .resource("get", "pods", namespace: "ci")),
  (.impersonating("mallory"), .resource("create", group: "apps", "deployments", namespace: "prod")),
  (.impersonating("anyone"), .nonResource("get", path: "/logs/apiserver.log")),
  (.impersonating("system:anonymous"), .nonResource("get", path: "/metrics")),
  (.impersonating("p", groups: ["platform"]), .resource("escalate", group: "rbac.authorization.k8s.io", "clusterroles")),
  (.impersonating("system:serviceaccount:velero:velero"), .resource("list", "secrets")),
]

@Test func storedSnapshotAnswersExactlyAsTheIngestedObjects() throws {
  let content = try semantics()
  let (db, info) = try database(content)
  let direct = content.policy()
  let stored = try db.policy(of: info)
  let expected = [true, false, true, true, false, true, false, false, true, false, true, true]
  #expect(requests.map { direct.allows($0.0, $0.1) } == expected)
  #expect(requests.map { stored.allows($0.0, $0.1) } == expected)
  // A namespace-scoped load decides that namespace's requests the same way.
  for (user, request) in requests where request.namespace == "prod" || request.namespace.isEmpty {
    let scoped = try db.policy(of: info, scope: .namespace(request.namespace))
    #expect(scoped.allows(user, request) == direct.allows(user, request))
  }
}

@Test func aggregatedRulesKeepTheirOriginInTheStore() throws {
  let (db, info) = try database(try semantics())
  let policy = try db.policy(of: info)
  let view = try #require(policy.clusterRoles["team-view"])
  #expect(view.ruleOrigins == ["team-view-pods", "team-view-deployments"])
}

@Test func snapshotsAreListedWithCountsAndNamesAreUnique() throws {
  let content = try semantics()
  let (db, info) = try database(content)
  #expect(info.clusterRoles == 6 && info.roles == 2 && info.clusterRoleBindings == 5 && info.roleBindings == 4)
  #expect(info.serviceAccounts == 3 && info.namespaces == 2 && info.warnings == 5)
  #expect(info.skippedKinds == ["v1/ConfigMap": 1])
  #expect(throws: StoreError.snapshotExists(name: "s1")) { try db.writeSnapshot(content, name: "s1", sources: []) }
  #expect(try db.snapshots().count == 1)
  try db.writeSnapshot(content, name: "s2", sources: [])
  #expect(try db.snapshot(named: nil).name == "s2")
  try db.removeSnapshot(named: "s2")
  #expect(try db.snapshots().map(\.name) == ["s1"])
  #expect(throws: StoreError.noSnapshot(name: "s2")) { try db.snapshot(named: "s2") }
  // Removing a snapshot removes its rows: nothing of s2 remains.
  let rows = try db.run(sql: "SELECT count(*) FROM binding", parameters: [:], snapshot: info)
  #expect(rows.rows == [["9"]])
}

@Test func defaultSnapshotNamesAreTimestampsMadeUnique() throws {
  let db = try RolecallDatabase(path: ":memory:")
  let date = Date(timeIntervalSince1970: 1_795_000_000)
  let a = try db.writeSnapshot(SnapshotContent(), name: nil, sources: [], at: date)
  let b = try db.writeSnapshot(SnapshotContent(), name: nil, sources: [], at: date)
  let stamp = ISO8601DateFormatter().string(from: date)
  #expect(a.name == stamp && b.name == stamp + "-2")
}

// MARK: - Queries

@Test func embeddedQueriesMatchTheQueriesFolder() throws {
  let folder = repositoryRoot.appendingPathComponent("queries")
  let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
  #expect(QueryCatalog.entries.map { $0.name + ".sql" } == files, "run `make queries`")
  for file in files {
    let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    let embedded = try QueryCatalog.sql(for: String(file.dropLast(4)))
    #expect(embedded == text.trimmingCharacters(in: .newlines), "queries/\(file) changed: run `make queries`")
  }
}

@Test func shippedQueriesAnswerOnTheSemanticsFixture() throws {
  let (db, info) = try database(try semantics())
  func run(_ name: String) throws -> [[String?]] {
    try db.run(sql: QueryCatalog.sql(for: name), parameters: [:], snapshot: info).rows
  }
  /// The rows of query `name`, each as `format` writes it from the columns it reads (`column(i)`, never NULL).
  func lines(_ name: String, _ format: (_ column: (Int) throws -> String) throws -> String) throws -> [String] {
    try run(name).map { row in
      try format { i in try #require(i < row.count ? row[i] : nil, "\(name): no value in column \(i) of \(row)") }
    }
  }
  let clusterAdmins = try lines("cluster-admins") { c in "\(try c(0)) \(try c(1))/\(try c(2))" }
  #expect(clusterAdmins == ["Group /platform", "ServiceAccount argocd/argocd-application-controller"])
  let secretReaders = try lines("secret-readers") { c in "\(try c(0)) \(try c(1))/\(try c(2)) \(try c(3)) \(try c(8))" }
  #expect(secretReaders == [
    "Group /platform * *", "ServiceAccount argocd/argocd-application-controller * *",
    "ServiceAccount velero/velero * get,list,watch",
  ])
  let dangling = try lines("dangling-bindings") { c in "\(try c(0)) \(try c(2))" }
  #expect(dangling == ["ClusterRoleBinding crb-to-role", "RoleBinding dangling"])
  let serviceAccounts = try lines("serviceaccounts-cluster-bindings") { c in "\(try c(0))/\(try c(1)) \(try c(4))" }
  #expect(serviceAccounts == ["argocd/argocd-application-controller no", "velero/velero no"])
  let publicBindings = try lines("public-bindings") { c in try c(0) }
  #expect(publicBindings == ["Group system:authenticated"])
}

/// The RoleBindings that let an account read every Secret of one namespace are secret readers too: the bootstrap
/// policy's own `bootstrap-signer` and `token-cleaner` in kube-system were missed when only ClusterRoleBindings counted.
@Test func secretReadersCountRoleBindingsInTheirNamespaceOnly() throws {
  var content = try Ingest.read(paths: [fixture("bootstrap")])
  let extra = try Ingest.read(
    data: Data(
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: read-secrets-here, namespace: team-a}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
      subjects: [{kind: User, name: alice}]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: crb-to-a-role}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: system:controller:token-cleaner}
      subjects: [{kind: User, name: mallory}]
      """.utf8), file: "extra.yaml")
  content.roleBindings += extra.roleBindings
  content.clusterRoleBindings += extra.clusterRoleBindings
  let (db, info) = try database(content)
  let rows = try db.run(sql: QueryCatalog.sql(for: "secret-readers"), parameters: [:], snapshot: info).rows
  let found = rows.map { row in row.map { $0 ?? "NULL" } }.map { "\($0[0]) \($0[1])/\($0[2]) in \($0[3]) via \($0[5])" }
  #expect(found.contains("ServiceAccount kube-system/bootstrap-signer in kube-system via system:controller:bootstrap-signer"))
  #expect(found.contains("ServiceAccount kube-system/token-cleaner in kube-system via system:controller:token-cleaner"))
  // A RoleBinding to a ClusterRole reads only its own namespace's secrets.
  #expect(found.contains("User /alice in team-a via read-secrets-here"))
  // A ClusterRoleBinding that names a Role grants nothing.
  #expect(!found.contains { $0.contains("mallory") })
  #expect(found.contains("Group /system:masters in * via cluster-admin"))
}

@Test func wildcardRulesQueryFindsEveryWildcardKind() throws {
  let (db, info) = try database(try semantics())
  let rows = try db.run(sql: QueryCatalog.sql(for: "wildcard-rules"), parameters: [:], snapshot: info).rows
  let names = try rows.map { try #require($0.first ?? nil) }
  #expect(names == ["ClusterRole metrics-reader", "ClusterRole platform-admin"])
}

@Test func parametersAreBoundNeverSpliced() throws {
  let (db, info) = try database(try semantics())
  let sql = "SELECT name FROM binding WHERE snapshot_id = :snapshot AND name = :name AND 'system:masters' != ''"
  #expect(try db.run(sql: sql, parameters: ["name": "ci-deploy"], snapshot: info).rows == [["ci-deploy"]])
  #expect(try db.run(sql: sql, parameters: ["name": "x' OR '1'='1"], snapshot: info).rows.isEmpty)
  #expect(throws: StoreError.missingParameter(name: "name")) { try db.run(sql: sql, parameters: [:], snapshot: info) }
}

// MARK: - Files

@Test func databaseFilesArePrivateReadOnlyRefusesWritesAndBadFilesAreNamed() throws {
  let dir = try temporaryDirectory()
  let path = dir.appendingPathComponent("r.db").path
  #expect(throws: StoreError.noDatabase(path: path)) { try RolecallDatabase(path: path, mode: .readOnly) }
  let info = try RolecallDatabase(path: path).writeSnapshot(try semantics(), name: "s", sources: [])
  let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  #expect(mode & 0o077 == 0)
  let readOnly = try RolecallDatabase(path: path, mode: .readOnly)
  #expect(throws: StoreError.self) {
    try readOnly.run(sql: "DELETE FROM binding", parameters: [:], snapshot: info)
  }
  #expect(try readOnly.snapshots().first?.roleBindings == 4)

  let garbage = dir.appendingPathComponent("garbage.db").path
  FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x41, count: 4096))
  #expect(throws: StoreError.incompatible(path: garbage, reason: "not a rolecall database (not an SQLite file)")) {
    try RolecallDatabase(path: garbage, mode: .readOnly)
  }
}

@Test func aDatabaseFromANewerRolecallIsRefused() throws {
  let dir = try temporaryDirectory()
  let path = dir.appendingPathComponent("new.db").path
  let db = try RolecallDatabase(path: path)
  try db.writeSnapshot(SnapshotContent(), name: "s", sources: [])
  // Simulate a migration this build does not know.
  let writable = try RolecallDatabase(path: path)
  _ = writable
  let sqlite = Process()
  sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  sqlite.arguments = ["sqlite3", path, "INSERT INTO grdb_migrations VALUES ('v99: from the future')"]
  try sqlite.run()
  sqlite.waitUntilExit()
  try #require(sqlite.terminationStatus == 0, "the sqlite3 shell simulates the newer rolecall")
  #expect(throws: StoreError.self) { try RolecallDatabase(path: path, mode: .readOnly) }
  do {
    _ = try RolecallDatabase(path: path)
    Issue.record("a newer database was opened")
  } catch {
    #expect("\(error)".contains("written by a newer rolecall"))
  }
}
