// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
@testable import RBACAnalysis
import Testing

/// The data the binary carries (Sources/RBACAnalysis/EmbeddedData.swift, written by scripts/embed-queries.sh) is the
/// files of data/, byte for byte: a data file edited without `make queries` fails here.

/// The repository root, found from this file: Tests/RBACAnalysisTests/EmbeddedDataTests.swift.
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// Each file of data/ and the text embedded for it. A new file in data/ must be listed here.
private let embedded: [String: String] = [
  "provider-identities.yaml": EmbeddedData.providerIdentities
]

@Test func everyDataFileIsEmbeddedExactly() throws {
  let folder = root.appendingPathComponent("data")
  let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
  try #require(!files.isEmpty, "no data/*.yaml under \(root.path)")
  #expect(Set(files) == Set(embedded.keys), "a file of data/ has no embedded copy, or one is gone")
  for file in files.sorted() {
    let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    let copy = try #require(embedded[file])
    // A multi-line string literal holds its lines without the newline that ends the last one.
    #expect(copy + "\n" == text, "data/\(file) differs from its embedded copy: run `make queries`")
  }
}

@Test func theEmbeddedProviderCatalogIsReadable() {
  // What the analysis does with the embedded text: it decodes, and names the identities of the file.
  let catalog = ProviderCatalog.shipped
  #expect(!catalog.identities.isEmpty && !catalog.invisible.isEmpty)
  #expect(catalog.match(kind: "User", name: "eks:addon-manager")?.provider == "EKS")
  #expect(catalog.match(kind: "User", name: "alice") == nil)
}
