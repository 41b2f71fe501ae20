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
