// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

/// fixtures/cases/live-cluster.json ingested as a file: RBAC plus a pod, a privileged deployment, two Secrets with
/// data and the EKS aws-auth ConfigMap.
/// Built once; a failure fails each test that reads it (`try liveDB()`), with rolecall's stderr.
private let liveDBResult = Result {
  try ingestedDatabase("live.db", [["ingest", "fixtures/cases/live-cluster.json", "--snapshot", "live", "-q"]])
}
private func liveDB() throws -> String { try liveDBResult.get() }

private func rolecall(_ arguments: String...) throws -> RunResult {
  try runRolecall(arguments + ["--db", try liveDB()])
}

@Test func pathsExplainEveryStep() throws {
  let table = try rolecall("paths", "--from", "sa:ci:builder", "--to", "sa:prod:web")
  #expect(table.status == 0)
  if let mismatch = goldenMismatch(table.stdout, suite: "RolecallCLITests", name: "paths-builder-to-web.txt") {
    Issue.record(Comment(rawValue: mismatch))
  }
  let json = try rolecall("paths", "--from", "sa:ci:builder", "--to", "node", "-o", "json")
  let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
  #expect(object["from"] as? String == "sa:ci:builder" && object["to"] as? String == "node")
  #expect(object["reachable"] as? Bool == true)
  let pathList = try #require(object["paths"] as? [[String: Any]])
  let path = try #require(pathList.first)
  let stepList = try #require(path["steps"] as? [[String: Any]])
  let step = try #require(stepList.first)
  #expect(step["primitive"] as? String == "privileged-pod")
  let evidence = try #require(step["evidence"] as? [String: String])
  #expect(evidence["binding"] == "RoleBinding \"prod/ci-deploy\"" && evidence["role"] == "Role \"prod/deploy\"")
  #expect(evidence["namespace"] == "prod" && evidence["rule"]?.hasPrefix("rule 0 {verbs: [create update patch]") == true)
  let unreachable = try rolecall("paths", "--from", "sa:ci:builder")
  #expect(unreachable.status == 1 && unreachable.stdout == "sa:ci:builder cannot reach cluster-admin\n")
  let bad = try rolecall("paths", "--from", "bob")
  #expect(bad.status == 2 && bad.stderr.hasPrefix("rolecall: error: cannot read \"bob\""))
}

@Test func pathsDrawAsDotAndMermaid() throws {
  let dot = try rolecall("paths", "--from", "sa:ci:builder", "--to", "sa:prod:web", "-o", "dot")
  #expect(dot.stdout.hasPrefix("digraph paths {") && dot.stdout.contains("\"sa:ci:builder\" -> \"sa:prod:*\" [label=\"workload-create\"];"))
  let mermaid = try rolecall("paths", "--from", "sa:ci:builder", "--to", "sa:prod:web", "-o", "mermaid")
  #expect(mermaid.stdout.hasPrefix("flowchart LR\n") && mermaid.stdout.contains("-->|any-account|"))
  let unsupported = try rolecall("who-can", "get", "pods", "-o", "dot")
  #expect(unsupported.status == 2 && unsupported.stderr == "rolecall: error: this command cannot print -o dot\n")
}

@Test func auditRanksGatesAndAcceptsABaseline() throws {
  let table = try rolecall("audit")
  #expect(table.status == 1)
  if let mismatch = goldenMismatch(table.stdout, suite: "RolecallCLITests", name: "audit-live.txt") {
    Issue.record(Comment(rawValue: mismatch))
  }
  let sarif = try rolecall("audit", "-o", "sarif")
  let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
  #expect(log["version"] as? String == "2.1.0")
  let runList = try #require(log["runs"] as? [[String: Any]])
  let run = try #require(runList.first)
  let results = try #require(run["results"] as? [[String: Any]])
  #expect(results.contains { ($0["ruleId"] as? String) == "admin-equivalent" && ($0["level"] as? String) == "error" })

  let dir = try temporaryDirectory()
  let baseline = dir.appendingPathComponent("accepted.txt")
  try """
    # accepted risks
    sa:argocd:argocd-application-controller
    sa:ci:builder reaches-node
    sa:velero:velero        reads-all-secrets
    group:platform
    group:system:masters    # always admin
    """.write(to: baseline, atomically: true, encoding: .utf8)
  let accepted = try rolecall("audit", "--baseline", baseline.path)
  #expect(accepted.status == 0, "\(accepted.stdout)")
  #expect(accepted.stdout == "no open findings\n11 finding(s) accepted by the baseline (-o wide lists them)\n")
  let wide = try rolecall("audit", "--baseline", baseline.path, "-o", "wide")
  #expect(wide.stdout.contains("reaches-node (accepted)"))
  try "sa:ci:builder maybe-bad\n".write(to: baseline, atomically: true, encoding: .utf8)
  let bad = try rolecall("audit", "--baseline", baseline.path)
  #expect(bad.status == 2 && bad.stderr.contains("line 1: cannot read \"sa:ci:builder maybe-bad\""))
  // Entries that accept nothing (fixed since, or a typo) are listed as stale, and the findings stay open.
  try """
    sa:argocd:argocd-application-controller
    sa:argcd:argocd-application-controller
    sa:ci:builder reads-all-secrets
    """.write(to: baseline, atomically: true, encoding: .utf8)
  let stale = try rolecall("audit", "--baseline", baseline.path)
  #expect(stale.status == 1)
  #expect(stale.stdout.contains("2 baseline entries accept nothing (fixed since, or a typo):\n  line 2: sa:argcd:argocd-application-controller\n  line 3: sa:ci:builder reads-all-secrets\n"), "\(stale.stdout)")
  let json = try #require(
    try JSONSerialization.jsonObject(with: Data(try rolecall("audit", "--baseline", baseline.path, "-o", "json").stdout.utf8))
      as? [String: Any])
  #expect((json["staleBaseline"] as? [String])?.count == 2)
  // tag: accepts every finding of the identities Kubernetes manages, and only theirs.
  try "tag:kubernetes-default\n".write(to: baseline, atomically: true, encoding: .utf8)
  let defaults = try #require(
    try JSONSerialization.jsonObject(with: Data(try rolecall("audit", "--baseline", baseline.path, "-o", "json").stdout.utf8))
      as? [String: Any])
  let entries = try #require(defaults["entries"] as? [[String: Any]])
  for entry in entries {
    let identity = entry["identity"] ?? "(no identity)"
    let tagged = try #require(entry["tags"] as? [String], "\(identity)").contains("kubernetes-default")
    let findings = try #require(entry["findings"] as? [[String: Any]], "\(identity)")
    let accepted = try findings.map { try #require($0["accepted"] as? Bool, "\(identity)") }
    #expect(accepted.allSatisfy { $0 == tagged }, "\(identity)")
  }
  let tags = try entries.map { try #require($0["tags"] as? [String]) }
  #expect(tags.contains { $0.contains("kubernetes-default") })
}

@Test func backdoorsShowAWSAuthAndTheInvisibleAdmins() throws {
  let result = try rolecall("backdoors", "-o", "json")
  let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  let entries = try #require(object["entries"] as? [[String: Any]])
  let names = try entries.map { try #require($0["name"] as? String) }
  #expect(names == ["arn:aws:iam::111122223333:role/ci-deployer"])
  let invisible = try #require(object["invisible"] as? [[String: String]])
  let providers = try invisible.map { try #require($0["provider"]) }
  #expect(providers == ["EKS"])
}

@Test func primitivesPrintTheCatalog() throws {
  let result = try runRolecall(["primitives", "-o", "json"])
  let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]])
  #expect(entries.count == 25)
  #expect(entries.contains { $0["id"] == "any-role" })
  for entry in entries {
    let condition = try #require(entry["condition"], "\(entry)")
    let reference = try #require(entry["reference"], "\(entry)")
    #expect(!condition.isEmpty && !reference.isEmpty, "\(entry)")
  }
}

/// Every secret value in the fixtures, as written and (for data) decoded: none may appear in the database files or
/// in anything a command prints.
private let secretCanaries = [
  // fixtures/cases/live-cluster.json
  "aHVudGVyMi1saXZlLXNlY3JldC12YWx1ZQ==", "hunter2-live-secret-value",
  "ZXlKaGJHY2lPaUpTVXpJMU5pSjkubGl2ZS10b2tlbi12YWx1ZQ==", "eyJhbGciOiJSUzI1NiJ9.live-token-value",
  // fixtures/cases/secrets.yaml
  "cm9sZWNhbGwtY2FuYXJ5LW9wYXF1ZS1wYXNzd29yZA==", "rolecall-canary-opaque-password", "rolecall-canary-string-data-key",
  "ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNkltTmhibUZ5ZVNKOS5leUp6ZFdJaU9pSnplWE4wWlcwNmMyVnlkbWxqWldGalkyOTFiblE2Y0hKdlpEcGpZVzVoY25raWZRLmNhbmFyeS1zaWduYXR1cmU=",
  "canary-signature", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tcm9sZWNhbGwtY2FuYXJ5LWNh", "rolecall-canary-ca",
  "eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJhdXRoIjoiWTJGdVlYSjVPbkpsWjJsemRISjVMWEJoYzNOM2IzSmsifX19",
  "registry-password", "rolecall-canary-kubeconfig-token", "rolecall-canary-env-value", "last-applied-configuration",
]

@Test func secretValuesAreNeverStoredOrPrinted() throws {
  let db = try temporaryDirectory().appendingPathComponent("secrets.db").path
  var seen = Data()
  let ingest = try runRolecall([
    "ingest", "fixtures/cases/live-cluster.json", "fixtures/cases/secrets.yaml", "--snapshot", "s", "--db", db, "-o", "json",
    "--verbose",
  ])
  #expect(ingest.status == 0, "\(ingest.stderr)")
  seen += Data((ingest.stdout + ingest.stderr).utf8)
  var commands: [[String]] = [
    ["snapshots", "-o", "json"], ["can-i", "--list", "--as", "system:serviceaccount:prod:canary", "-n", "prod", "-o", "wide"],
    ["can-i", "get", "secrets", "canary-token", "-n", "prod", "--as", "system:serviceaccount:prod:deployer", "--explain"],
    ["perms", "sa:prod:canary", "-o", "yaml"], ["perms", "sa:prod:deployer", "-o", "wide"],
    ["who-can", "get", "secrets", "canary-opaque", "-n", "prod", "-o", "wide"], ["who-can", "list", "secrets", "-A", "-o", "json"],
    ["paths", "--from", "sa:ci:builder", "--to", "node", "-o", "json"], ["paths", "--from", "sa:prod:canary", "-o", "wide"],
    ["audit", "-o", "json"], ["audit", "-o", "sarif"], ["backdoors", "-o", "wide"],
  ]
  let queries = try QueryCatalogNames.all()
  #expect(queries.count == 6 && queries.contains("secret-readers"))
  commands += queries.map { ["query", $0, "-o", "json"] }
  let dump = try temporaryDirectory().appendingPathComponent("dump.sql")
  // Every text column of the secret table, as a user's own query would read them.
  try "SELECT * FROM secret WHERE snapshot_id = :snapshot".write(to: dump, atomically: true, encoding: .utf8)
  commands.append(["query", dump.path, "-o", "json"])
  for args in commands {
    let result = try runRolecall(args + ["--db", db])
    #expect(result.status == 0 || result.status == 1, "\(args): \(result.stderr)")
    seen += Data((result.stdout + result.stderr).utf8)
  }
  for suffix in ["", "-wal", "-shm"] { seen += contents(of: db + suffix) ?? Data() }
  // The metadata is kept: the test would pass vacuously if the secrets were not read at all.
  for kept in ["canary-token", "kubernetes.io/service-account-token", "canary-registry", "deployer-token"] {
    #expect(seen.range(of: Data(kept.utf8)) != nil, "\(kept) is missing")
  }
  for value in secretCanaries { #expect(seen.range(of: Data(value.utf8)) == nil, "\(value) leaked") }
}

/// The shipped queries, by name, as `rolecall query --list -o json` prints them.
private enum QueryCatalogNames {
  static func all() throws -> [String] {
    let list = try runRolecall(["query", "--list", "-o", "json"])
    let entries = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: String]])
    return try entries.map { try #require($0["name"]) }
  }
}

@Test func primitivesDocumentationIsCurrent() throws {
  let result = try runRolecall(["primitives", "-o", "wide"])
  let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/primitives.md"), encoding: .utf8)
  #expect(doc.contains("```\n" + result.stdout + "```\n"), "docs/primitives.md is stale: run `make docs`")
}

@Test func storedDistancesAndAFullSearchGiveTheSameAnswers() throws {
  // The same snapshot, once with the distances ingest stored and once as a snapshot written without them.
  let dir = try temporaryDirectory()
  let stored = dir.appendingPathComponent("stored.db").path
  let searched = dir.appendingPathComponent("searched.db").path
  for db in [stored, searched] {
    let result = try runRolecall([
      "ingest", "fixtures/bootstrap", "fixtures/apps", "fixtures/cases/semantics.yaml", "fixtures/kubehound-attacks", "--db",
      db, "-q", "--snapshot", "demo",
    ])
    #expect(result.status == 0, "\(result.stderr)")
  }
  let sqlite = Process()
  sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  sqlite.arguments = ["sqlite3", searched, "UPDATE snapshot SET distances_computed = 0; DELETE FROM graph_distance;"]
  try sqlite.run()
  sqlite.waitUntilExit()
  try #require(sqlite.terminationStatus == 0)
  for args in [
    ["audit", "-o", "json"], ["paths", "--from", "user:system:kube-controller-manager", "--limit", "50"],
    ["paths", "--from", "sa:ci:builder", "--to", "node"], ["paths", "--from", "user:someone-new"],
    ["paths", "--from", "sa:kube-system:clusterrole-aggregation-controller"], ["backdoors", "-o", "wide"],
  ] {
    let a = try runRolecall(args + ["--db", stored])
    let b = try runRolecall(args + ["--db", searched])
    #expect(a.status == b.status && a.stdout == b.stdout, "\(args)")
  }
}
