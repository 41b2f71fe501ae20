// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

// docs/schema.md, the help of `ingest` and the README's ingest row, kept in step with the code. Each test reads what
// the code does from its source text, so that a new diagnostic, table, column or stored kind fails here until the
// documents name it.

/// The repository root: this file is Tests/RolecallCLITests/DocsInStepTests.swift.
private let root = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func text(_ relativePath: String) throws -> String {
  try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
}

/// Every Swift file under Sources/, by its path from the root.
private func swiftSources() throws -> [(path: String, text: String)] {
  let sources = root.appendingPathComponent("Sources")
  let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
  var files: [(path: String, text: String)] = []
  for case let url as URL in enumerator where url.pathExtension == "swift" {
    let path = String(url.path.dropFirst(root.path.count + 1))
    files.append((path, try String(contentsOf: url, encoding: .utf8)))
  }
  return files.sorted { $0.path < $1.path }
}

/// docs/schema.md cut at its `## ` headings: each section's heading names (`## service_account, namespace` names two)
/// and its text.
private func schemaSections() throws -> [(names: [String], body: String)] {
  var sections: [(names: [String], body: String)] = []
  for line in try text("docs/schema.md").split(separator: "\n", omittingEmptySubsequences: false) {
    if line.hasPrefix("## ") {
      let names = line.dropFirst(3).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      sections.append((names, ""))
    } else if !sections.isEmpty {
      sections[sections.count - 1].body += line + "\n"
    }
  }
  return sections
}

/// The identifiers (letters, digits, `_`) of a piece of text.
private func identifiers(_ text: some StringProtocol) -> Set<String> {
  Set(text.split(whereSeparator: { (c: Character) in !(c.isLetter || c.isNumber || c == "_") }).map { String($0) })
}

// MARK: - (a) diagnostics

@Test func everyDiagnosticCodeIngestEmitsIsInTheSchemaDoc() throws {
  // The codes are the raw values of Diagnostic.Category: `case danglingBinding = "dangling-binding"`.
  let model = try text("Sources/RBACModel/SnapshotContent.swift")
  let start = try #require(model.range(of: "enum Category"), "Diagnostic.Category moved: update this test")
  let body = try #require(model[start.upperBound...].split(separator: "}").first)
  var codes: [String: String] = [:]
  for match in body.matches(of: #/case\s+(\w+)\s*=\s*"([^"]+)"/#) { codes[String(match.1)] = String(match.2) }
  try #require(!codes.isEmpty, "no `case name = \"code\"` in Diagnostic.Category")

  // What the code emits: every `Diagnostic(.category, ...)` in Sources/, wherever it is written.
  var emitted: [String: String] = [:]  // category -> first file that emits it
  for file in try swiftSources() {
    for match in file.text.matches(of: #/Diagnostic\(\s*\.(\w+)/#) where emitted[String(match.1)] == nil {
      emitted[String(match.1)] = file.path
    }
  }
  try #require(emitted.count >= 5, "found only \(emitted.keys.sorted()) as emitted diagnostics: is the regex stale?")

  let section = try #require(try schemaSections().first { $0.names == ["diagnostic"] }, "no `## diagnostic` section")
  for (category, file) in emitted.sorted(by: { $0.key < $1.key }) {
    let code = try #require(codes[category], "\(file) emits .\(category), which is not a case of Diagnostic.Category")
    #expect(
      section.body.contains("`\(code)`"),
      "\(file) emits `\(code)`; docs/schema.md's diagnostic section does not list it")
  }
  // And the list names no code the code does not have (a renamed or removed one).
  let known = Set(codes.values)
  for match in section.body.matches(of: #/`([a-z]+(?:-[a-z]+)+)`/#) {
    #expect(
      known.contains(String(match.1)),
      "docs/schema.md lists diagnostic `\(match.1)`, which Diagnostic.Category does not have")
  }
}

// MARK: - (b) tables and columns

/// The tables Migrations.swift creates, each with its columns: `CREATE TABLE name (` up to the line that closes it,
/// a column being a line `name TYPE ...`, and `ALTER TABLE name ADD COLUMN column`.
private func migratedTables() throws -> [String: [String]] {
  var tables: [String: [String]] = [:]
  var current: String? = nil
  for line in try text("Sources/RBACStore/Migrations.swift").split(separator: "\n") {
    if let match = line.firstMatch(of: #/CREATE TABLE (\w+) \(/#) {
      current = String(match.1)
      tables[String(match.1)] = []
    } else if let table = current {
      if line.firstMatch(of: #/^\s*\)/#) != nil {
        current = nil
      } else if let column = line.firstMatch(of: #/^\s*(\w+)\s+(INTEGER|TEXT|REAL|BLOB)\b/#) {
        tables[table, default: []].append(String(column.1))
      }
    }
    if let match = line.firstMatch(of: #/ALTER TABLE (\w+) ADD COLUMN (\w+)/#) {
      tables[String(match.1), default: []].append(String(match.2))
    }
  }
  return tables
}

@Test func everyTableAndColumnOfTheMigrationsIsInTheSchemaDoc() throws {
  let tables = try migratedTables()
  try #require(tables.count >= 10, "found only \(tables.keys.sorted()) in Migrations.swift: is the regex stale?")
  try #require(tables["snapshot"]?.contains("first_steps_stored") == true, "ALTER TABLE ... ADD COLUMN not found")
  let sections = try schemaSections()
  for (table, columns) in tables.sorted(by: { $0.key < $1.key }) {
    guard let section = sections.first(where: { $0.names.contains(table) }) else {
      Issue.record("docs/schema.md has no `## \(table)` section")
      continue
    }
    #expect(!columns.isEmpty, "no columns read for table \(table)")
    // The names the section's tables document: the first cell of each row, or, where a row is about a whole table
    // (`| service_account | snapshot_id, namespace, ... |`), that row's second cell.
    let rows = section.body.split(separator: "\n").filter { $0.hasPrefix("|") }
      .map { $0.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map(String.init) }
    let own = rows.filter { $0.first?.trimmingCharacters(in: .whitespaces) == table }
    let documented = own.isEmpty
      ? rows.reduce(into: Set<String>()) { $0.formUnion(identifiers($1.first ?? "")) }
      : own.reduce(into: Set<String>()) { $0.formUnion(identifiers($1.dropFirst().first ?? "")) }
    for column in columns {
      #expect(documented.contains(column), "docs/schema.md's `\(table)` section does not document column \(column)")
    }
  }
}

// MARK: - (c) what ingest stores, as its help and the README say

/// The kinds ingest decodes into stored objects: the `(group, "Kind")` cases of Manifest's decoder, whose default
/// is the kinds only counted.
private func storedKinds() throws -> [String] {
  let manifest = try text("Sources/RBACIngest/Manifest.swift")
  let kinds = manifest.matches(of: #/\((?:Self\.rbacGroup|"[^"]*"),\s*"([A-Z]\w*)"\)/#).map { String($0.1) }
  return Array(Set(kinds)).sorted()
}

/// Whether `text` names `kind` as a word, singular or plural (`Pod`, `Pods`), not inside another (`ClusterRole`
/// does not name `Role`).
private func names(_ text: String, _ kind: String) throws -> Bool {
  text.contains(try Regex("\\b\(kind)s?\\b"))
}

@Test func ingestHelpNamesEveryKindIngestStores() throws {
  let kinds = try storedKinds()
  try #require(kinds.count >= 10, "found only \(kinds) in Manifest.swift: is the regex stale?")
  #expect(kinds.contains("ConfigMap") && kinds.contains("CustomResourceDefinition") && kinds.contains("Pod"))
  let result = try runRolecall(["ingest", "--help"])
  #expect(result.status == 0, "\(result.stderr)")
  // The help is wrapped to the terminal's width: compare words, not lines.
  let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
  for kind in kinds {
    #expect(try names(help, kind), "`rolecall ingest --help` does not say that ingest stores \(kind)")
  }
  // Of ConfigMaps only aws-auth is stored, and of Secrets never the data.
  #expect(help.contains("aws-auth"))
  #expect(help.contains("never their data"))

  let readme = try text("README.md")
  let row = try #require(
    readme.split(separator: "\n").first { $0.hasPrefix("| `ingest PATH... [-n NS]") }, "README has no ingest row")
  for kind in kinds {
    #expect(try names(String(row), kind), "README's ingest row does not say that ingest stores \(kind)")
  }
}
