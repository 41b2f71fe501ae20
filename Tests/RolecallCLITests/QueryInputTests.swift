// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

/// The semantics fixture as snapshot "cases", in a database of this file's own (some tests here write to it).
private func casesDatabase() throws -> String {
  let path = try temporaryDirectory().appendingPathComponent("cases.db").path
  let result = try runRolecall(["ingest", "fixtures/cases/semantics.yaml", "--snapshot", "cases", "--db", path, "-q"])
  try #require(result.status == 0, "\(result.stderr)")
  return path
}

private let badQuestions: [([String], String)] = [
  (["can-i", "get", "pods/", "--as", "a"], "\"pods/\" is not RESOURCE or RESOURCE/SUBRESOURCE (e.g. pods, pods/exec)"),
  (["can-i", "get", "pods/exec/x", "--as", "a"], "\"pods/exec/x\" is not RESOURCE or RESOURCE/SUBRESOURCE (e.g. pods, pods/exec)"),
  (["can-i", "", "pods", "--as", "a"], "the verb must not be empty"),
  (["can-i", "get", "pods", "--as", "a", "--snapshot", "nope"], "no snapshot named \"nope\": `rolecall snapshots` lists them"),
  (["who-can", "get", ""], "the resource must not be empty"),
  (["who-can", "get", "pods", "--snapshot", "nope"], "no snapshot named \"nope\": `rolecall snapshots` lists them"),
  (["perms", "sa:onlyone"], "cannot read subject \"sa:onlyone\": write user:NAME, group:NAME, sa:NAMESPACE:NAME or system:serviceaccount:NAMESPACE:NAME"),
  (["paths", "--from", "user:a", "--to", "bogus:x"], "cannot read \"bogus:x\": write cluster-admin, node, user:NAME, group:NAME, sa:NAMESPACE:NAME or aws:ARN"),
  (["query", "cluster-admins", "--snapshot", "nope"], "no snapshot named \"nope\": `rolecall snapshots` lists them"),
  (["query", "/no/such/report.sql"], "/no/such/report.sql: cannot read the SQL file: no such file"),
  (["query", "no-such-query"], "no query named \"no-such-query\"; available: cluster-admins, dangling-bindings, public-bindings, secret-readers, serviceaccounts-cluster-bindings, wildcard-rules"),
  (["snapshots", "rm", "nope"], "no snapshot named \"nope\": `rolecall snapshots` lists them"),
]

/// Bad usage is refused before the database is opened, with exit 64 and the command's usage line.
@Test func badUsageExits64BeforeOpeningAnything() throws {
  for (arguments, message) in [
    (["can-i", "get", "pods", "--as", ""], "--as must name a user, not be empty"),
    (["can-i", "get", "pods"], "--as USER is required: rolecall has no current user to assume"),
    (["can-i", "get", "--as", "a"], "can-i takes VERB RESOURCE [NAME], or --list, or --batch FILE"),
    (["who-can", "get"], "who-can takes VERB RESOURCE [NAME], or --batch FILE"),
    (["query", "cluster-admins", "--param", "=x"], "--param takes name=value, not \"=x\""),
  ] {
    // No database at this path: usage is checked first.
    let result = try runRolecall(arguments + ["--db", "/nonexistent/x.db"])
    #expect(result.status == 64, "\(arguments)")
    #expect(result.stderr.hasPrefix("Error: \(message)\n"), "\(arguments): \(result.stderr)")
  }
}

@Test func badQuestionsGetOneLineAndExitTwo() throws {
  let db = try casesDatabase()
  for (arguments, message) in badQuestions {
    let result = try runRolecall(arguments + ["--db", db])
    #expect(result.status == 2 && result.stdout == "", "\(arguments)")
    #expect(result.stderr == "rolecall: error: \(message)\n", "\(arguments)")
  }
}

@Test func parametersThatLookLikeInjectionAreOnlyValues() throws {
  let db = try casesDatabase()
  let dir = try temporaryDirectory()
  let sql = dir.appendingPathComponent("binding.sql")
  try "SELECT name FROM binding WHERE snapshot_id = :snapshot AND name = :binding"
    .write(to: sql, atomically: true, encoding: .utf8)
  let plain = try runRolecall(["query", sql.path, "--param", "binding=ci-deploy", "-o", "json", "--db", db])
  #expect(plain.stdout.contains("\"ci-deploy\""))
  for value in ["ci-deploy' OR '1'='1", "x'; DROP TABLE binding; --", "\" OR 1=1 --"] {
    let result = try runRolecall(["query", sql.path, "--param", "binding=\(value)", "-o", "json", "--db", db])
    #expect(result.status == 0 && result.stdout == "[\n\n]\n", "\(value): \(result.stdout) \(result.stderr)")
  }
  // Even with --write, a value is a value: the table is still there.
  let write = try runRolecall(["query", sql.path, "--param", "binding=x'; DROP TABLE binding; --", "--write", "--db", db])
  #expect(write.status == 0)
  #expect(try runRolecall(["query", "cluster-admins", "--db", db]).status == 0)
  #expect(try runRolecall(["can-i", "get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs", "--db", db]).stdout == "yes\n")
}

@Test func sqlThatWritesNeedsWrite() throws {
  let db = try casesDatabase()
  let dir = try temporaryDirectory()
  let delete = dir.appendingPathComponent("delete.sql")
  try "DELETE FROM binding_subject WHERE name = 'devs'".write(to: delete, atomically: true, encoding: .utf8)
  let ask = ["can-i", "get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs", "--db", db]
  let refused = try runRolecall(["query", delete.path, "--db", db])
  #expect(refused.status == 2)
  #expect(
    refused.stderr
      == "rolecall: error: the query writes to the database, which queries open read-only: pass --write if that is what you mean\n")
  #expect(try runRolecall(ask).stdout == "yes\n")
  let allowed = try runRolecall(["query", delete.path, "--write", "--db", db])
  #expect(allowed.status == 0, "\(allowed.stderr)")
  #expect(try runRolecall(ask).stdout == "no\n")
  // A second statement hidden after the first is refused, not run.
  let two = dir.appendingPathComponent("two.sql")
  try "SELECT 1; DELETE FROM snapshot".write(to: two, atomically: true, encoding: .utf8)
  let hidden = try runRolecall(["query", two.path, "--write", "--db", db])
  #expect(hidden.status == 2 && hidden.stderr == "rolecall: error: SQLite error: the query holds more than one SQL statement; rolecall query runs one\n")
  #expect(try runRolecall(["snapshots", "--db", db, "-o", "json"]).stdout.contains("\"cases\""))
}

/// A `query --write` that would store a value of another type is refused by the database (STRICT tables, checked
/// JSON and flag columns), with one line, and changes nothing: no later question reads it as 0 or as no rule.
@Test(arguments: [
  ("UPDATE snapshot SET cluster_roles = 'abc'", "cannot store TEXT value in INTEGER column snapshot.cluster_roles"),
  ("UPDATE snapshot SET distances_computed = 'yes'", "cannot store TEXT value in INTEGER column snapshot.distances_computed"),
  ("UPDATE policy_rule SET verbs = '42'", "CHECK constraint failed"),
  ("UPDATE policy_rule SET resources = 'not json'", "malformed JSON"),
  ("UPDATE service_account SET automount_token = 7", "CHECK constraint failed"),
  ("UPDATE namespace SET labels = '[]'", "CHECK constraint failed"),
])
func aWriteOfTheWrongTypeIsRefused(sql: String, reason: String) throws {
  let db = try casesDatabase()
  let file = try temporaryDirectory().appendingPathComponent("write.sql")
  try sql.write(to: file, atomically: true, encoding: .utf8)
  let before = try runRolecall(["snapshots", "--db", db, "-o", "json"])
  let ask = ["can-i", "get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs", "--db", db]
  let written = try runRolecall(["query", file.path, "--write", "--db", db])
  #expect(written.status == 2, "\(sql): \(written.stdout)")
  #expect(written.stderr.hasPrefix("rolecall: error: SQLite error: ") && written.stderr.contains(reason), "\(written.stderr)")
  #expect(written.stderr.filter { $0 == "\n" }.count == 1, "\(written.stderr)")
  #expect(try runRolecall(["snapshots", "--db", db, "-o", "json"]).stdout == before.stdout)
  #expect(try runRolecall(ask).stdout == "yes\n")
}

@Test func databaseFaultsAreOneLineAndExitTwo() throws {
  let dir = try temporaryDirectory()
  // A manifest given as the database, by mistake: named, and left untouched.
  let manifest = dir.appendingPathComponent("cluster.yaml").path
  try Data("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n".utf8).write(to: URL(fileURLWithPath: manifest))
  for arguments in [["snapshots"], ["ingest", "fixtures/cases/semantics.yaml", "-q"]] {
    let result = try runRolecall(arguments + ["--db", manifest])
    #expect(result.status == 2)
    #expect(result.stderr == "rolecall: error: \(manifest): not a rolecall database (not an SQLite file)\n", "\(arguments)")
  }
  #expect(try String(contentsOfFile: manifest, encoding: .utf8) == "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
  // A place no one can create a file (its parent is a file: tests run as root, for whom chmod 0555 stops nothing).
  let nowhere = manifest + "/rolecall.db"
  let create = try runRolecall(["ingest", "fixtures/cases/semantics.yaml", "--db", nowhere])
  #expect(create.status == 2 && create.stderr == "rolecall: error: \(nowhere): cannot create the database file\n")
}
