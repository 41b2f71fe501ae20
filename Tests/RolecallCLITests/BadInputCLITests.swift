// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

/// Every file of fixtures/cases/bad and the one line `rolecall ingest` must print for it.
private let badFiles: [String: String] = [
  "alias-bomb.yaml": "document 1, line 2: syntax error: its aliases expand to more than 101340 values (an alias bomb?); rolecall refuses to expand it",
  "deep-nesting.json": "line 1: syntax error: arrays and objects nest deeper than 512 levels",
  "duplicate-key.json": "document 1, field rules[0].verbs (line 3): duplicate key \"verbs\" (kubectl refuses duplicate keys too)",
  "duplicate-key.yaml": "document 1, line 4: syntax error: duplicate key \"name\" (kubectl refuses duplicate keys too)",
  "image.yaml": "syntax error: not UTF-8 text",
  "json-syntax.json": "line 3: syntax error: unexpected end of input: an array or object is not closed",
  "missing-name.yaml": "document 1, field metadata.name (line 4): required field is missing",
  "missing-roleref.json": "document 1, field items[0].roleRef: required field is missing",
  "number-as-name.yaml": "document 1, field metadata.name (line 4): expected a string",
  "subjects-not-a-list.yaml": "document 1, field subjects (line 5): expected a list",
  "unknown-roleref-kind.yaml": "document 1, field roleRef.kind (line 7): unknown role kind (expected Role or ClusterRole)",
  "verbs-not-a-list.yaml": "document 1, field rules[0].verbs (line 8): expected a list",
  "yaml-syntax.yaml": "document 2, line 10: syntax error: while parsing a flow sequence: did not find expected ',' or ']'",
]

@Test func everyBadInputFailsInOneLineWithExitTwoAndWritesNothing() throws {
  let db = try temporaryDirectory().appendingPathComponent("bad.db").path
  #expect(try runRolecall(["ingest", "fixtures/cases/semantics.yaml", "--snapshot", "good", "--db", db, "-q"]).status == 0)
  let before = try runRolecall(["snapshots", "-o", "json", "--db", db]).stdout
  let files = try FileManager.default.contentsOfDirectory(atPath: fixture("cases/bad")).sorted()
  #expect(files == badFiles.keys.sorted(), "every bad fixture has its expected message")
  for file in files {
    let path = "fixtures/cases/bad/\(file)"
    // After a good file, so that "nothing written" means the good file's objects too.
    let result = try runRolecall(["ingest", "fixtures/cases/semantics.yaml", path, "--snapshot", file, "--db", db])
    #expect(result.status == 2 && result.stdout == "", "\(file)")
    let expected = try #require(badFiles[file], "no expected message for \(file)")
    #expect(result.stderr == "rolecall: error: \(path)\(expected.hasPrefix("syntax") ? ": " : ", ")\(expected)\n")
  }
  #expect(try runRolecall(["snapshots", "-o", "json", "--db", db]).stdout == before)
}

@Test func aHugeFileIsRefusedBeforeItIsRead() throws {
  let dir = try temporaryDirectory()
  let path = dir.appendingPathComponent("dump.json").path
  // Sparse: 1 GiB long, no disk used. Reading it would take a minute and gigabytes of memory.
  FileManager.default.createFile(atPath: path, contents: nil)
  let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
  try handle.truncate(atOffset: 1 << 30)
  try handle.close()
  let start = ContinuousClock.now
  let result = try runRolecall(["ingest", path, "--db", dir.appendingPathComponent("x.db").path])
  #expect(ContinuousClock.now - start < .seconds(5))
  #expect(result.status == 2)
  #expect(
    result.stderr
      == "rolecall: error: \(path): is 1024 MiB; rolecall reads at most 256 MiB from one input: split it (e.g. one `kubectl get` per kind)\n")
}
