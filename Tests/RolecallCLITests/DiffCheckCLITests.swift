// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

// Snapshots over time and in CI: `ingest --base` and `--label`, `diff`, `check`, on the CI example of docs/ci.md
// (production = fixtures/bootstrap + fixtures/apps, the pull request = fixtures/ci/pr-42.yaml) and on a real
// upgrade of an install manifest.

/// prod and pr-42, as the CI recipe builds them.
/// Built once; a failure fails each test that reads it (`try ciDB()`), with rolecall's stderr.
private let ciDBResult = Result {
  try ingestedDatabase("ci.db", [
    ["ingest", "fixtures/bootstrap", "fixtures/apps", "--snapshot", "prod", "--label", "cluster=prod", "-q"],
    ["ingest", "fixtures/ci/pr-42.yaml", "--base", "prod", "--snapshot", "pr-42", "--label", "git=abc123", "-q"],
  ])
}
private func ciDB() throws -> String { try ciDBResult.get() }

private func rolecall(_ arguments: String..., db: String? = nil) throws -> RunResult {
  try runRolecall(arguments + ["--db", try db ?? ciDB()])
}

/// A .sql file for `rolecall query`.
private func sql(_ text: String) throws -> String {
  let file = try temporaryDirectory().appendingPathComponent("q.sql")
  try text.write(to: file, atomically: true, encoding: .utf8)
  return file.path
}

private func json(_ result: RunResult) throws -> Any {
  try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
}

@Test func aBaseSnapshotIsReplacedWhereTheInputsSaySoAndKeptElsewhere() throws {
  let list = try #require(try json(try rolecall("snapshots", "-o", "json")) as? [[String: Any]])
  let prod = try #require(list.first { $0["name"] as? String == "prod" })
  let pr = try #require(list.first { $0["name"] as? String == "pr-42" })
  // Two ClusterRoles, Roles and bindings more (the replaced one counts once), one ServiceAccount more.
  for count in ["clusterRoles", "roles", "serviceAccounts"] {
    let before = try #require(prod[count] as? Int, "prod \(count)")
    let after = try #require(pr[count] as? Int, "pr-42 \(count)")
    #expect(after == before + 1, "\(count)")
  }
  #expect(pr["sources"] as? [String] == ["snapshot:prod", "fixtures/ci/pr-42.yaml"])
  #expect(pr["labels"] as? [String: String] == ["base": "prod", "cluster": "prod", "git": "abc123"])
  // The replaced ClusterRole is the pull request's; an untouched one keeps where it was read from.
  let replaced = try rolecall(
    "query",
    try sql(
      "SELECT name, source_file FROM role WHERE snapshot_id = :snapshot AND name IN ('system:metrics-server', 'view') ORDER BY name"
    ), "--snapshot", "pr-42", "-o", "json")
  let rows = try #require(try json(replaced) as? [[String: String]])
  #expect(rows == [
    ["name": "system:metrics-server", "source_file": "fixtures/ci/pr-42.yaml"],
    ["name": "view", "source_file": "fixtures/bootstrap/cluster-roles.yaml"],
  ])
  // Aggregation is resolved again on the combined objects: admin holds the same aggregated rules in both.
  let count = try sql(
    "SELECT count(*) AS n FROM policy_rule p JOIN role r ON r.id = p.role_id WHERE r.snapshot_id = :snapshot AND r.name = 'admin'")
  let before = try #require(try json(try rolecall("query", count, "--snapshot", "prod", "-o", "json")) as? [[String: String]])
  let after = try #require(try json(try rolecall("query", count, "--snapshot", "pr-42", "-o", "json")) as? [[String: String]])
  #expect(before == after)
  let firstRow = try #require(before.first)
  let n = try #require(Int(firstRow["n"] ?? "0"))
  #expect(n > 10)
}

@Test func theIngestSummarySaysWhatTheInputsReplaced() throws {
  let db = try temporaryDirectory().appendingPathComponent("summary.db").path
  #expect(try rolecall("ingest", "fixtures/bootstrap", "fixtures/apps", "--snapshot", "prod", "-q", db: db).status == 0)
  let result = try rolecall("ingest", "fixtures/ci/pr-42.yaml", "--base", "prod", db: db)
  #expect(result.status == 0)
  #expect(result.stderr.contains("built on snapshot \"prod\": 1 object(s) replaced, 5 added"))
  #expect(result.stderr.contains("replaced ClusterRole \"system:metrics-server\""))
}

@Test func aMissingBaseWritesNothing() throws {
  let db = try temporaryDirectory().appendingPathComponent("nobase.db").path
  let absent = try rolecall("ingest", "fixtures/ci/pr-42.yaml", "--base", "prod", db: db)
  #expect(absent.status == 2)
  #expect(!FileManager.default.fileExists(atPath: db))
  #expect(try rolecall("ingest", "fixtures/bootstrap", "--snapshot", "prod", "-q", db: db).status == 0)
  let unknown = try rolecall("ingest", "fixtures/ci/pr-42.yaml", "--base", "staging", db: db)
  #expect(unknown.status == 2)
  #expect(unknown.stderr.contains("staging") && unknown.stderr.split(separator: "\n").count == 1)
  let list = try #require(try json(try rolecall("snapshots", "-o", "json", db: db)) as? [[String: Any]])
  #expect(list.count == 1)
  #expect(try rolecall("ingest", "x.yaml", "--label", "novalue", db: db).status == 64)
}

@Test func aSnapshotRebuiltFromTheStoreAnswersLikeTheOriginal() throws {
  // --base with an input that holds no RBAC object: the new snapshot is the base read back from the store.
  let db = try temporaryDirectory().appendingPathComponent("copy.db").path
  let unrelated = try temporaryDirectory().appendingPathComponent("unrelated.yaml")
  try "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n".write(
    to: unrelated, atomically: true, encoding: .utf8)
  #expect(
    try rolecall(
      "ingest", "fixtures/bootstrap", "fixtures/apps", "fixtures/cases/semantics.yaml", "fixtures/kubehound-attacks",
      "--snapshot", "original", "-q", db: db
    ).status == 0)
  #expect(try rolecall("ingest", unrelated.path, "--base", "original", "--snapshot", "copy", "-q", db: db).status == 0)
  let diff = try rolecall("diff", "original", "copy", db: db)
  #expect(diff.stdout == "diff \"original\" -> \"copy\"\nno changes\n")
  for question in [["audit", "-o", "json"], ["who-can", "create", "pods", "-A"], ["backdoors"]] {
    let a = try runRolecall(question + ["--db", db, "--snapshot", "original"])
    let b = try runRolecall(question + ["--db", db, "--snapshot", "copy"])
    #expect(a.stdout.replacingOccurrences(of: "\"original\"", with: "\"copy\"") == b.stdout, "\(question)")
  }
}

@Test func theDiffOfThePullRequestNamesEveryGainWithItsGrant() throws {
  let result = try rolecall("diff", "prod", "pr-42", "-o", "json")
  #expect(result.status == 0)
  let diff = try #require(try json(result) as? [String: Any])
  let permissions = try #require(diff["permissions"] as? [[String: Any]])
  let subjects = try permissions.map { try #require($0["subject"] as? String) }
  #expect(subjects == ["group:payments-oncall", "sa:kube-system:metrics-server", "sa:payments:deployer"])
  try #require(permissions.count > 1)
  let metrics = try #require(permissions[1]["gained"] as? [[String: Any]])
  #expect(metrics.count == 1)
  let gained = try #require(metrics.first)
  #expect(gained["resource"] as? String == "nodes/proxy" && gained["namespace"] == nil)
  let evidenceList = try #require(gained["evidence"] as? [[String: Any]])
  let evidence = try #require(evidenceList.first)
  #expect(evidence["binding"] as? String == "ClusterRoleBinding \"system:metrics-server\"")
  let paths = try #require(diff["paths"] as? [[String: Any]])
  #expect(paths.contains { $0["identity"] as? String == "sa:kube-system:metrics-server" && $0["target"] as? String == "node" && $0["kind"] as? String == "appeared" })
  let admins = try #require(diff["admins"] as? [Any])
  #expect(admins.isEmpty)
  let objects = try #require(diff["objects"] as? [[String: Any]])
  let modified = try objects.filter { $0["change"] as? String == "modified" }.map { try #require($0["name"] as? String) }
  #expect(modified == ["system:metrics-server"])
  // Stable for scripts: the same question twice gives the same bytes.
  #expect(try rolecall("diff", "prod", "pr-42", "-o", "json").stdout == result.stdout)
}

@Test func failOnGatesOnlyWhatItNames() throws {
  #expect(try rolecall("diff", "prod", "pr-42", "--fail-on", "new-paths").status == 1)
  #expect(try rolecall("diff", "prod", "pr-42", "--fail-on", "any").status == 1)
  #expect(try rolecall("diff", "prod", "pr-42", "--fail-on", "admin-gained").status == 0)
  // Undoing the pull request removes paths: nothing new to gate.
  #expect(try rolecall("diff", "pr-42", "prod", "--fail-on", "new-paths").status == 0)
  #expect(try rolecall("diff", "pr-42", "prod", "--fail-on", "any").status == 1)
  #expect(try rolecall("diff", "prod", "prod", "--fail-on", "any").status == 0)
  #expect(try rolecall("diff", "prod", "pr-42", "--fail-on", "everything").status == 64)
  let missing = try rolecall("diff", "prod", "pr-43")
  #expect(missing.status == 2 && missing.stderr.contains("pr-43"))
}

@Test func diffFiltersBySubjectAndNamespace() throws {
  let subject = try #require(
    try json(try rolecall("diff", "prod", "pr-42", "--subject", "sa:payments:deployer", "-o", "json")) as? [String: Any])
  let subjects = try #require(subject["permissions"] as? [[String: Any]]).map { try #require($0["subject"] as? String) }
  #expect(subjects == ["sa:payments:deployer"])
  let objects = try #require(subject["objects"] as? [[String: Any]]).map { try #require($0["name"] as? String) }
  #expect(objects == ["deployer"])
  let namespace = try #require(try json(try rolecall("diff", "prod", "pr-42", "-n", "payments", "-o", "json")) as? [String: Any])
  // Cluster-wide gains hold in payments too; nodes/proxy is cluster-scoped but granted cluster-wide.
  let namespacePermissions = try #require(namespace["permissions"] as? [[String: Any]])
  #expect(namespacePermissions.count == 3)
  let namespaced = try #require(namespace["objects"] as? [[String: Any]])
  #expect(namespaced.allSatisfy { $0["namespace"] as? String == "payments" })
  #expect(try rolecall("diff", "prod", "pr-42", "--subject", "nobody").status == 2)
}

@Test func theMarkdownCommentLeadsWithCountsAndPaths() throws {
  let comment = try rolecall("diff", "prod", "pr-42", "-o", "markdown").stdout
  #expect(comment.hasPrefix("### rolecall: RBAC changes from `prod` to `pr-42`"))
  #expect(comment.contains("| new or shorter escalation paths | 6 :warning: |"))
  let paths = try #require(comment.range(of: "#### Escalation paths"))
  let permissions = try #require(comment.range(of: "#### Permissions"))
  #expect(paths.lowerBound < permissions.lowerBound)
}

@Test func theCIExampleDocumentationIsCurrent() throws {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["bash", "scripts/ci-example.sh", rolecallBinary.path]
  process.currentDirectoryURL = repositoryRoot
  let out = try temporaryDirectory().appendingPathComponent("ci-example.md")
  FileManager.default.createFile(atPath: out.path, contents: nil)
  process.standardOutput = try FileHandle(forWritingTo: out)
  try process.run()
  process.waitUntilExit()
  #expect(process.terminationStatus == 0)
  let generated = try String(contentsOf: out, encoding: .utf8)
  let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/ci-example.md"), encoding: .utf8)
  #expect(generated == doc, "docs/ci-example.md is stale: run `make docs`")
  #expect(generated.contains("FAIL  3  the payments on-call cannot exec into kube-system's pods"))
  // The README shows the check's output: it must be the output of today's rolecall.
  let check = try #require(generated.range(of: "$ rolecall check fixtures/ci/policy.yaml --snapshot pr-42\n"))
  let end = try #require(generated.range(of: "(exit 1)\n", range: check.upperBound..<generated.endIndex))
  let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
  #expect(readme.contains(String(generated[check.lowerBound..<end.lowerBound])), "README.md shows a stale check output")
}

// MARK: - A real upgrade

@Test func anUpgradeOfARealInstallManifestShowsWhatItGainedAndLost() throws {
  // aws-load-balancer-controller v2.2.4 -> v3.5.0 (fixtures/upgrades, unmodified upstream manifests).
  let db = try temporaryDirectory().appendingPathComponent("upgrade.db").path
  for (file, name) in [("v2.2.4.yaml", "v2.2.4"), ("v3.5.0.yaml", "v3.5.0")] {
    let result = try rolecall("ingest", "fixtures/upgrades/aws-load-balancer-controller/" + file, "--snapshot", name, "-q", db: db)
    #expect(result.status == 0, "\(result.stderr)")
  }
  let diff = try #require(try json(try rolecall("diff", "v2.2.4", "v3.5.0", "-o", "json", db: db)) as? [String: Any])
  let permissions = try #require(diff["permissions"] as? [[String: Any]])
  try #require(permissions.count == 1)
  #expect(permissions[0]["subject"] as? String == "sa:kube-system:aws-load-balancer-controller")
  // The one loss: reading every Secret cluster-wide.
  let lost = try #require(permissions[0]["lost"] as? [[String: Any]])
  #expect(lost.count == 1 && lost[0]["resource"] as? String == "secrets" && lost[0]["verbs"] as? [String] == ["get", "list", "watch"])
  // Configmaps widened from kube-system to cluster-wide: the gain says what was already held.
  let gained = try #require(permissions[0]["gained"] as? [[String: Any]])
  let configmaps = try #require(gained.first { $0["resource"] as? String == "configmaps" })
  #expect(configmaps["verbs"] as? [String] == ["create", "delete", "get", "update"])
  #expect((configmaps["overlap"] as? [String])?.contains("create configmaps in kube-system") == true)
  // The ingress rules were regrouped (extensions and networking.k8s.io in one rule): no change in permission.
  #expect(!gained.contains { $0["resource"] as? String == "ingresses" })
  #expect(!lost.contains { $0["resource"] as? String == "ingresses" })
}

// MARK: - check

private func policy(_ yaml: String) throws -> String {
  let file = try temporaryDirectory().appendingPathComponent("policy.yaml")
  try yaml.write(to: file, atomically: true, encoding: .utf8)
  return file.path
}

@Test func checkExitsByWhetherEveryAssertionHolds() throws {
  let failing = try rolecall("check", "fixtures/ci/policy.yaml", "--snapshot", "pr-42", "-o", "json")
  #expect(failing.status == 1)
  let report = try #require(try json(failing) as? [String: Any])
  let results = try #require(report["results"] as? [[String: Any]])
  let passed = try results.map { try #require($0["passed"] as? Bool) }
  #expect(passed == [true, true, false, true, false])
  try #require(results.count > 4)
  let execList = try #require(results[2]["failures"] as? [[String: Any]])
  let exec = try #require(execList.first)
  let execEvidenceList = try #require(exec["evidence"] as? [[String: Any]])
  let execEvidence = try #require(execEvidenceList.first)
  #expect((execEvidence["binding"] as? String) == "ClusterRoleBinding \"payments-debug\"")
  let nodeList = try #require(results[4]["failures"] as? [[String: Any]])
  let node = try #require(nodeList.first)
  #expect(node["message"] as? String == "sa:payments:deployer reaches node in 1 step(s)")
  let firstStepList = try #require(node["path"] as? [[String: Any]])
  let firstStep = try #require(firstStepList.first)
  #expect((firstStep["primitive"] as? String) == "privileged-pod")
  // Production, before the pull request: the on-call group does not exist yet, so "it cannot exec" would hold of
  // nobody; the policy is refused rather than passed.
  let before = try rolecall("check", "fixtures/ci/policy.yaml", "--snapshot", "prod")
  #expect(before.status == 2)
  #expect(before.stderr.contains("assertion 3 (cannot)") && before.stderr.contains("\"group:payments-oncall\" matches no identity"))
  let holding = try policy("- no-path: {from: group:system:authenticated, to: cluster-admin}\n")
  #expect(try rolecall("check", holding, "--snapshot", "pr-42").status == 0)
}

@Test func noPathToAnIdentitySearchesTheGraph() throws {
  // Ingest stores distances to cluster-admin and node only: a path to an identity is searched, never read as none.
  let file = try policy("- no-path: {from: \"group:payments-oncall\", to: \"sa:kube-system:metrics-server\"}\n")
  let result = try rolecall("check", file, "--snapshot", "pr-42")
  #expect(result.status == 1)
  #expect(result.stdout.contains("group:payments-oncall reaches sa:kube-system:metrics-server in 1 step(s)"))
  // Before the pull request the group is nobody: refused, not passed.
  #expect(try rolecall("check", file, "--snapshot", "prod").status == 2)
}

@Test func onlyListsEverySubjectOutsideTheList() throws {
  let file = try policy("- only: {verb: create, resource: pods/exec, namespace: kube-system, subjects: [\"sa:kube-system:*\"]}\n")
  let result = try #require(try json(try rolecall("check", file, "--snapshot", "pr-42", "-o", "json")) as? [String: Any])
  let onlyList = try #require(result["results"] as? [[String: Any]])
  let only = try #require(onlyList.first)
  let failures = try #require(only["failures"] as? [[String: Any]]).map { try #require($0["message"] as? String) }
  #expect(failures.contains("group:payments-oncall may too"))
  #expect(!failures.contains { $0.contains("system:masters") })
}

@Test func maxRiskHonoursTheBaseline() throws {
  let dir = try temporaryDirectory()
  try "group:payments-oncall   # accepted until the on-call tooling moves\n".write(
    to: dir.appendingPathComponent("accepted.txt"), atomically: true, encoding: .utf8)
  let strict = dir.appendingPathComponent("strict.yaml")
  try "- max-risk: {score: 50, identities: [\"group:payments-*\"]}\n".write(to: strict, atomically: true, encoding: .utf8)
  let lenient = dir.appendingPathComponent("lenient.yaml")
  try "- max-risk: {score: 50, identities: [\"group:payments-*\"], baseline: accepted.txt}\n".write(
    to: lenient, atomically: true, encoding: .utf8)
  let failed = try rolecall("check", strict.path, "--snapshot", "pr-42")
  #expect(failed.status == 1 && failed.stdout.contains("group:payments-oncall scores"))
  #expect(try rolecall("check", lenient.path, "--snapshot", "pr-42").status == 0)
  #expect(try rolecall("check", strict.path, "--snapshot", "prod").status == 2)  // no payments group yet
}

@Test func aBadPolicyIsOneLineNamingTheAssertionAndField() throws {
  for (yaml, expected) in [
    ("- can: {subject: sa:ci:x, verb: get}\n", "assertion 1 (can), line 1: field \"resource\" is required"),
    ("- no-path: {from: group:a}\n- nopath: {from: x}\n", "assertion 2, line 2: names none of"),
    ("- cannot: {subject: \"bob\", verb: get, resource: pods}\n", "field \"subject\": \"bob\" is not"),
    ("- max-risk: {score: lots}\n", "field \"score\" must be an integer"),
    ("{}\n", "expected a list of assertions"),
  ] {
    let result = try rolecall("check", try policy(yaml))
    #expect(result.status == 2, "\(yaml)")
    #expect(result.stderr.contains(expected), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(result.stdout.isEmpty)
  }
}

@Test func checkSpeaksJUnitAndSARIF() throws {
  let junit = try rolecall("check", "fixtures/ci/policy.yaml", "--snapshot", "pr-42", "-o", "junit").stdout
  #expect(junit.contains("<testsuites name=\"rolecall check\" tests=\"5\" failures=\"2\">"))
  #expect(junit.components(separatedBy: "<failure ").count == 3)
  let sarif = try #require(
    try json(try rolecall("check", "fixtures/ci/policy.yaml", "--snapshot", "pr-42", "-o", "sarif")) as? [String: Any])
  let runList = try #require(sarif["runs"] as? [[String: Any]])
  let run = try #require(runList.first)
  let results = try #require(run["results"] as? [[String: Any]])
  let ruleIds = try results.map { try #require($0["ruleId"] as? String) }
  #expect(ruleIds == ["cannot", "no-path"])
}

@Test func diffSARIFPointsAtTheFileThatGrantsIt() throws {
  let sarif = try #require(try json(try rolecall("diff", "prod", "pr-42", "-o", "sarif")) as? [String: Any])
  let runList = try #require(sarif["runs"] as? [[String: Any]])
  let run = try #require(runList.first)
  let results = try #require(run["results"] as? [[String: Any]])
  let ruleIds = try results.map { try #require($0["ruleId"] as? String) }
  #expect(Set(ruleIds) == ["path-appeared", "permission-gained"])
  let match = try results.first { result in
    let message = try #require(result["message"] as? [String: String])
    return try #require(message["text"]).contains("pods/exec")
  }
  let exec = try #require(match)
  let firstLocationList = try #require(exec["locations"] as? [[String: Any]])
  let firstLocation = try #require(firstLocationList.first)
  let physical = try #require(firstLocation["physicalLocation"] as? [String: Any])
  let location = try #require(physical["artifactLocation"] as? [String: String])
  #expect(location["uri"] == "fixtures/ci/pr-42.yaml")
}

@Test func storedFirstStepsAndASearchGiveTheSameDiff() throws {
  // Many paths appear and disappear between these two, some of identities only one of them knows. The diff must
  // not depend on whether the snapshots were written with first steps (v5), with distances only (v4), or bare.
  let dir = try temporaryDirectory()
  let variants = ["UPDATE snapshot SET first_steps_stored = 0; UPDATE graph_distance SET next_node = NULL, first_step = NULL;",
    "UPDATE snapshot SET first_steps_stored = 0, distances_computed = 0; DELETE FROM graph_distance;"]
  var outputs: [String] = []
  for (i, change) in ([nil] + variants).enumerated() {
    let db = dir.appendingPathComponent("\(i).db").path
    for args in [
      ["ingest", "fixtures/bootstrap", "fixtures/apps", "--snapshot", "before"],
      ["ingest", "fixtures/bootstrap", "fixtures/kubehound-attacks", "fixtures/cases/semantics.yaml", "--snapshot", "after"],
    ] {
      let result = try runRolecall(args + ["--db", db, "-q"])
      try #require(result.status == 0, "\(result.stderr)")
    }
    if let change {
      let sqlite = Process()
      sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      sqlite.arguments = ["sqlite3", db, change]
      try sqlite.run()
      sqlite.waitUntilExit()
      try #require(sqlite.terminationStatus == 0)
    }
    let diff = try rolecall("diff", "before", "after", "-o", "json", db: db)
    #expect(diff.status == 0, "\(diff.stderr)")
    outputs.append(diff.stdout)
  }
  let diff = try #require(try JSONSerialization.jsonObject(with: Data(outputs[0].utf8)) as? [String: Any])
  let paths = try #require(diff["paths"] as? [Any])
  #expect(paths.count > 5)
  #expect(outputs[1] == outputs[0])
  #expect(outputs[2] == outputs[0])
}
