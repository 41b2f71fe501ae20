// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing
import Yams

/// A database with the semantics fixture ingested as snapshot "cases", shared by the tests that only read it. Built
/// once; a failure fails each test that reads it (`try casesDB()`), with rolecall's stderr.
private let casesDBResult = Result {
  try ingestedDatabase("cases.db", [["ingest", "fixtures/cases/semantics.yaml", "--snapshot", "cases"]])
}
private func casesDB() throws -> String { try casesDBResult.get() }

/// The Kubernetes default roles and bindings, as snapshot "bootstrap".
private let bootstrapDBResult = Result {
  try ingestedDatabase("bootstrap.db", [["ingest", "fixtures/bootstrap", "--snapshot", "bootstrap", "-q"]])
}
private func bootstrapDB() throws -> String { try bootstrapDBResult.get() }

private func rolecall(_ arguments: String..., db: String? = nil, stdin: String? = nil) throws -> RunResult {
  try runRolecall(arguments + ["--db", try db ?? casesDB()], stdin: stdin.map { Data($0.utf8) })
}

private func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
  if let mismatch = goldenMismatch(text, suite: "RolecallCLITests", name: name) {
    Issue.record(Comment(rawValue: mismatch), sourceLocation: sourceLocation)
  }
}

// MARK: - ingest

@Test func ingestSummarizesOnStderrAndPrintsNothingOnStdout() throws {
  let path = try temporaryDirectory().appendingPathComponent("x.db").path
  let result = try runRolecall(["ingest", "fixtures/cases/semantics.yaml", "--snapshot", "cases", "--db", path])
  #expect(result.status == 0)
  #expect(result.stdout == "")
  expectGolden(result.stderr, "ingest-cases.txt")
}

@Test func badInputFailsWithOneLineAndWritesNothing() throws {
  let path = try temporaryDirectory().appendingPathComponent("bad.db").path
  let good = try runRolecall(["ingest", "fixtures/cases/semantics.yaml", "--snapshot", "good", "--db", path])
  #expect(good.status == 0)
  let bad = try runRolecall(["ingest", "fixtures/cases/semantics.yaml", "fixtures/cases/bad/verbs-not-a-list.yaml",
    "--snapshot", "bad", "--db", path])
  #expect(bad.status == 2)
  #expect(bad.stderr == "rolecall: error: fixtures/cases/bad/verbs-not-a-list.yaml, document 1, field rules[0].verbs (line 8): expected a list\n")
  let list = try runRolecall(["snapshots", "--db", path, "-o", "json"])
  #expect(list.stdout.contains("\"good\"") && !list.stdout.contains("\"bad\""))
}

@Test func ingestReadsStdin() throws {
  let path = try temporaryDirectory().appendingPathComponent("stdin.db").path
  let yaml = try String(contentsOfFile: fixture("cases/semantics.yaml"), encoding: .utf8)
  let result = try runRolecall(["ingest", "-", "--snapshot", "s", "--db", path, "-q"], stdin: Data(yaml.utf8))
  #expect(result.status == 0 && result.stderr == "")
  #expect(try runRolecall(["can-i", "get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs", "--db", path]).stdout == "yes\n")
}

@Test func commandsWithoutADatabaseSayWhatToDo() throws {
  let path = try temporaryDirectory().appendingPathComponent("none.db").path
  // Commands that read, and those that write to a database that must already exist, never create one: a typo in
  // --db is an error.
  for command in [["who-can", "get", "pods"], ["snapshots"], ["snapshots", "rm", "x"], ["query", "cluster-admins", "--write"]] {
    let result = try runRolecall(command + ["--db", path])
    #expect(result.status == 2, "\(command)")
    #expect(
      result.stderr == "rolecall: error: no database at \(path): run `rolecall ingest FILE...` first (or pass --db PATH / set ROLECALL_DB)\n",
      "\(command)")
    #expect(!FileManager.default.fileExists(atPath: path), "\(command)")
  }
}

// MARK: - can-i

private let canICases: [([String], Int32)] = [
  (["get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs"], 0),
  (["get", "pods", "-n", "dev", "--as", "bob", "--as-group", "devs"], 1),
  (["list", "deploy", "-n", "prod", "--as", "bob", "--as-group", "devs"], 0),  // aggregated through matchExpressions
  (["get", "po/log", "-n", "prod", "--as", "bob", "--as-group", "devs"], 0),
  (["get", "secrets", "db-password", "-n", "prod", "--as", "system:serviceaccount:prod:deployer"], 0),
  (["get", "secrets", "other", "-n", "prod", "--as", "system:serviceaccount:prod:deployer"], 1),
  (["list", "secrets", "-n", "prod", "--as", "system:serviceaccount:prod:deployer"], 1),
  (["create", "pods", "-n", "prod", "--subresource", "exec", "--as", "system:serviceaccount:ci:builder"], 0),
  (["create", "deployments.v1.apps", "-n", "prod", "--as", "system:serviceaccount:ci:builder"], 0),
  (["create", "deployments", "-n", "prod", "--as", "mallory"], 1),  // ClusterRoleBinding to a Role
  (["get", "/metrics", "--as", "alice"], 0),
  (["get", "/metrics", "--as", "system:anonymous"], 1),
  (["get", "/logs/kube-apiserver.log", "--as", "alice"], 0),
  (["delete", "nodes", "--as", "root", "--as-group", "system:masters"], 0),
  (["escalate", "clusterroles.rbac.authorization.k8s.io", "--as", "p", "--as-group", "platform"], 0),
  (["list", "secrets", "-A", "--as", "system:serviceaccount:velero:velero"], 0),
  (["list", "secrets", "-A", "--as", "system:serviceaccount:prod:deployer"], 1),
]

@Test(arguments: canICases)
func canIAnswersWithExitCodes(arguments: [String], status: Int32) throws {
  let result = try runRolecall(["can-i"] + arguments + ["--db", try casesDB()])
  #expect(result.status == status, "\(arguments): \(result.stderr)")
  #expect(result.stdout == (status == 0 ? "yes\n" : "no\n"))
}

@Test func canIExplainsWithBindingRoleAndRule() throws {
  expectGolden(
    try rolecall("can-i", "list", "deployments.apps", "-n", "prod", "--as", "bob", "--as-group", "devs", "--explain").stdout,
    "can-i-aggregated-wide.txt")
  expectGolden(
    try rolecall("can-i", "list", "secrets", "-n", "prod", "--as", "system:serviceaccount:prod:deployer", "-o", "wide").stdout,
    "can-i-denied-wide.txt")
  expectGolden(
    try rolecall("can-i", "get", "secrets", "--as", "root", "--as-group", "system:masters", "-o", "wide").stdout,
    "can-i-masters-wide.txt")
}

@Test func canIJSONCarriesTheDecisionAndItsGrants() throws {
  let result = try rolecall("can-i", "get", "secrets", "db-password", "-n", "prod", "--as", "alice", "-o", "json")
  #expect(result.status == 0)
  let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  #expect(json["allowed"] as? Bool == true)
  let grants = try #require(json["grants"] as? [[String: Any]])
  let grant = try #require(grants.first)
  let binding = try #require(grant["binding"] as? [String: String])
  #expect(binding["name"] == "deployer-secrets")
  let rule = try #require(grant["rule"] as? [String: [String]])
  #expect(rule["resourceNames"] == ["db-password"])
}

@Test func unknownIdentitiesAreEvaluatedWithANote() throws {
  let result = try rolecall("can-i", "get", "/metrics", "--as", "nobody-here")
  #expect(result.status == 0)
  #expect(result.stderr == "warning: no binding names \"nobody-here\"; its permissions come only from its groups (system:authenticated)\n")
}

@Test func canIListMergesRules() throws {
  expectGolden(try rolecall("can-i", "--list", "--as", "bob", "--as-group", "devs", "-n", "prod").stdout, "can-i-list.txt")
  expectGolden(try rolecall("can-i", "--list", "--as", "bob", "--as-group", "devs", "-n", "prod", "-o", "wide").stdout,
    "can-i-list-wide.txt")
}

@Test func canIUsageErrors() throws {
  let noUser = try rolecall("can-i", "get", "pods")
  #expect(noUser.status == 64 && noUser.stderr.hasPrefix("Error: --as USER is required: rolecall has no current user to assume\n"))
  let noSnapshot = try rolecall("can-i", "get", "pods", "--as", "a", "--snapshot", "nope")
  #expect(noSnapshot.status == 2 && noSnapshot.stderr.contains("no snapshot named \"nope\""))
}

// MARK: - batch

@Test func canIBatchAnswersEveryLineInOrderLiterally() throws {
  let input = """
    {"user":"bob","groups":["devs"],"verb":"get","apiGroup":"","resource":"pods","namespace":"prod"}
    {"user":"bob","groups":["devs"],"verb":"get","resource":"pods","namespace":"dev"}

    {"user":"alice","groups":[],"verb":"get","nonResourceURL":"/metrics"}
    {"user":"alice","groups":["system:authenticated"],"verb":"get","nonResourceURL":"/metrics"}
    {"user":"x","groups":["system:masters"],"verb":"delete","resource":"nodes"}
    {"user":"system:serviceaccount:prod:deployer","verb":"get","resource":"secrets","name":"db-password","namespace":"prod"}
    {}
    """
  // The last line is not a request: the whole batch fails before any answer is printed.
  let bad = try rolecall("can-i", "--batch", "-", stdin: input)
  #expect(bad.status == 2 && bad.stdout == "" && bad.stderr == "rolecall: error: line 8: field verb: required\n")
  let good = try rolecall("can-i", "--batch", "-", stdin: String(input.dropLast(3)))
  #expect(good.status == 0)
  #expect(good.stdout == """
    {"user":"bob","groups":["devs"],"verb":"get","apiGroup":"","resource":"pods","namespace":"prod","allowed":true}
    {"user":"bob","groups":["devs"],"verb":"get","resource":"pods","namespace":"dev","allowed":false}
    {"user":"alice","groups":[],"verb":"get","nonResourceURL":"/metrics","allowed":false}
    {"user":"alice","groups":["system:authenticated"],"verb":"get","nonResourceURL":"/metrics","allowed":true}
    {"user":"x","groups":["system:masters"],"verb":"delete","resource":"nodes","allowed":true}
    {"user":"system:serviceaccount:prod:deployer","verb":"get","resource":"secrets","name":"db-password","namespace":"prod","allowed":true}

    """)
}

@Test func whoCanBatchListsSubjectsPerLine() throws {
  let result = try rolecall(
    "who-can", "--batch", "-", stdin: "{\"verb\":\"list\",\"resource\":\"secrets\",\"namespace\":\"prod\"}\n")
  #expect(result.status == 0)
  #expect(result.stdout == """
    {"verb":"list","resource":"secrets","namespace":"prod","subjects":[{"implicit":true,"kind":"Group","name":"system:masters","namespace":"","via":[]},{"implicit":false,"kind":"Group","name":"platform","namespace":"","via":[{"binding":{"kind":"ClusterRoleBinding","name":"platform-admins","namespace":""},"role":{"kind":"ClusterRole","name":"platform-admin","namespace":""}}]},{"implicit":false,"kind":"ServiceAccount","name":"argocd-application-controller","namespace":"argocd","via":[{"binding":{"kind":"ClusterRoleBinding","name":"platform-admins","namespace":""},"role":{"kind":"ClusterRole","name":"platform-admin","namespace":""}}]},{"implicit":false,"kind":"ServiceAccount","name":"velero","namespace":"velero","via":[{"binding":{"kind":"ClusterRoleBinding","name":"secret-backup","namespace":""},"role":{"kind":"ClusterRole","name":"secret-backup","namespace":""}}]}]}

    """)
}

// MARK: - who-can, perms, snapshots, query

@Test func whoCanListsSubjectsWithTheirBindings() throws {
  expectGolden(try rolecall("who-can", "get", "secrets", "db-password", "-n", "prod").stdout, "who-can-named-secret.txt")
  expectGolden(try rolecall("who-can", "create", "pods/exec", "-A", "-o", "wide").stdout, "who-can-exec-all-wide.txt")
}

/// Several verbs are answered one by one, each exactly as the same question with that verb alone.
@Test func whoCanAnswersEachVerbOfACommaSeparatedList() throws {
  struct Answer: Decodable, Equatable {
    struct Request: Decodable, Equatable { var verb: String }
    struct Allowed: Decodable, Equatable {
      struct Subject: Decodable, Equatable { var kind: String, name: String, namespace: String }
      var subject: Subject
      var implicit: Bool
    }
    var request: Request
    var subjects: [Allowed]
  }
  struct Answers: Decodable { var answers: [Answer] }
  let several = try rolecall("who-can", "watch,get,list,get", "secrets", "-n", "prod", "-o", "json")
  #expect(several.status == 0, "\(several.stderr)")
  let answers = try JSONDecoder().decode(Answers.self, from: Data(several.stdout.utf8)).answers
  #expect(answers.map(\.request.verb) == ["watch", "get", "list"])
  for answer in answers {
    let alone = try rolecall("who-can", answer.request.verb, "secrets", "-n", "prod", "-o", "json")
    #expect(try JSONDecoder().decode(Answer.self, from: Data(alone.stdout.utf8)) == answer)
  }
  let table = try rolecall("who-can", "get,list", "secrets", "-n", "prod").stdout
  #expect(table.hasPrefix("get secrets in namespace \"prod\":\nKIND"))
  #expect(table.contains("\n\nlist secrets in namespace \"prod\":\nKIND"))
  let bad = try rolecall("who-can", "get,", "secrets")
  #expect(bad.status == 64 && bad.stderr.contains("every verb of a comma-separated list must be named"))
}

/// `--expand` replaces a group by the members the snapshot knows, each saying how it belongs; a group whose members
/// only an identity provider knows stays listed as itself.
@Test func whoCanExpandNamesTheKnownMembersOfEachGroup() throws {
  let dir = try temporaryDirectory()
  let manifests = dir.appendingPathComponent("groups.yaml")
  try """
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: builder, namespace: ci}
    ---
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: tester, namespace: ci}
    ---
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: deployer, namespace: prod}
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: aws-auth, namespace: kube-system}
    data:
      mapRoles: |
        - rolearn: arn:aws:iam::111122223333:role/ops
          username: ops
          groups: [ops-team]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: pod-reader}
    rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: ci-accounts-read-pods, namespace: ci}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
    subjects:
    - {kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
    - {kind: Group, name: ops-team, apiGroup: rbac.authorization.k8s.io}
    - {kind: Group, name: "oidc:devs", apiGroup: rbac.authorization.k8s.io}
    """.write(to: manifests, atomically: true, encoding: .utf8)
  let db = dir.appendingPathComponent("groups.db").path
  #expect(try runRolecall(["ingest", manifests.path, "--db", db, "-q"]).status == 0)
  struct Answer: Decodable {
    struct Member: Decodable { var group: String, through: String, subject: Subject }
    struct Subject: Decodable { var kind: String, name: String, namespace: String }
    var members: [Member]?
  }
  let json = try rolecall("who-can", "get", "pods", "-n", "ci", "--expand", "-o", "json", db: db)
  #expect(json.status == 0, "\(json.stderr)")
  let members = try #require(try JSONDecoder().decode(Answer.self, from: Data(json.stdout.utf8)).members)
  #expect(members.map { "\($0.group) \($0.subject.kind) \($0.subject.namespace)/\($0.subject.name) \($0.through)" } == [
    "system:serviceaccounts:ci ServiceAccount ci/builder service account",
    "system:serviceaccounts:ci ServiceAccount ci/tester service account",
    "ops-team User /ops aws-auth mapRoles arn:aws:iam::111122223333:role/ops",
  ])
  let table = try rolecall("who-can", "get", "pods", "-n", "ci", "--expand", db: db).stdout
  let builder = table.split(separator: "\n").filter { $0.contains(" builder ") }
  #expect(builder.count == 1 && builder[0].contains("member of \"system:serviceaccounts:ci\" (service account): RoleBinding"))
  #expect(table.contains("(no member known to the snapshot) RoleBinding \"ci/ci-accounts-read-pods\""))
  #expect(!table.contains("deployer"))
  // Without --expand the answer is the binding subjects, as before.
  let plain = try rolecall("who-can", "get", "pods", "-n", "ci", "-o", "json", db: db).stdout
  #expect(try JSONDecoder().decode(Answer.self, from: Data(plain.utf8)).members == nil)
}

@Test func permsShowsEverythingASubjectCanDoAndWhy() throws {
  expectGolden(try rolecall("perms", "sa:ci:builder", "-o", "wide").stdout, "perms-builder-wide.txt")
  expectGolden(try rolecall("perms", "user:bob", "--as-group", "devs").stdout, "perms-bob.txt")
  let bad = try rolecall("perms", "bob")
  #expect(bad.status == 2)
  #expect(bad.stderr.hasPrefix("rolecall: error: cannot read subject \"bob\""))
}

@Test func permsYAMLAndJSONAgree() throws {
  let json = try rolecall("perms", "system:serviceaccount:prod:deployer", "-o", "json")
  let yaml = try rolecall("perms", "system:serviceaccount:prod:deployer", "-o", "yaml")
  #expect(json.status == 0 && yaml.status == 0)
  #expect(json.stdout.contains("\"resourceNames\" : [\n        \"db-password\""))
  // The same values, whatever the spacing: both decoded and written again as canonical JSON.
  func canonical(_ value: Any) throws -> Data { try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) }
  let fromJSON = try canonical(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)))
  let fromYAML = try canonical(try #require(try Yams.load(yaml: yaml.stdout)))
  #expect(fromJSON == fromYAML)
  #expect(fromJSON.count > 200)
}

@Test func snapshotsAndQueries() throws {
  let list = try rolecall("snapshots", "-o", "json")
  let snapshots = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
  let names = try snapshots.map { try #require($0["name"] as? String) }
  #expect(names == ["cases"])
  #expect(snapshots[0]["roleBindings"] as? Int == 4)
  expectGolden(try rolecall("query", "cluster-admins").stdout, "query-cluster-admins.txt")
  let dir = try temporaryDirectory()
  let sameNames = dir.appendingPathComponent("same-names.sql")
  try "SELECT b.name, r.name FROM binding b JOIN role r ON r.snapshot_id = b.snapshot_id AND r.name = b.role_name WHERE b.snapshot_id = :snapshot AND b.name = :binding"
    .write(to: sameNames, atomically: true, encoding: .utf8)
  let json = try rolecall("query", sameNames.path, "--param", "binding=ci-deploy", "-o", "json")
  #expect(json.status == 0)
  #expect(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]] == [["name": "ci-deploy", "name_2": "deploy"]])
  let listQueries = try rolecall("query", "--list")
  #expect(listQueries.stdout.contains("dangling-bindings"))
}

@Test func userSQLThatWritesIsRefused() throws {
  let dir = try temporaryDirectory()
  let sql = dir.appendingPathComponent("evil.sql")
  try "DELETE FROM binding WHERE snapshot_id = :snapshot".write(to: sql, atomically: true, encoding: .utf8)
  let result = try rolecall("query", sql.path)
  #expect(result.status == 2)
  #expect(result.stderr.contains("readonly") || result.stderr.contains("read-only"))
  #expect(try rolecall("can-i", "get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs").stdout == "yes\n")
}

// MARK: - Facts of the Kubernetes default roles

@Test func defaultRolesWhoCanMintServiceAccountTokens() throws {
  let result = try rolecall("who-can", "create", "serviceaccounts/token", "-A", db: try bootstrapDB())
  expectGolden(result.stdout, "bootstrap-who-can-token.txt")
}

private let defaultRoleCases: [([String], Int32)] = [
  (["create", "pods/binding", "-n", "x", "--as", "system:kube-scheduler"], 0),
  (["get", "secrets", "-n", "x", "--as", "system:kube-scheduler"], 1),
  (["update", "configmaps", "kube-scheduler", "-n", "kube-system", "--as", "system:kube-scheduler"], 0),
  (["update", "configmaps", "other", "-n", "kube-system", "--as", "system:kube-scheduler"], 1),
  (["escalate", "clusterroles.rbac.authorization.k8s.io", "--as", "system:serviceaccount:kube-system:clusterrole-aggregation-controller"], 0),
  (["create", "serviceaccounts/token", "-n", "kube-system", "--as", "system:kube-controller-manager"], 0),
  (["get", "/healthz", "--as", "system:anonymous"], 0),
  (["create", "selfsubjectaccessreviews.authorization.k8s.io", "--as", "anyone"], 0),
  (["list", "secrets", "-A", "--as", "system:serviceaccount:kube-system:default"], 1),
]

@Test(arguments: defaultRoleCases)
func defaultRoleFacts(arguments: [String], status: Int32) throws {
  let result = try runRolecall(["can-i"] + arguments + ["--db", try bootstrapDB()])
  #expect(result.status == status, "\(arguments)")
}

@Test func helpTeaches() throws {
  let result = try runRolecall(["--help"])
  #expect(result.status == 0)
  expectGolden(result.stdout, "help.txt")
}

@Test func batchLinesOfEveryValidShapeGetTheSameAnswer() throws {
  // The same request written the plain way (fast path) and with escapes, nulls, spacing and unknown members
  // (JSONDecoder path): every line must be read, and read alike.
  let input = """
    {"user":"system:serviceaccount:prod:deployer","verb":"get","resource":"secrets","name":"db-password","namespace":"prod"}
    { "user" : "system:serviceaccount:prod:deployer" , "verb" : "get" , "resource" : "secrets" , "name" : "db-password" , "namespace" : "prod" }
    {"user":"system:serviceaccount:prod:deployer","verb":"get","resource":"secrets","name":"db\\u002dpassword","namespace":"prod","subresource":null,"extra":{"n":1}}
    {"user":"system:serviceaccount:prod:deployer","verb":"get","resource":"secrets","name":"db-password","namespace":"prod","groups":null}
    {"user":"system:serviceaccount:prod:deployer","verb":"get","resource":"secrets","name":"other","namespace":"prod","count":3}
    """
  let result = try rolecall("can-i", "--batch", "-", stdin: input + "\n")
  #expect(result.status == 0, "\(result.stderr)")
  let answers = result.stdout.split(separator: "\n").map { $0.hasSuffix("\"allowed\":true}") }
  #expect(answers == [true, true, true, true, false])
  let wrongType = try rolecall("can-i", "--batch", "-", stdin: "{\"user\":\"a\",\"verb\":5,\"resource\":\"pods\"}\n")
  #expect(wrongType.status == 2 && wrongType.stderr == "rolecall: error: line 1: field verb: wrong type\n")
  let notJSON = try rolecall("can-i", "--batch", "-", stdin: "{\"user\":\"a\",\n")
  #expect(notJSON.status == 2 && notJSON.stderr == "rolecall: error: line 1: not a JSON object\n")
}

@Test func databaseFromEnvironmentAndSnapshotSelection() throws {
  let path = try temporaryDirectory().appendingPathComponent("env.db").path
  let env = ["ROLECALL_DB": path]
  #expect(try runRolecall(["ingest", "fixtures/cases/semantics.yaml", "--snapshot", "old", "-q"], environment: env).status == 0)
  // The newer snapshot drops the binding that lets bob read pods in prod.
  let yaml = try String(contentsOfFile: fixture("cases/semantics.yaml"), encoding: .utf8)
    .replacingOccurrences(of: "  name: devs\n", with: "  name: nobody\n")
  #expect(try runRolecall(["ingest", "-", "--snapshot", "new", "-q"], stdin: Data(yaml.utf8), environment: env).status == 0)
  let ask = ["can-i", "get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs"]
  #expect(try runRolecall(ask, environment: env).stdout == "no\n")  // the latest snapshot
  #expect(try runRolecall(ask + ["--snapshot", "old"], environment: env).stdout == "yes\n")
  #expect(try runRolecall(["snapshots", "rm", "new"], environment: env).status == 0)
  #expect(try runRolecall(ask, environment: env).stdout == "yes\n")
}

@Test func emptyAndBinaryInputs() throws {
  let dir = try temporaryDirectory()
  let empty = dir.appendingPathComponent("empty.yaml")
  try Data().write(to: empty)
  let binary = dir.appendingPathComponent("binary.yaml")
  try Data([0xFF, 0xFE, 0x00, 0x81, 0x92]).write(to: binary)
  let db = dir.appendingPathComponent("x.db").path
  // An empty input is an error (a failed `helm template | rolecall ingest -` must not read as "no changes"), and
  // nothing is written, unless an empty snapshot is asked for.
  let refused = try runRolecall(["ingest", empty.path, "--db", db, "--snapshot", "empty"])
  #expect(refused.status == 2 && refused.stderr.contains("no objects read from \(empty.path)"))
  #expect(!FileManager.default.fileExists(atPath: db))
  let fromStdin = try runRolecall(["ingest", "-", "--db", db], stdin: Data())
  #expect(fromStdin.status == 2 && fromStdin.stderr.contains("no objects read from stdin"))
  let ok = try runRolecall(["ingest", empty.path, "--db", db, "--snapshot", "empty", "--allow-empty"])
  #expect(ok.status == 0)
  #expect(ok.stderr.hasPrefix("snapshot \"empty\": 0 ClusterRoles"))
  let bad = try runRolecall(["ingest", binary.path, "--db", db])
  #expect(bad.status == 2 && bad.stderr == "rolecall: error: \(binary.path): syntax error: not UTF-8 text\n")
  let none = try runRolecall(["ingest", dir.appendingPathComponent("nothing-here").path, "--db", db])
  #expect(none.status == 2 && none.stderr.hasSuffix("nothing-here: cannot read: no such file or directory\n"))
}
