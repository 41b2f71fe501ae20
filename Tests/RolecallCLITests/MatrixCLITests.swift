// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

/// The semantics fixture, as snapshot "matrix".
private let matrixDBResult = Result {
  try ingestedDatabase("matrix.db", [["ingest", "fixtures/cases/semantics.yaml", "--snapshot", "matrix"]])
}

private func rolecall(_ arguments: String...) throws -> RunResult {
  try runRolecall(arguments + ["--db", try matrixDBResult.get()])
}

private struct Report: Decodable {
  struct Matrix: Decodable {
    struct Row: Decodable { var resource: String, access: [String] }
    var namespace: String
    var rows: [Row]
  }
  var matrix: Matrix
  var namespaces: [Matrix]?
}

/// The cells of one resource's row of the grid, read as words: the layout's spacing is not the answer.
private func gridRow(_ text: String, _ resource: String) -> [String] {
  let words = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
  return words.first { $0.first == resource }.map { Array($0.dropFirst()) } ?? []
}

@Test func theMatrixSaysYesNoAndPartialPerVerb() throws {
  let grid = try rolecall("can-i", "--list", "--as", "system:serviceaccount:ci:builder", "-n", "prod", "-o", "matrix")
  #expect(grid.status == 0, "\(grid.stderr)")
  #expect(grid.stdout.hasPrefix("in namespace \"prod\":\nRESOURCE"))
  #expect(gridRow(grid.stdout, "deployments.apps") == ["no", "no", "no", "yes", "yes", "yes", "no", "no"])
  // In a namespace where no binding names it, the builder may not create deployments.
  let elsewhere = try rolecall("can-i", "--list", "--as", "system:serviceaccount:ci:builder", "-n", "ci", "-o", "matrix")
  #expect(gridRow(elsewhere.stdout, "deployments.apps") == ["no", "no", "no", "no", "no", "no", "no", "no"])
  // A rule limited by resourceNames gives the verb on some secrets only.
  let json = try rolecall(
    "can-i", "--list", "--as", "system:serviceaccount:prod:deployer", "-n", "prod", "--matrix", "-o", "json")
  let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
  let secrets = try #require(report.matrix.rows.first { $0.resource == "secrets" })
  #expect(secrets.access.first == "partial")
  #expect(report.namespaces == nil)
  let wide = try rolecall(
    "can-i", "--list", "--as", "system:serviceaccount:prod:deployer", "-n", "prod", "--matrix", "-o", "wide").stdout
  #expect(wide.split(separator: "\n").contains { $0.hasPrefix("secrets") && $0.contains("(only db-password)") })
}

@Test func allNamespacesAddsOnlyTheNamespacesThatDiffer() throws {
  let json = try rolecall("perms", "sa:ci:builder", "-A", "--matrix", "-o", "json")
  #expect(json.status == 0, "\(json.stderr)")
  let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
  #expect(report.matrix.namespace == "")
  #expect(gridRow(try rolecall("perms", "sa:ci:builder", "-o", "matrix").stdout, "deployments.apps").allSatisfy { $0 == "no" })
  let prod = try #require(report.namespaces?.first { $0.namespace == "prod" })
  #expect(prod.rows.map(\.resource).contains("deployments.apps"))
  // Only rows that differ from the cluster-wide answer are shown.
  for other in report.namespaces ?? [] {
    for row in other.rows {
      let base = try #require(report.matrix.rows.first { $0.resource == row.resource })
      #expect(base.access != row.access)
    }
  }
}

@Test func theMatrixIsAskedForWithListAndAllNamespacesOnlyWithIt() throws {
  let noList = try rolecall("can-i", "--as", "alice", "get", "pods", "-o", "matrix")
  #expect(noList.status == 64 && noList.stderr.contains("add --list"))
  let listAll = try rolecall("can-i", "--list", "--as", "alice", "-A")
  #expect(listAll.status == 64 && listAll.stderr.contains("-o matrix"))
  let permsAll = try rolecall("perms", "user:alice", "-A")
  #expect(permsAll.status == 64)
  let other = try rolecall("who-can", "get", "pods", "-o", "matrix")
  #expect(other.status != 0 && other.stderr.contains("cannot print -o matrix"))
}
