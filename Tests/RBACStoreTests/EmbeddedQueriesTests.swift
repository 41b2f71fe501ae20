// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
@testable import RBACStore
import Testing

/// The queries the binary carries (Sources/RBACStore/EmbeddedQueries.swift, written by scripts/embed-queries.sh) are
/// the files of queries/, byte for byte: a query edited without `make queries` fails here.

/// The repository root, found from this file: Tests/RBACStoreTests/EmbeddedQueriesTests.swift.
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

@Test func everyEmbeddedQueryIsItsFileInQueriesExactly() throws {
  let folder = root.appendingPathComponent("queries")
  let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
  try #require(!files.isEmpty, "no queries/*.sql under \(root.path)")
  #expect(Set(QueryCatalog.embedded.keys) == Set(files.map { String($0.dropLast(4)) }), "run `make queries`")
  for file in files.sorted() {
    let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    // A multi-line string literal holds its lines without the newline that ends the last one.
    let embedded = try #require(QueryCatalog.embedded[String(file.dropLast(4))], "queries/\(file) is not embedded")
    #expect(embedded + "\n" == text, "queries/\(file) differs from its embedded copy: run `make queries`")
  }
}

/// Whether `sed` is GNU sed, whose `\U` the script uses to name the data constants (BSD sed has none).
private let gnuSed: Bool = {
  let sed = Process()
  sed.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  sed.arguments = ["sed", "--version"]
  sed.standardOutput = FileHandle.nullDevice
  sed.standardError = FileHandle.nullDevice
  guard (try? sed.run()) != nil else { return false }
  sed.waitUntilExit()
  return sed.terminationStatus == 0
}()

@Test(.enabled(if: gnuSed, "scripts/embed-queries.sh needs GNU sed"))
func theGeneratedFilesAreWhatTheScriptWritesToday() throws {
  // The script run on a copy of its inputs writes both generated files exactly as they are in Sources/: nothing in
  // them was edited by hand, and no data/ or queries/ file is missing from them.
  let copy = FileManager.default.temporaryDirectory.appendingPathComponent("rolecall-embed-\(UUID().uuidString)")
  defer { try? FileManager.default.removeItem(at: copy) }
  for folder in ["scripts", "queries", "data", "Sources/RBACStore", "Sources/RBACAnalysis"] {
    try FileManager.default.createDirectory(
      at: copy.appendingPathComponent(folder), withIntermediateDirectories: true)
  }
  for folder in ["queries", "data"] {
    for file in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path) {
      try FileManager.default.copyItem(
        at: root.appendingPathComponent(folder).appendingPathComponent(file),
        to: copy.appendingPathComponent(folder).appendingPathComponent(file))
    }
  }
  try FileManager.default.copyItem(
    at: root.appendingPathComponent("scripts/embed-queries.sh"),
    to: copy.appendingPathComponent("scripts/embed-queries.sh"))
  let script = Process()
  script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  script.arguments = ["bash", copy.appendingPathComponent("scripts/embed-queries.sh").path]
  try script.run()
  script.waitUntilExit()
  try #require(script.terminationStatus == 0, "scripts/embed-queries.sh failed")
  for generated in ["Sources/RBACStore/EmbeddedQueries.swift", "Sources/RBACAnalysis/EmbeddedData.swift"] {
    let written = try Data(contentsOf: copy.appendingPathComponent(generated))
    let checkedIn = try Data(contentsOf: root.appendingPathComponent(generated))
    #expect(written == checkedIn, "\(generated) is not what scripts/embed-queries.sh writes: run `make queries`")
  }
}
