// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import RBACModel
import RBACReport
import Testing

/// `-o sarif` of lint, audit and check, decoded as JSON and checked against what SARIF 2.1.0 and code-scanning
/// services require: the version and schema, one run whose tool is rolecall, rules with ids, and results that name
/// one of those rules, a valid level, a message, and locations whose files are relative to the checkout.

/// The levels SARIF 2.1.0 defines for a result.
private let sarifLevels: Set<String> = ["none", "note", "warning", "error"]

/// The one run of a SARIF log, after the checks every log must pass (each failed check recorded as an issue).
private func sarifRun(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
  let log = try #require(
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object",
    sourceLocation: sourceLocation)
  #expect(log["version"] as? String == "2.1.0", sourceLocation: sourceLocation)
  let schema = try #require(log["$schema"] as? String, sourceLocation: sourceLocation)
  #expect(schema.hasPrefix("https://") && schema.hasSuffix("sarif-2.1.0.json"), sourceLocation: sourceLocation)
  let runs = try #require(log["runs"] as? [[String: Any]], sourceLocation: sourceLocation)
  try #require(runs.count == 1, sourceLocation: sourceLocation)
  let run = runs[0]
  let tool = try #require(run["tool"] as? [String: Any], sourceLocation: sourceLocation)
  let driver = try #require(tool["driver"] as? [String: Any], sourceLocation: sourceLocation)
  #expect(driver["name"] as? String == "rolecall", sourceLocation: sourceLocation)
  let rules = try #require(driver["rules"] as? [[String: Any]], sourceLocation: sourceLocation)
  let ids = rules.compactMap { $0["id"] as? String }
  #expect(ids.count == rules.count && !ids.contains(""), "every rule has an id", sourceLocation: sourceLocation)
  #expect(Set(ids).count == ids.count, "rule ids are unique: \(ids)", sourceLocation: sourceLocation)
  for rule in rules {
    let text = (rule["shortDescription"] as? [String: Any])?["text"] as? String
    #expect(text?.isEmpty == false, "rule \(rule["id"] ?? "?") has a short description", sourceLocation: sourceLocation)
  }
  let results = try #require(run["results"] as? [[String: Any]], sourceLocation: sourceLocation)
  for result in results {
    let ruleId = try #require(result["ruleId"] as? String, sourceLocation: sourceLocation)
    #expect(ids.contains(ruleId), "result names rule \(ruleId), which is not among \(ids)", sourceLocation: sourceLocation)
    #expect(sarifLevels.contains(result["level"] as? String ?? "?"), sourceLocation: sourceLocation)
    let message = (result["message"] as? [String: Any])?["text"] as? String
    #expect(message?.isEmpty == false, sourceLocation: sourceLocation)
    let locations = try #require(result["locations"] as? [[String: Any]], sourceLocation: sourceLocation)
    for uri in artifactURIs(locations) {
      #expect(
        !uri.isEmpty && !uri.hasPrefix("/") && !uri.hasPrefix("./") && !uri.contains("://"),
        "artifact uri \(uri) is not relative to the checkout", sourceLocation: sourceLocation)
    }
  }
  return run
}

private func results(_ run: [String: Any]) -> [[String: Any]] { run["results"] as? [[String: Any]] ?? [] }

private func ruleIds(_ run: [String: Any]) -> [String] {
  (((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []).compactMap {
    $0["id"] as? String
  }
}

private func artifactURIs(_ locations: [[String: Any]]) -> [String] {
  locations.compactMap {
    (($0["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
  }
}

private func locations(_ result: [String: Any]) -> [[String: Any]] { result["locations"] as? [[String: Any]] ?? [] }

private func logicalNames(_ result: [String: Any]) -> [String] {
  locations(result).flatMap { ($0["logicalLocations"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
}

/// A path under the working directory, as an absolute path: what rolecall holds for a file given as `$PWD/...`.
private func underWorkingDirectory(_ relative: String) -> String {
  let cwd = FileManager.default.currentDirectoryPath
  return (cwd.hasSuffix("/") ? cwd : cwd + "/") + relative
}

// MARK: - lint

@Test func lintSARIFNamesEachFindingsRuleLevelFileAndLine() throws {
  let report = LintReport(findings: [
    LintReport.Finding(
      level: .error, id: "binding-role-missing", object: #"ClusterRoleBinding "ci""#,
      source: ObjectSource(file: underWorkingDirectory("manifests/rbac.yaml"), document: 2), line: 14,
      message: "refers to ClusterRole \"deployer\", which does not exist"),
    LintReport.Finding(
      level: .warning, id: "resource-unknown", object: #"Role "dev/reader""#,
      source: ObjectSource(file: "./manifests/dev.yaml", document: 1), message: "resource \"pod\" is not known"),
    LintReport.Finding(
      level: .info, id: "risky-grant", object: #"Role "dev/exec""#,
      source: ObjectSource(file: "manifests/dev.yaml", document: 3), line: 40, message: "grants pods/exec"),
    LintReport.Finding(
      level: .warning, id: "resource-unknown", object: "", source: nil, message: "no object, no file"),
    LintReport.Finding(
      level: .warning, id: "resource-unknown", object: #"Role "x/y""#,
      source: ObjectSource(file: "-", document: 1), message: "read from standard input"),
  ])
  let run = try sarifRun(try Renderer.render(report, as: .sarif))
  #expect(ruleIds(run) == ["binding-role-missing", "resource-unknown", "risky-grant"])
  let found = results(run)
  try #require(found.count == 5)
  #expect(found.map { $0["ruleId"] as? String } == [
    "binding-role-missing", "resource-unknown", "risky-grant", "resource-unknown", "resource-unknown",
  ])
  #expect(found.map { $0["level"] as? String } == ["error", "warning", "note", "warning", "warning"])
  #expect(artifactURIs(locations(found[0])) == ["manifests/rbac.yaml"])
  #expect(artifactURIs(locations(found[1])) == ["manifests/dev.yaml"])
  #expect(artifactURIs(locations(found[2])) == ["manifests/dev.yaml"])
  let region = (locations(found[0]).first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
  #expect(region?["startLine"] as? Int == 14)
  #expect((locations(found[1]).first?["physicalLocation"] as? [String: Any])?["region"] == nil, "no line, no region")
  #expect(logicalNames(found[0]) == [#"ClusterRoleBinding "ci""#])
  // Neither a file nor an object: no location at all; standard input: the object only.
  #expect(locations(found[3]).isEmpty)
  #expect(artifactURIs(locations(found[4])).isEmpty && logicalNames(found[4]) == [#"Role "x/y""#])
  let message = (found[0]["message"] as? [String: Any])?["text"] as? String
  #expect(message == #"ClusterRoleBinding "ci": refers to ClusterRole "deployer", which does not exist"#)
}

@Test func lintSARIFWithoutFindingsIsAValidEmptyRun() throws {
  let run = try sarifRun(try Renderer.render(LintReport(findings: []), as: .sarif))
  #expect(ruleIds(run).isEmpty)
  #expect(results(run).isEmpty)
}

// MARK: - audit

@Test func auditSARIFReportsOpenFindingsAtTheirBindingsFiles() throws {
  let grant = Evidence(
    binding: #"ClusterRoleBinding "ci-admin""#, role: #"ClusterRole "cluster-admin""#, rule: "rule 0 {verbs: [*]}")
  let viaRole = Evidence(
    binding: #"RoleBinding "dev/exec""#, role: #"Role "dev/exec""#, rule: "rule 0 {verbs: [create]}",
    namespace: "dev")
  let report = AuditReport(
    snapshot: "s",
    entries: [
      AuditReport.Entry(
        identity: .serviceAccount(namespace: "ci", name: "deployer"), score: 100, stepsToClusterAdmin: 1,
        firstStep: Edge(from: .serviceAccount(namespace: "ci", name: "deployer"), to: .clusterAdmin, primitive: "wildcard-admin", evidence: []),
        findings: [
          AuditReport.Finding(id: .adminEquivalent, evidence: grant, accepted: false),
          AuditReport.Finding(id: .wildcardRule, evidence: grant, accepted: false),
          AuditReport.Finding(id: .readsAllSecrets, evidence: grant, accepted: true),
        ], workloads: [], onEveryNode: false, tags: []),
      AuditReport.Entry(
        identity: .user("dev-lead"), score: 40, stepsToClusterAdmin: 3,
        firstStep: Edge(from: .user("dev-lead"), to: .node, primitive: "pod-exec", evidence: [viaRole]),
        findings: [AuditReport.Finding(id: .reachesNode, evidence: Evidence(note: "privileged pod"), accepted: false)],
        workloads: [], onEveryNode: false, tags: ["team:dev"]),
    ],
    bindingFiles: [
      #"ClusterRoleBinding "ci-admin""#: underWorkingDirectory("rbac/ci.yaml"),
      #"RoleBinding "dev/exec""#: "./rbac/dev.yaml",
    ])
  let run = try sarifRun(try Renderer.render(report, as: .sarif))
  #expect(Set(ruleIds(run)) == Set(IdentityRisk.Finding.allCases.map(\.rawValue)))
  let found = results(run)
  // The accepted finding is not reported.
  #expect(found.map { $0["ruleId"] as? String } == ["admin-equivalent", "wildcard-rule", "reaches-node"])
  #expect(found.map { $0["level"] as? String } == ["error", "warning", "warning"])
  #expect(artifactURIs(locations(found[0])) == ["rbac/ci.yaml"])
  #expect(logicalNames(found[0]) == ["sa:ci:deployer"])
  // A finding whose own evidence names no binding is located at the bindings of its identity's first step.
  #expect(artifactURIs(locations(found[2])) == ["rbac/dev.yaml"])
  #expect(logicalNames(found[2]) == ["user:dev-lead"])
  let message = (found[0]["message"] as? [String: Any])?["text"] as? String
  #expect(message?.hasPrefix("sa:ci:deployer: ") == true)
  #expect(message?.contains(#"ClusterRoleBinding "ci-admin""#) == true)
  #expect((found[0]["properties"] as? [String: Any])?["score"] as? Int == 100)
}

// MARK: - check

@Test func checkSARIFReportsEachFailureOfAnAssertionAtThePolicyFile() throws {
  let report = CheckReport(
    policy: "policies/prod.yaml", snapshot: "s",
    results: [
      CheckReport.Result(index: 1, assertion: "cannot", statement: "sa:ci:* cannot get secrets", failures: [
        CheckReport.Failure(
          message: "sa:ci:deployer can", evidence: [Evidence(binding: #"RoleBinding "ci/read""#, role: #"Role "ci/read""#)]),
        CheckReport.Failure(message: "sa:ci:builder can"),
      ]),
      CheckReport.Result(index: 2, assertion: "no-path", statement: "no path to cluster-admin", failures: []),
      CheckReport.Result(index: 3, assertion: "max-risk", statement: "risk at most 50", failures: [
        CheckReport.Failure(message: "user:bob scores 90")
      ]),
    ])
  let run = try sarifRun(try Renderer.render(report, as: .sarif))
  #expect(Set(ruleIds(run)) == ["can", "cannot", "only", "no-path", "max-risk"])
  let found = results(run)
  #expect(found.map { $0["ruleId"] as? String } == ["cannot", "cannot", "max-risk"])
  #expect(found.allSatisfy { $0["level"] as? String == "error" })
  #expect(found.allSatisfy { artifactURIs(locations($0)) == ["policies/prod.yaml"] })
  let first = (found[0]["message"] as? [String: Any])?["text"] as? String
  #expect(first?.hasPrefix("sa:ci:* cannot get secrets: sa:ci:deployer can") == true)
  #expect(first?.contains(#"RoleBinding "ci/read""#) == true)
}

@Test func checkSARIFNamesThePolicyFileRelativeToTheCheckout() throws {
  let cwd = FileManager.default.currentDirectoryPath
  for given in [cwd + "/policies/prod.yaml", "./policies/prod.yaml"] {
    let report = CheckReport(
      policy: given, snapshot: "s",
      results: [
        CheckReport.Result(index: 1, assertion: "cannot", statement: "sa:ci:* cannot get secrets", failures: [
          CheckReport.Failure(message: "sa:ci:deployer can")
        ])
      ])
    let run = try sarifRun(try Renderer.render(report, as: .sarif))
    #expect(results(run).map { artifactURIs(locations($0)) } == [["policies/prod.yaml"]], "given \(given)")
  }
}
