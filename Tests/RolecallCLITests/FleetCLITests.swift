// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

/// A user that one ClusterRoleBinding lets read secrets and impersonate any user and group (system:masters, then
/// cluster-admin: two steps), laid over the semantics fixture in prod-eu's second snapshot and in staging.
private let probeGrant = """
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: fleet-secret-reader}
  rules:
  - {apiGroups: [""], resources: [secrets], verbs: [get]}
  - {apiGroups: [""], resources: [users, groups], verbs: [impersonate]}
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: fleet-probe}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: fleet-secret-reader}
  subjects:
  - {kind: User, name: fleet-probe}
  """

/// Three clusters and a snapshot that belongs to none: prod-eu twice (the probe's grant only in the later
/// snapshot), prod-us, and staging, which has the grant but no region label. The snapshots after the first two are
/// taken at least a second later (creation times are written to the second), so that a time lies between eu-old and
/// eu-new.
private let fleetDBResult = Result { () throws -> String in
  let grant = try temporaryDirectory().appendingPathComponent("grant.yaml")
  try probeGrant.write(to: grant, atomically: true, encoding: .utf8)
  let semantics = "fixtures/cases/semantics.yaml"
  let path = try ingestedDatabase(
    "fleet.db",
    [
      ["ingest", semantics, "--snapshot", "eu-old", "--label", "cluster=prod-eu", "--label", "env=prod",
       "--label", "region=eu"],
      ["ingest", semantics, "--snapshot", "us", "--label", "cluster=prod-us", "--label", "env=prod",
       "--label", "region=us"],
    ])
  Thread.sleep(forTimeInterval: 1.1)
  for arguments in [
    ["ingest", grant.path, "--base", "eu-old", "--snapshot", "eu-new"],
    ["ingest", semantics, grant.path, "--snapshot", "stg", "--label", "cluster=staging", "--label", "env=staging"],
    ["ingest", grant.path, "--snapshot", "loose"],
  ] {
    let result = try runRolecall(arguments + ["--db", path, "-q"])
    guard result.status == 0 else { throw FixtureError("fleet.db: \(arguments): \(result.stderr)") }
  }
  return path
}

private func rolecall(_ arguments: String...) throws -> RunResult {
  try runRolecall(arguments + ["--db", try fleetDBResult.get()])
}

private struct FleetAnswers: Decodable {
  struct Answer: Decodable {
    var cluster: String
    var snapshot: String
  }
  var answers: [Answer]
}

private func clusters(_ result: RunResult) throws -> [String] {
  try JSONDecoder().decode(FleetAnswers.self, from: Data(result.stdout.utf8)).answers.map(\.cluster)
}

@Test func whoCanAsksTheLatestSnapshotOfEveryMatchingCluster() throws {
  let json = try rolecall("who-can", "get", "secrets", "-n", "kube-system", "--clusters", "env=prod", "-o", "json")
  #expect(json.status == 0, "\(json.stderr)")
  let answers = try JSONDecoder().decode(FleetAnswers.self, from: Data(json.stdout.utf8)).answers
  // prod-eu's later snapshot inherits its cluster label from the base it was laid over.
  #expect(answers.map(\.cluster) == ["prod-eu", "prod-us"])
  #expect(answers.map(\.snapshot) == ["eu-new", "us"])

  let table = try rolecall("who-can", "get", "secrets", "-n", "kube-system", "--clusters", "env=prod")
  let lines = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
  #expect(lines.first?.first == "CLUSTER")
  // Each cluster's rows start under its name; the probe is allowed in prod-eu's latest snapshot, not in prod-us.
  var cluster = ""
  var probeIn: [String] = []
  for line in lines.dropFirst() {
    if ["prod-eu", "prod-us"].contains(String(line[0])) { cluster = String(line[0]) }
    if line.contains("fleet-probe") { probeIn.append(cluster) }
  }
  #expect(probeIn == ["prod-eu"], "\(table.stdout)")
}

@Test(arguments: [
  ("all", ["prod-eu", "prod-us", "staging"]),
  ("region in (us)", ["prod-us"]),
  ("region notin (us)", ["prod-eu", "staging"]),
  ("!region", ["staging"]),
  ("env!=prod", ["staging"]),
  ("env==prod, region", ["prod-eu", "prod-us"]),
])
func theSelectorPicksClustersByTheirLabels(selector: String, expected: [String]) throws {
  let result = try rolecall("who-can", "get", "secrets", "--clusters", selector, "-o", "json")
  #expect(result.status == 0, "\(result.stderr)")
  #expect(try clusters(result) == expected)
}

@Test func canIAnswersPerClusterAndSaysYesOnlyWhenEveryClusterDoes() throws {
  let all = try rolecall("can-i", "get", "secrets", "-n", "kube-system", "--as", "fleet-probe", "--clusters", "all")
  #expect(all.status == 1, "\(all.stdout)\(all.stderr)")
  let rows = all.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
  #expect(rows.first == ["CLUSTER", "ALLOWED", "VIA"])
  #expect(rows.dropFirst().filter { $0.count >= 2 }.prefix(3).map { [$0[0], $0[1]] }
    == [["prod-eu", "yes"], ["prod-us", "no"], ["staging", "yes"]], "\(all.stdout)")
  #expect(all.stdout.contains("ClusterRoleBinding \"fleet-probe\" -> ClusterRole \"fleet-secret-reader\""))

  let allowed = try rolecall(
    "can-i", "get", "secrets", "-n", "kube-system", "--as", "fleet-probe", "--clusters", "region notin (us)")
  #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
}

@Test func aSelectorThatMatchesNoClusterIsAnErrorNamingTheClusters() throws {
  let none = try rolecall("who-can", "get", "secrets", "--clusters", "env=dev")
  #expect(none.status == 2 && none.stdout.isEmpty)
  #expect(none.stderr == "rolecall: error: --clusters env=dev matches no cluster (known: prod-eu, prod-us, staging)\n")
  let canI = try rolecall("can-i", "get", "pods", "--as", "bob", "--clusters", "region=mars")
  #expect(canI.status == 2 && canI.stderr.contains("matches no cluster"))
}

@Test(arguments: [
  ["who-can", "get", "secrets", "--clusters", "env in (prod"],
  ["who-can", "get", "secrets", "--clusters", "env=prod;region=eu"],
  ["who-can", "get", "secrets", "--clusters", ""],
  ["who-can", "get", "secrets", "--clusters", "all", "--snapshot", "us"],
  ["can-i", "--list", "--as", "bob", "--clusters", "all"],
])
func badFleetUsageExits64(arguments: [String]) throws {
  let result = try runRolecall(arguments + ["--db", try fleetDBResult.get()])
  #expect(result.status == 64, "\(arguments): \(result.stderr)")
  #expect(result.stdout.isEmpty)
}

private struct DiffEnds: Decodable {
  var from: String
  var to: String
}

@Test func aClusterReferenceNamesItsLatestSnapshotOrTheLatestAtATime() throws {
  // Two clusters compared: prod-eu's latest snapshot against prod-us's.
  let diff = try rolecall("diff", "cluster=prod-eu", "cluster=prod-us", "-o", "json")
  #expect(diff.status == 0, "\(diff.stderr)")
  let ends = try JSONDecoder().decode(DiffEnds.self, from: Data(diff.stdout.utf8))
  #expect(ends.from == "eu-new" && ends.to == "us")
  // Every snapshot of this database was taken today: at the end of today's date prod-eu's latest is eu-new, and
  // before today it had none.
  let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
  let now = try rolecall("can-i", "get", "secrets", "-n", "kube-system", "--as", "fleet-probe",
                         "--snapshot", "cluster=prod-eu@\(today)")
  #expect(now.status == 0 && now.stdout == "yes\n", "\(now.stderr)")
  let before = try rolecall(
    "can-i", "get", "secrets", "--as", "fleet-probe", "--snapshot", "cluster=prod-eu@2020-01-01")
  #expect(before.status == 2)
  #expect(before.stderr == "rolecall: error: no snapshot of cluster \"prod-eu\" was taken at or before 2020-01-01\n")
  let unknown = try rolecall("diff", "cluster=prod-eu", "cluster=prod-mars")
  #expect(unknown.status == 2 && unknown.stderr.contains("no snapshot of cluster \"prod-mars\""))
  let badTime = try rolecall("diff", "cluster=prod-eu@last-week", "cluster=prod-us")
  #expect(badTime.status == 2 && badTime.stderr.contains("the time after @ must be a date"))
}

@Test func snapshotsListsTheHistoryOfTheMatchingClusters() throws {
  struct Listed: Decodable { var name: String }
  let prod = try rolecall("snapshots", "--clusters", "env=prod", "-o", "json")
  #expect(prod.status == 0, "\(prod.stderr)")
  let listed = try JSONDecoder().decode([Listed].self, from: Data(prod.stdout.utf8))
  #expect(listed.map(\.name) == ["eu-old", "eu-new", "us"])
  let everything = try rolecall("snapshots", "-o", "json")
  // Without --clusters, every snapshot, the one that belongs to no cluster too.
  #expect(try JSONDecoder().decode([Listed].self, from: Data(everything.stdout.utf8)).map(\.name)
    == ["eu-old", "us", "eu-new", "stg", "loose"])
}

@Test func pathsShowsEachClustersShortestPathAndFailsWhereThereIsNone() throws {
  let result = try rolecall("paths", "--from", "user:fleet-probe", "--clusters", "all")
  #expect(result.status == 1, "\(result.stderr)")
  let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
  #expect(rows.first == ["CLUSTER", "STEPS", "PATH"])
  #expect(rows.dropFirst().map { Array($0.prefix(3)) } == [
    ["prod-eu", "2", "user:fleet-probe"], ["prod-us", "-", "cannot"], ["staging", "2", "user:fleet-probe"],
  ], "\(result.stdout)")
  #expect(result.stdout.contains("=impersonate"))
  let reachable = try rolecall("paths", "--from", "user:fleet-probe", "--clusters", "cluster in (prod-eu,staging)")
  #expect(reachable.status == 0, "\(reachable.stdout)")
}

@Test func auditSummarizesEveryCluster() throws {
  struct Audits: Decodable {
    struct Answer: Decodable {
      struct Audit: Decodable {
        struct Entry: Decodable {
          struct Finding: Decodable { var id: String }
          var findings: [Finding]
        }
        var entries: [Entry]
      }
      var cluster: String
      var answer: Audit
    }
    var answers: [Answer]
  }
  let json = try rolecall("audit", "--clusters", "all", "-o", "json")
  #expect(json.status == 1)
  var reaching: [String: Int] = [:]
  for answer in try JSONDecoder().decode(Audits.self, from: Data(json.stdout.utf8)).answers {
    let entries = answer.answer.entries
    reaching[answer.cluster] = entries.filter { $0.findings.contains { $0.id == "reaches-cluster-admin" } }.count
  }
  let us = try #require(reaching["prod-us"])
  // The probe, which may impersonate system:masters, is one more identity that reaches cluster-admin where it is bound.
  #expect(reaching == ["prod-eu": us + 1, "prod-us": us, "staging": us + 1])

  // The table gives the same counts, one row per cluster, in the column of the finding.
  let table = try rolecall("audit", "--clusters", "all")
  let lines = table.stdout.split(separator: "\n").map(String.init)
  let header = "CLUSTER   IDENTITIES WITH OPEN FINDINGS   ADMIN-EQUIVALENT   REACHES-CLUSTER-ADMIN"
  #expect(lines.first?.hasPrefix(header) == true, "\(table.stdout)")
  for (cluster, count) in reaching {
    let row = try #require(lines.first { $0.hasPrefix(cluster + " ") }).split(separator: " ")
    #expect(Int(row[3]) == count, "\(cluster): \(row)")
  }
}

@Test func checkHoldsThePolicyAgainstEveryClusterAndFailsWhereItBreaks() throws {
  let policy = try temporaryDirectory().appendingPathComponent("policy.yaml")
  try """
    - name: only the platform team and its backups read kube-system's secrets
      only:
        verb: get
        resource: secrets
        namespace: kube-system
        subjects: ["group:platform", "sa:argocd:argocd-application-controller", "sa:velero:velero"]
    - name: devs cannot delete pods in prod
      cannot: {subject: group:devs, verb: delete, resource: pods, namespace: prod}
    """.write(to: policy, atomically: true, encoding: .utf8)
  let all = try rolecall("check", policy.path, "--clusters", "all")
  #expect(all.status == 1, "\(all.stderr)")
  let rows = all.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
  #expect(rows.first == ["CLUSTER", "RESULT", "#", "ASSERTION"])
  // The probe reads kube-system's secrets where it is bound: the first assertion fails there.
  #expect(rows.dropFirst().map { Array($0.prefix(3)) } == [
    ["prod-eu", "FAIL", "1"], ["PASS", "2", "devs"], ["prod-us", "PASS", "1"], ["PASS", "2", "devs"],
    ["staging", "FAIL", "1"], ["PASS", "2", "devs"],
  ], "\(all.stdout)")
  let us = try rolecall("check", policy.path, "--clusters", "region=us")
  #expect(us.status == 0, "\(us.stdout)")

  // An assertion about an identity one cluster does not know fails the whole answer, naming the cluster.
  try """
    - cannot: {subject: user:fleet-probe, verb: get, resource: secrets, namespace: kube-system}
    """.write(to: policy, atomically: true, encoding: .utf8)
  let unknown = try rolecall("check", policy.path, "--clusters", "all")
  #expect(unknown.status == 2 && unknown.stdout.isEmpty)
  #expect(unknown.stderr.hasPrefix("rolecall: error: cluster prod-us: "))
  #expect(unknown.stderr.contains("matches no identity"))
}

@Test func permsAndBackdoorsListEachClusterUnderItsName() throws {
  let perms = try rolecall("perms", "user:fleet-probe", "--clusters", "env=prod", "-o", "json")
  #expect(perms.status == 0, "\(perms.stderr)")
  #expect(try clusters(perms) == ["prod-eu", "prod-us"])
  let table = try rolecall("perms", "user:fleet-probe", "--clusters", "env=prod")
  // The probe's grant is in prod-eu's latest snapshot only: its rows come before prod-us's first row.
  let lines = table.stdout.split(separator: "\n").map(String.init)
  let us = try #require(lines.firstIndex { $0.hasPrefix("prod-us ") })
  #expect(lines[..<us].contains { $0.contains("secrets") } && !lines[us...].contains { $0.contains("secrets") })
  let backdoors = try rolecall("backdoors", "--clusters", "all", "-o", "json")
  #expect(backdoors.status == 0)
  #expect(try clusters(backdoors) == ["prod-eu", "prod-us", "staging"])
}

@Test func pruneDeletesWhatTheRetentionDoesNotKeepAndNeverASnapshotWithoutACluster() throws {
  let db = try temporaryDirectory().appendingPathComponent("prune.db").path
  try FileManager.default.copyItem(atPath: try fleetDBResult.get(), toPath: db)
  struct Listed: Decodable { var name: String }
  func names(_ result: RunResult) throws -> [String] {
    try JSONDecoder().decode([Listed].self, from: Data(result.stdout.utf8)).map(\.name)
  }
  // Every snapshot was taken today: one a day keeps each cluster's latest, and prod-eu's older one goes.
  let dry = try runRolecall(["snapshots", "prune", "--keep-daily", "1", "--dry-run", "-o", "json", "--db", db])
  #expect(dry.status == 0, "\(dry.stderr)")
  #expect(try names(dry) == ["eu-old"])
  #expect(try names(try runRolecall(["snapshots", "-o", "json", "--db", db])).count == 5)
  let pruned = try runRolecall(["snapshots", "prune", "--keep-daily", "1", "--db", db])
  #expect(pruned.status == 0 && pruned.stderr == "deleted 1 snapshot(s)\n", "\(pruned.stderr)")
  #expect(try names(try runRolecall(["snapshots", "-o", "json", "--db", db])) == ["us", "eu-new", "stg", "loose"])
  // Without a retention policy, nothing is deleted by omission.
  let bare = try runRolecall(["snapshots", "prune", "--db", db])
  #expect(bare.status == 64)
}

@Test func diffSinceComparesEveryClusterWithItselfThen() throws {
  struct Listed: Decodable { var name: String, createdAt: String }
  let listed = try JSONDecoder().decode([Listed].self, from: Data(try rolecall("snapshots", "-o", "json").stdout.utf8))
  // The later of the first two snapshots' times (a busy machine can write them in different seconds): eu-new and
  // stg come at least a second after both.
  let since = try #require(listed.filter { ["eu-old", "us"].contains($0.name) }.map(\.createdAt).max())
  let prod = try rolecall("diff", "--clusters", "env=prod", "--since", since, "--fail-on", "new-paths")
  #expect(prod.status == 1, "\(prod.stderr)")
  let rows = prod.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
  #expect(rows.first == ["CLUSTER", "FROM", "SUBJECTS", "CHANGED", "ALLOWED", "EVERYTHING", "NEW", "PATHS", "OBJECTS"])
  // prod-eu gained the probe's role and binding, and the probe a path; prod-us did not change.
  let eu = try #require(rows.first { $0.first == "prod-eu" })
  #expect(eu[1] == "eu-old" && Int(eu[4])! >= 1 && eu[5] == "2", "\(prod.stdout)")
  #expect(rows.first { $0.first == "prod-us" } == ["prod-us", "us", "0", "0", "0", "0"], "\(prod.stdout)")
  let wide = try rolecall("diff", "--clusters", "env=prod", "--since", since, "-o", "wide")
  #expect(wide.stdout.contains("user:fleet-probe now reaches cluster-admin"), "\(wide.stdout)")
  let us = try rolecall("diff", "--clusters", "region=us", "--since", since, "--fail-on", "any")
  #expect(us.status == 0, "\(us.stdout)")
  // staging's only snapshot is newer than that: its changes cannot be told, and the answer says so.
  let all = try rolecall("diff", "--clusters", "all", "--since", since)
  #expect(all.status == 2)
  #expect(all.stderr.hasPrefix("rolecall: error: cluster staging: "))
  #expect(all.stderr.hasSuffix("no snapshot of cluster \"staging\" was taken at or before \(since)\n"))
  #expect(try rolecall("diff", "--clusters", "all").status == 64)
  #expect(try rolecall("diff", "eu-old", "--clusters", "all", "--since", since).status == 64)
}
