// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

// Answers a new user found wrong or silently misleading (fixtures/cases/trust), each asked of every command that
// could get it wrong.

private func ingest(_ files: [String], snapshot: String = "s") throws -> String {
  let db = try temporaryDirectory().appendingPathComponent("trust.db").path
  let result = try runRolecall(["ingest"] + files.map { "fixtures/cases/trust/" + $0 } + ["--snapshot", snapshot, "--db", db, "-q"])
  #expect(result.status == 0, "\(result.stderr)")
  return db
}

/// A RoleBinding's rules on users, groups, cluster-scoped resources and non-resource URLs can never be used: the API
/// server checks those requests without a namespace. Every listing says so.
@Test func whatARoleBindingCannotGrantIsNeverAnswered() throws {
  let db = try ingest(["rolebinding-scope.yaml"])
  let x = "system:serviceaccount:default:x"
  for namespace in [[], ["-n", "default"]] {
    let groups = try runRolecall(["can-i", "impersonate", "groups", "system:masters", "--as", x, "--db", db] + namespace)
    #expect(groups.status == 1 && groups.stdout.hasPrefix("no"), "\(namespace): \(groups.stdout)")
    let users = try runRolecall(["can-i", "impersonate", "users", "alice", "--as", x, "--db", db] + namespace)
    #expect(users.status == 1, "\(namespace): \(users.stdout)")
  }
  // Impersonating a service account of the binding's namespace is namespaced, and allowed.
  #expect(try runRolecall(["can-i", "impersonate", "serviceaccounts", "x", "-n", "default", "--as", x, "--db", db]).status == 0)
  let whoCan = try runRolecall(["who-can", "impersonate", "groups", "--db", db])
  #expect(!whoCan.stdout.contains("default") && !whoCan.stdout.contains(" x "), "\(whoCan.stdout)")
  let perms = try runRolecall(["perms", "sa:default:x", "--db", db])
  #expect(perms.status == 0)
  for unusable in ["/metrics", "groups", "users", "nodes"] {
    #expect(!perms.stdout.contains(unusable), "perms lists \(unusable):\n\(perms.stdout)")
  }
  #expect(perms.stdout.contains("serviceaccounts") && perms.stdout.contains("secrets"))
  let list = try runRolecall(["can-i", "--list", "-n", "team-a", "--as", x, "--db", db])
  #expect(!list.stdout.contains("/metrics"), "\(list.stdout)")
}

/// diff shows only what can be used: a RoleBinding's role gaining a non-resource URL or a cluster-scoped resource
/// changes nothing.
@Test func diffIgnoresWhatARoleBindingCannotGrant() throws {
  let db = try ingest(["rolebinding-scope.yaml"], snapshot: "before")
  let text = try String(contentsOfFile: fixture("cases/trust/rolebinding-scope.yaml"), encoding: .utf8)
  let widened = text.replacingOccurrences(of: "resources: [secrets, nodes]", with: "resources: [secrets, nodes, persistentvolumes]")
    .replacingOccurrences(of: "nonResourceURLs: [\"/metrics\"]\n  verbs: [get]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: imp",
      with: "nonResourceURLs: [\"/metrics\", \"/logs\"]\n  verbs: [get]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: imp")
  #expect(widened != text)
  #expect(try runRolecall(["ingest", "-", "--snapshot", "after", "--db", db, "-q"], stdin: Data(widened.utf8)).status == 0)
  let diff = try runRolecall(["diff", "before", "after", "--db", db, "-o", "json"])
  let report = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
  // The Role changed; what anyone can do did not.
  #expect((report["objects"] as? [Any])?.count == 1)
  #expect((report["permissions"] as? [Any])?.isEmpty == true, "\(diff.stdout)")
}

/// A path longer than --max-depth is not "cannot reach": the answer says how far it is, and still exits 1.
@Test func pathsBeyondMaxDepthSayHowFar() throws {
  let db = try temporaryDirectory().appendingPathComponent("depth.db").path
  let dir = "fixtures/cases/escalation-gaps/"
  #expect(try runRolecall(["ingest", dir + "base.yaml", dir + "7-bind-any-clusterrole.yaml", "--db", db, "-q"]).status == 0)
  let short = try runRolecall(["paths", "--from", "sa:dev:attacker", "--max-depth", "1", "--db", db])
  #expect(short.status == 1)
  #expect(short.stdout == "sa:dev:attacker cannot reach cluster-admin within 1 step(s): the shortest path takes 2 (--max-depth)\n")
  let enough = try runRolecall(["paths", "--from", "sa:dev:attacker", "--max-depth", "2", "--db", db])
  #expect(enough.status == 0 && enough.stdout.hasPrefix("path 1: sa:dev:attacker -> cluster-admin in 2 step(s)"))
}

/// A policy whose subject or pattern matches no identity is a bad policy (exit 2, naming the file, the assertion and
/// its line), never a pass: `sa:argcd:*` has no path to anything because it is nobody.
@Test func checkRefusesPatternsThatMatchNoIdentity() throws {
  let db = try ingest(["rolebinding-scope.yaml"])
  let dir = try temporaryDirectory()
  let cases = [
    ("- no-path: {from: \"sa:argcd:*\", to: cluster-admin}\n", "field \"from\": \"sa:argcd:*\""),
    ("- cannot: {subject: \"sa:default:xx\", verb: get, resource: secrets, namespace: default}\n", "field \"subject\": \"sa:default:xx\""),
    ("- max-risk: {score: 10, identities: [\"user:nobody*\"]}\n", "field \"identities\": \"user:nobody*\""),
  ]
  for (yaml, field) in cases {
    let policy = dir.appendingPathComponent("policy.yaml")
    try ("# a policy\n" + yaml).write(to: policy, atomically: true, encoding: .utf8)
    let result = try runRolecall(["check", policy.path, "--db", db])
    #expect(result.status == 2, "\(yaml): \(result.stdout)")
    #expect(result.stderr.contains("\(policy.path): assertion 1"), "\(result.stderr)")
    #expect(result.stderr.contains("line 2") && result.stderr.contains(field), "\(result.stderr)")
  }
  // The same assertions on identities that exist are checked, and hold or fail on their merits.
  let policy = dir.appendingPathComponent("good.yaml")
  try "- no-path: {from: \"sa:default:*\", to: cluster-admin}\n".write(to: policy, atomically: true, encoding: .utf8)
  #expect(try runRolecall(["check", policy.path, "--db", db]).status == 0)
}

/// argocd-redis and cert-manager-webhook create Secrets and read one named Secret. Minting a token secret under
/// that name reaches their namespace's accounts only while the name is free: once the add-on's own Opaque Secret
/// holds it, it cannot be created again nor turned into a token secret. paths, audit and check agree.
@Test func secretMintNeedsTheNamedSecretToBeFree() throws {
  let db = try ingest(["secret-mint-base.yaml"], snapshot: "free")
  let taken = try runRolecall(
    ["ingest", "fixtures/cases/trust/secret-mint-base.yaml", "fixtures/cases/trust/secret-mint-taken.yaml",
     "--snapshot", "taken", "--db", db, "-q"])
  #expect(taken.status == 0)
  for (account, name) in [("sa:argocd:argocd-redis", "argocd-redis"), ("sa:cert-manager:cert-manager-webhook", "cert-manager-webhook-ca")] {
    let free = try runRolecall(["paths", "--from", account, "--snapshot", "free", "--db", db])
    #expect(free.status == 0 && free.stdout.contains("-> cluster-admin in 2 step(s)"), "\(free.stdout)")
    #expect(free.stdout.contains("only by creating a Secret named \(name) first"), "\(free.stdout)")
    let none = try runRolecall(["paths", "--from", account, "--snapshot", "taken", "--db", db])
    #expect(none.status == 1 && none.stdout == "\(account) cannot reach cluster-admin\n", "\(none.stdout)")
    let audit = try runRolecall(["audit", "--snapshot", "taken", "--db", db, "-o", "json"])
    #expect(!audit.stdout.contains("\"\(account)\""), "\(audit.stdout)")
    let policy = try temporaryDirectory().appendingPathComponent("p.yaml")
    try "- no-path: {from: \"\(account)\", to: cluster-admin}\n".write(to: policy, atomically: true, encoding: .utf8)
    #expect(try runRolecall(["check", policy.path, "--snapshot", "taken", "--db", db]).status == 0)
    #expect(try runRolecall(["check", policy.path, "--snapshot", "free", "--db", db]).status == 1)
  }
}

/// A CustomResourceDefinition in the input says whether its resource is namespaced: a cluster-scoped one is asked
/// cluster-wide, so a RoleBinding never grants it, whatever `-n` says.
@Test func customResourcesTakeTheirScopeFromTheirDefinition() throws {
  let db = try ingest(["custom-resources.yaml"])
  func canI(_ args: [String]) throws -> RunResult { try runRolecall(["can-i"] + args + ["--db", db]) }
  let alice = try canI(["get", "clusterissuers.cert-manager.io", "-n", "foo", "--as", "alice"])
  #expect(alice.status == 1 && alice.stderr.contains("clusterissuers is cluster-scoped"), "\(alice.stderr)")
  #expect(!alice.stderr.contains("taken as"))
  #expect(try canI(["get", "ciss", "--as", "bob"]).status == 0)  // short names from the definition
  #expect(try canI(["get", "iss", "-n", "foo", "--as", "alice"]).status == 0)
  #expect(try canI(["get", "iss", "-n", "bar", "--as", "alice"]).status == 1)
  let perms = try runRolecall(["perms", "user:alice", "--db", db])
  #expect(perms.stdout.contains("issuers.cert-manager.io") && !perms.stdout.contains("clusterissuers"), "\(perms.stdout)")
  let whoCan = try runRolecall(["who-can", "get", "clusterissuers.cert-manager.io", "--db", db])
  #expect(whoCan.stdout.contains("bob") && !whoCan.stdout.contains("alice"), "\(whoCan.stdout)")
  // A definition without a valid scope is refused, naming the field.
  let bad = try runRolecall(
    ["ingest", "-", "--db", db], stdin: Data("""
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: widgets.example.com}
      spec: {group: example.com, names: {plural: widgets, kind: Widget}, scope: Global}
      """.utf8))
  #expect(bad.status == 2 && bad.stderr.contains("field spec.scope: \"Global\" is not Namespaced or Cluster"), "\(bad.stderr)")
}

/// backdoors describes what a provider identity can do from the snapshot's rules, never from a fixed text: the VPC
/// CNI agent's ClusterRole (aws-k8s-cni v1.23.0) reads nodes and cannot update them.
@Test func backdoorsReadPowerFromTheRules() throws {
  let db = try temporaryDirectory().appendingPathComponent("eks.db").path
  #expect(try runRolecall(["ingest", "fixtures/apps/eks-addons__aws-k8s-cni.yaml", "--db", db, "-q"]).status == 0)
  let eks = try runRolecall(["backdoors", "--db", db, "-o", "json"])
  let report = try #require(try JSONSerialization.jsonObject(with: Data(eks.stdout.utf8)) as? [String: Any])
  let entries = try #require(report["entries"] as? [[String: Any]])
  let awsNode = try #require(entries.first { $0["name"] as? String == "kube-system/aws-node" })
  #expect((awsNode["power"] as? [String]) == [])
  #expect(!eks.stdout.contains("update nodes"))
  // The same catalog entry with a power the rules do give: it is named.
  let powerful = """
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: connect-agent, namespace: gke-connect}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: impersonate-users}
    rules:
    - {apiGroups: [""], resources: [users], verbs: [impersonate]}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: connect-agent}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-users}
    subjects:
    - {kind: ServiceAccount, name: connect-agent, namespace: gke-connect}
    - {kind: User, name: alice}
    """
  #expect(try runRolecall(["ingest", "-", "--snapshot", "gke", "--db", db, "-q"], stdin: Data(powerful.utf8)).status == 0)
  let gke = try runRolecall(["backdoors", "--snapshot", "gke", "--db", db])
  #expect(gke.stdout.contains("gke-connect/connect-agent") && gke.stdout.contains("impersonate"), "\(gke.stdout)")
}

/// --explain of a user in system:masters names that group as where its permissions come from.
@Test func explainNamesSystemMasters() throws {
  let db = try ingest(["rolebinding-scope.yaml"])
  let result = try runRolecall(["can-i", "get", "pods", "--as", "bob", "--as-group", "system:masters", "--explain", "--db", db])
  #expect(result.status == 0)
  #expect(result.stdout.contains("is in system:masters"))
  #expect(!result.stdout.contains("no binding names any of them"), "\(result.stdout)")
  #expect(result.stdout.contains("(system:masters, allowed everything before RBAC is consulted)"), "\(result.stdout)")
}

/// `--as` takes the spellings perms and check write (`sa:NS:NAME`, `user:NAME`) and refuses a group with the option
/// that takes it; an unknown verb and a namespace the snapshot does not hold are warned about, not silently "no".
@Test func canISpellingsAndTyposAreNeverSilent() throws {
  let db = try ingest(["rolebinding-scope.yaml"])
  let sa = try runRolecall(["can-i", "impersonate", "serviceaccounts", "x", "-n", "default", "--as", "sa:default:x", "--db", db])
  #expect(sa.status == 0 && sa.stdout == "yes\n")
  let group = try runRolecall(["can-i", "get", "pods", "--as", "group:devs", "--db", db])
  #expect(group.status == 64 && group.stderr.contains("--as USER --as-group devs"), "\(group.stderr)")
  let verb = try runRolecall(["can-i", "gett", "secrets", "-n", "default", "--as", "sa:default:x", "--db", db])
  #expect(verb.status == 1 && verb.stderr.contains("\"gett\" is not a verb the API server checks"), "\(verb.stderr)")
  let namespaced = try ingest(["rolebinding-scope.yaml", "../semantics.yaml"])
  let typo = try runRolecall(["can-i", "get", "secrets", "-n", "defualt", "--as", "sa:default:x", "--db", namespaced])
  #expect(typo.status == 1 && typo.stderr.contains("namespace \"defualt\" is not in snapshot"), "\(typo.stderr)")
  let known = try runRolecall(["can-i", "get", "secrets", "-n", "default", "--as", "sa:default:x", "--db", namespaced])
  #expect(known.status == 0 && !known.stderr.contains("is not in snapshot"), "\(known.stderr)")
}

/// A Helm chart's unrendered templates fail with the command that renders them; values, Chart.yaml and
/// kustomization.yaml beside real manifests are skipped with a note, not misread.
@Test func unrenderedChartsAreRefusedWithAHint() throws {
  let dir = try temporaryDirectory()
  let chart = dir.appendingPathComponent("chart")
  try FileManager.default.createDirectory(at: chart.appendingPathComponent("templates"), withIntermediateDirectories: true)
  try "apiVersion: v2\nname: demo\nversion: 0.1.0\n".write(to: chart.appendingPathComponent("Chart.yaml"), atomically: true, encoding: .utf8)
  let template = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata:
      name: {{ include "demo.fullname" . }}
      namespace: {{ .Release.Namespace }}
    rules: []
    """
  try template.write(to: chart.appendingPathComponent("templates/role.yaml"), atomically: true, encoding: .utf8)
  let db = dir.appendingPathComponent("t.db").path
  let whole = try runRolecall(["ingest", chart.path, "--db", db])
  #expect(whole.status == 2 && whole.stderr.contains("is a Helm chart (Chart.yaml and templates/)"), "\(whole.stderr)")
  #expect(whole.stderr.contains("helm template RELEASE CHART | rolecall ingest -"))
  let one = try runRolecall(["ingest", chart.appendingPathComponent("templates/role.yaml").path, "--db", db])
  #expect(one.status == 2 && one.stderr.contains("holds Helm template syntax ({{ }}): render it first"), "\(one.stderr)")
  #expect(!FileManager.default.fileExists(atPath: db))
  // Rendered manifests beside the files that describe them: the manifests are read, the rest skipped with a note.
  let rendered = dir.appendingPathComponent("rendered")
  try FileManager.default.createDirectory(at: rendered, withIntermediateDirectories: true)
  try "replicaCount: 1\n".write(to: rendered.appendingPathComponent("values.yaml"), atomically: true, encoding: .utf8)
  try "resources: [role.yaml]\n".write(to: rendered.appendingPathComponent("kustomization.yaml"), atomically: true, encoding: .utf8)
  try template.replacingOccurrences(of: "{{ include \"demo.fullname\" . }}", with: "demo")
    .replacingOccurrences(of: "{{ .Release.Namespace }}", with: "apps")
    .write(to: rendered.appendingPathComponent("role.yaml"), atomically: true, encoding: .utf8)
  let ok = try runRolecall(["ingest", rendered.path, "--db", db])
  #expect(ok.status == 0, "\(ok.stderr)")
  #expect(ok.stderr.contains("values.yaml: Helm values, not a manifest: skipped"), "\(ok.stderr)")
  #expect(ok.stderr.contains("kustomization.yaml: a Kustomize configuration"), "\(ok.stderr)")
  #expect(ok.stderr.contains("1 Roles"), "\(ok.stderr)")
}

/// audit's SARIF names the file of the binding behind each finding, relative to the working directory, as
/// code-scanning services need a physical location to accept a result.
@Test func auditSARIFCarriesTheBindingsFile() throws {
  let db = try temporaryDirectory().appendingPathComponent("sarif.db").path
  let dir = repositoryRoot.appendingPathComponent("fixtures/cases/escalation-gaps").path
  // Given absolute, stored absolute: SARIF still points below the working directory (the repository root here).
  #expect(try runRolecall(["ingest", dir + "/base.yaml", dir + "/7-bind-any-clusterrole.yaml", "--db", db, "-q"]).status == 0)
  let sarif = try runRolecall(["audit", "-o", "sarif", "--db", db])
  let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
  let results = try #require(((log["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
  let attacker = try #require(results.first { result in
    ((result["message"] as? [String: Any])?["text"] as? String)?.hasPrefix("sa:dev:attacker") == true
  })
  let locations = try #require(attacker["locations"] as? [[String: Any]])
  let uris = locations.compactMap { (($0["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String }
  #expect(uris == ["fixtures/cases/escalation-gaps/7-bind-any-clusterrole.yaml"], "\(locations)")
}

/// One vocabulary for steps: check prints a path as paths does, so "N step(s)" is followed by N numbered steps, hub
/// exits shown as "which includes"; diff's "allowed everything" is not audit's "admin-equivalent".
@Test func everyCommandCountsStepsAsItPrintsThem() throws {
  let db = try temporaryDirectory().appendingPathComponent("steps.db").path
  let dir = "fixtures/cases/escalation-gaps/"
  #expect(try runRolecall(["ingest", dir + "base.yaml", dir + "0-dev.yaml", "--snapshot", "a", "--db", db, "-q"]).status == 0)
  #expect(try runRolecall(["ingest", dir + "base.yaml", dir + "7-bind-any-clusterrole.yaml", "--snapshot", "b", "--db", db, "-q"]).status == 0)
  let policy = try temporaryDirectory().appendingPathComponent("p.yaml")
  try "- no-path: {from: \"sa:dev:attacker\", to: cluster-admin}\n".write(to: policy, atomically: true, encoding: .utf8)
  let check = try runRolecall(["check", policy.path, "--snapshot", "b", "--db", db])
  #expect(check.stdout.contains("reaches cluster-admin in 2 step(s)"))
  let numbered = check.stdout.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).first?.isNumber == true && $0.contains("-[") }
  #expect(numbered.count == 2, "\(check.stdout)")
  #expect(check.stdout.contains("which includes sa:kube-system:powerful"))
  let diff = try runRolecall(["diff", "a", "b", "--db", db])
  #expect(!diff.stdout.contains("admin-equivalent"))
}

/// lint reports what the API server rejects or never matches, grants of escalation primitives, and broken bindings,
/// each with its object, file, document and line; exit 1 at or above --fail-on.
@Test func lintFindsWhatNeverMatches() throws {
  let file = "fixtures/cases/trust/lint.yaml"
  let result = try runRolecall(["lint", file, "-o", "json"])
  #expect(result.status == 1)
  let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  let findings = try #require(report["findings"] as? [[String: Any]])
  func found(_ id: String, document: Int, line: Int) -> Bool {
    findings.contains { $0["id"] as? String == id && $0["document"] as? Int == document && $0["line"] as? Int == line && $0["file"] as? String == file }
  }
  #expect(found("resource-unknown", document: 1, line: 3))
  #expect(findings.contains { ($0["message"] as? String)?.contains("did you mean persistentvolumeclaims?") == true })
  #expect(found("resource-case", document: 2, line: 11) && found("verb-case", document: 2, line: 11))
  #expect(found("rule-without-apigroups", document: 3, line: 19) && found("rule-mixes-resources-and-urls", document: 3, line: 19))
  #expect(found("resource-pattern", document: 4, line: 30) && found("verb-unknown", document: 4, line: 30))
  #expect(found("resourcenames-with-collection-verb", document: 4, line: 30))
  #expect(found("risky-grant", document: 6, line: 50))
  #expect(findings.contains { $0["id"] as? String == "risky-grant" && ($0["message"] as? String)?.contains("secret-read") == true })
  #expect(found("binding-to-missing-role", document: 7, line: 57) && found("clusterrolebinding-to-role", document: 8, line: 64))
  #expect(found("aggregation-selects-nothing", document: 9, line: 71))
  // Nothing else: every finding is one of the planted problems.
  #expect(findings.count == 12, "\(findings.map { $0["id"] ?? "(no id)" })")
  // SARIF points at the line.
  let sarif = try runRolecall(["lint", file, "-o", "sarif"])
  #expect(sarif.stdout.contains("\"startLine\" : 19") && sarif.stdout.contains("\"uri\" : \"fixtures/cases/trust/lint.yaml\""))
  // The bootstrap roles of Kubernetes itself hold no error.
  let clean = try runRolecall(["lint", "fixtures/bootstrap/cluster-roles.yaml", "fixtures/bootstrap/cluster-role-bindings.yaml"])
  #expect(clean.status == 0, "\(clean.stdout)")
  #expect(!clean.stdout.contains("error "), "\(clean.stdout)")
  let strict = try runRolecall(["lint", "fixtures/bootstrap/cluster-roles.yaml", "fixtures/bootstrap/cluster-role-bindings.yaml", "--fail-on", "warning"])
  #expect(strict.status == 1)  // cluster-admin and the controllers' grants are risky by design
  #expect(try runRolecall(["lint", file, "--fail-on", "severe"]).status == 64)
  // A stored snapshot is linted the same, from where its objects were read.
  let db = try temporaryDirectory().appendingPathComponent("lint.db").path
  #expect(try runRolecall(["ingest", file, "--db", db, "-q"]).status == 0)
  let stored = try runRolecall(["lint", "--db", db, "-o", "json"])
  let storedFindings = try #require((try JSONSerialization.jsonObject(with: Data(stored.stdout.utf8)) as? [String: Any])?["findings"] as? [[String: Any]])
  #expect(stored.status == 1 && storedFindings.count == findings.count)
  #expect(try runRolecall(["lint", "--db", db, "--snapshot", "nope"]).status == 2)
}

/// A taken name is no obstacle to one who may delete the Secret that holds it: delete, create it again as a token
/// secret, read it.
@Test func secretMintThroughATakenNameThatMayBeDeleted() throws {
  let db = try ingest(["secret-mint-base.yaml", "secret-mint-taken.yaml"], snapshot: "taken")
  let deleter = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: redis-secret-rotation, namespace: argocd}
    rules:
    - {apiGroups: [""], resources: [secrets], resourceNames: [argocd-redis], verbs: [delete]}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: redis-secret-rotation, namespace: argocd}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: redis-secret-rotation}
    subjects:
    - {kind: ServiceAccount, name: argocd-redis, namespace: argocd}
    """
  #expect(try runRolecall(["ingest", "-", "--base", "taken", "--snapshot", "rotating", "--db", db, "-q"], stdin: Data(deleter.utf8)).status == 0)
  let paths = try runRolecall(["paths", "--from", "sa:argocd:argocd-redis", "--snapshot", "rotating", "--db", db])
  #expect(paths.status == 0 && paths.stdout.contains("after deleting Secret argocd/argocd-redis and creating it again"), "\(paths.stdout)")
  #expect(paths.stdout.contains("RoleBinding \"argocd/redis-secret-rotation\""))
}
