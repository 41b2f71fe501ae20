// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

/// `rolecall ingest --cluster` against scripts/fake-apiserver.py through the real kubectl.
///
/// The server serves fixtures/cases/live-cluster.json, so every answer from the cluster must equal the answer
/// from ingesting that file. Without kubectl on PATH these tests are skipped, and say so.
@Suite(.enabled(if: executableOnPath("kubectl") != nil, "kubectl is not on PATH: live-cluster tests skipped"))
struct LiveClusterTests {
  /// Rows of every table a snapshot fills, without the columns that name where an object was read from.
  static let tables: [(String, String)] = [
    ("roles", """
      SELECT r.kind, r.namespace, r.name, r.labels, r.aggregation_rule, p.rule_index, p.verbs, p.api_groups,
        p.resources, p.resource_names, p.non_resource_urls, p.aggregated_from
      FROM role r LEFT JOIN policy_rule p ON p.role_id = r.id WHERE r.snapshot_id = :snapshot ORDER BY 1, 2, 3, 6
      """),
    ("bindings", """
      SELECT b.kind, b.namespace, b.name, b.role_kind, b.role_name, s.subject_index, s.kind, s.name, s.namespace,
        s.effective_namespace
      FROM binding b LEFT JOIN binding_subject s ON s.binding_id = b.id WHERE b.snapshot_id = :snapshot
      ORDER BY 1, 2, 3, 6
      """),
    ("accounts", "SELECT namespace, name, automount_token FROM service_account WHERE snapshot_id = :snapshot ORDER BY 1, 2"),
    ("namespaces", "SELECT name, labels FROM namespace WHERE snapshot_id = :snapshot ORDER BY 1"),
    ("workloads", """
      SELECT kind, namespace, name, service_account, automount_token, node_name, on_every_node, privileged, host_path,
        host_pid, host_network FROM workload WHERE snapshot_id = :snapshot ORDER BY 1, 2, 3
      """),
    ("secrets", "SELECT namespace, name, type, service_account_name FROM secret WHERE snapshot_id = :snapshot ORDER BY 1, 2"),
    ("aws-auth", "SELECT source, arn, username, groups FROM aws_auth_mapping WHERE snapshot_id = :snapshot ORDER BY 1, 2"),
    ("diagnostics", "SELECT category, message FROM diagnostic WHERE snapshot_id = :snapshot ORDER BY 1, 2"),
  ]

  static let questions: [[String]] = [
    ["can-i", "list", "deploy", "-n", "prod", "--as", "bob", "--as-group", "devs"],
    ["can-i", "get", "secrets", "db-password", "-n", "prod", "--as", "system:serviceaccount:prod:deployer", "-o", "wide"],
    ["can-i", "--list", "--as", "system:serviceaccount:ci:builder", "-n", "prod", "-o", "wide"],
    ["who-can", "get", "secrets", "-A", "-o", "wide"],
    ["who-can", "create", "pods/exec", "-n", "prod"],
    ["perms", "sa:prod:deployer", "-o", "wide"],
  ]

  func cluster(_ server: FakeAPIServer, _ arguments: String...) throws -> RunResult {
    try runRolecall(
      ["ingest", "--cluster", "--kubeconfig", server.kubeconfig] + arguments, environment: server.environment)
  }

  /// The snapshot's counts as `snapshots -o json` prints them, without its name, time, sources and labels.
  func counts(_ db: String) throws -> [String: String] {
    let result = try runRolecall(["snapshots", "--db", db, "-o", "json"])
    let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    let kept = (list.last ?? [:]).filter { !["name", "createdAt", "sources", "labels", "id"].contains($0.key) }
    return kept.mapValues { "\($0)" }
  }

  func labels(_ db: String) throws -> [String: String] {
    let result = try runRolecall(["snapshots", "--db", db, "-o", "json"])
    let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    return (list.last?["labels"] as? [String: String]) ?? [:]
  }

  @Test func clusterIngestAnswersExactlyLikeTheSameObjectsAsAFile() throws {
    let server = try FakeAPIServer()
    defer { server.stop() }
    let dir = try temporaryDirectory()
    let live = dir.appendingPathComponent("live.db").path
    let file = dir.appendingPathComponent("file.db").path
    let ingested = try cluster(server, "--chunk-size", "2", "--snapshot", "live", "--db", live)
    #expect(ingested.status == 0, "\(ingested.stderr)")
    #expect(ingested.stdout == "")
    let fromFile = try runRolecall(["ingest", "fixtures/cases/live-cluster.json", "--db", file, "-q"])
    #expect(fromFile.status == 0, "\(fromFile.stderr)")

    #expect(try counts(live) == counts(file))
    for (name, sql) in Self.tables {
      let path = dir.appendingPathComponent("\(name).sql")
      try sql.write(to: path, atomically: true, encoding: .utf8)
      let a = try runRolecall(["query", path.path, "--db", live, "-o", "json"])
      let b = try runRolecall(["query", path.path, "--db", file, "-o", "json"])
      #expect(a.status == 0 && a.stdout == b.stdout, "\(name) differs:\n\(a.stdout)\(a.stderr)\n---\n\(b.stdout)")
      #expect(a.stdout.count > 10, "\(name): no rows")
    }
    for question in Self.questions {
      let a = try runRolecall(question + ["--db", live])
      let b = try runRolecall(question + ["--db", file])
      #expect(a.status == b.status && a.stdout == b.stdout, "\(question) differs:\n\(a.stdout)\n---\n\(b.stdout)")
    }

    // Six namespaced lists of more than two objects: kubectl must have followed `continue`.
    #expect(server.requests().contains { $0.contains("continue=") && $0.contains("limit=2") })
    #expect(
      try labels(live) == [
        "cluster": "one", "context": "one", "server": server.server, "kubernetes-version": "v1.31.2",
        "provider": "other", "source": "kubectl",
      ])
  }

  @Test func noSecretValueReachesTheDatabase() throws {
    let server = try FakeAPIServer()
    defer { server.stop() }
    let db = try temporaryDirectory().appendingPathComponent("secrets.db").path
    let result = try cluster(server, "--db", db, "-q")
    #expect(result.status == 0, "\(result.stderr)")
    // The secrets are there, as metadata: the token secret names its service account.
    let sql = try temporaryDirectory().appendingPathComponent("secrets.sql")
    try "SELECT name, type, service_account_name FROM secret WHERE snapshot_id = :snapshot ORDER BY name"
      .write(to: sql, atomically: true, encoding: .utf8)
    let rows = try runRolecall(["query", sql.path, "--db", db, "-o", "json"]).stdout
    #expect(rows.contains("\"deployer-token\"") && rows.contains("\"deployer\"") && rows.contains("\"db-password\""))
    var bytes = Data()
    for suffix in ["", "-wal", "-shm"] {
      bytes += (try? Data(contentsOf: URL(fileURLWithPath: db + suffix))) ?? Data()
    }
    #expect(!bytes.isEmpty)
    for value in ["hunter2-live-secret-value", "eyJhbGciOiJSUzI1NiJ9.live-token-value"] {
      for form in [value, Data(value.utf8).base64EncodedString()] {
        #expect(bytes.range(of: Data(form.utf8)) == nil, "the database holds \(form)")
      }
    }
  }

  @Test func aForbiddenKindIsSkippedWithAWarningAndTheSnapshotIsPartial() throws {
    let server = try FakeAPIServer(arguments: ["--forbid", "secrets"])
    defer { server.stop() }
    let db = try temporaryDirectory().appendingPathComponent("partial.db").path
    let result = try cluster(server, "--db", db, "-q")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr == "warning: cannot list secrets in context \"one\" (Forbidden): the analysis is partial; "
        + "missing: token-secret paths (which service accounts have long-lived token secrets)\n")
    #expect(try labels(db)["partial"] == "secrets")
    #expect(try counts(db)["roleBindings"] == "4")
    let secrets = try runRolecall(["query", "secret-readers", "--db", db, "-o", "json"])
    #expect(secrets.status == 0)
  }

  @Test func theProviderIsGuessedFromTheServerVersion() throws {
    let server = try FakeAPIServer(arguments: ["--git-version", "v1.30.4-eks-a1b2c3d"])
    defer { server.stop() }
    let db = try temporaryDirectory().appendingPathComponent("eks.db").path
    #expect(try cluster(server, "--db", db, "-q").status == 0)
    let labels = try labels(db)
    #expect(labels["provider"] == "EKS" && labels["kubernetes-version"] == "v1.30.4-eks-a1b2c3d")
  }

  @Test func allContextsWritesOneSnapshotPerContext() throws {
    let server = try FakeAPIServer()
    defer { server.stop() }
    try server.writeKubeconfig(contexts: ["one": "tester", "two": "tester"], current: "one")
    let db = try temporaryDirectory().appendingPathComponent("all.db").path
    let result = try cluster(server, "--all-contexts", "--snapshot", "nightly", "--db", db, "-q")
    #expect(result.status == 0, "\(result.stderr)")
    let list = try runRolecall(["snapshots", "--db", db, "-o", "json"]).stdout
    #expect(list.contains("\"nightly-one\"") && list.contains("\"nightly-two\""))
    // Each context is a cluster of its own, which a fleet question asks.
    let fleet = try runRolecall(["who-can", "get", "secrets", "--clusters", "all", "--db", db, "-o", "json"])
    let answers = try JSONSerialization.jsonObject(with: Data(fleet.stdout.utf8)) as? [String: Any]
    let clusters = (answers?["answers"] as? [[String: Any]])?.compactMap { $0["cluster"] as? String }
    #expect(clusters == ["one", "two"], "\(fleet.stderr)")
    // --label cluster=NAME names the cluster instead of the context.
    let named = try cluster(server, "--context", "two", "--label", "cluster=prod-eu", "--db", db, "-q")
    #expect(named.status == 0, "\(named.stderr)")
    #expect(try labels(db)["cluster"] == "prod-eu")
  }

  @Test func rejectedCredentialsFailInOneLine() throws {
    let server = try FakeAPIServer()
    defer { server.stop() }
    let db = try temporaryDirectory().appendingPathComponent("401.db").path
    let result = try cluster(server, "--context", "badcreds", "--db", db)
    #expect(result.status == 2)
    #expect(
      result.stderr == "rolecall: error: the API server \(server.server) rejected the credentials of context "
        + "\"badcreds\" (401 Unauthorized): log in again or refresh the token, then check with "
        + "`kubectl --context badcreds get --raw /version`\n")
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  @Test func anUnreachableServerFailsInOneLine() throws {
    let server = try FakeAPIServer()
    let address = server.server
    server.stop()
    let db = try temporaryDirectory().appendingPathComponent("down.db").path
    let result = try cluster(server, "--db", db, "--request-timeout", "5")
    #expect(result.status == 2)
    #expect(
      result.stderr == "rolecall: error: cannot reach the API server \(address) of context \"one\" (connection "
        + "refused): check the address, the network or VPN, and that the cluster is running\n")
  }

  @Test func anUnknownContextFailsInOneLine() throws {
    let server = try FakeAPIServer()
    defer { server.stop() }
    let result = try cluster(server, "--context", "prod-eu", "--db", "/nonexistent/x.db")
    #expect(result.status == 2)
    #expect(
      result.stderr == "rolecall: error: context \"prod-eu\" is not in the kubeconfig: `kubectl config get-contexts` "
        + "lists the names\n")
  }
}

/// Runs without kubectl too: it hides kubectl by giving rolecall a PATH without it.
@Test func aMissingKubectlFailsInOneLine() throws {
  let empty = try temporaryDirectory()
  let db = empty.appendingPathComponent("x.db").path
  let result = try runRolecall(["ingest", "--cluster", "--db", db], environment: ["PATH": empty.path])
  #expect(result.status == 2)
  #expect(
    result.stderr == "rolecall: error: kubectl not found on PATH: install kubectl "
      + "(https://kubernetes.io/docs/tasks/tools/) or add it to PATH\n")
}

@Test func clusterAndPathsExcludeEachOther() throws {
  let result = try runRolecall(["ingest", "--cluster", "fixtures/cases/semantics.yaml"])
  #expect(result.status == 64)
  #expect(result.stderr.contains("--cluster reads a cluster, not files"))
}
