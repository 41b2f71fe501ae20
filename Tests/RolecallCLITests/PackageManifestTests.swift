// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

/// Every module a target imports is one it declares in Package.swift. An undeclared import builds today only
/// because another dependency happens to pull the module in, and breaks the day that dependency changes.
@Test func everyTargetDeclaresWhatItImports() throws {
  let manifest = try String(contentsOf: repositoryRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
  let declared = try #require(targetDependencies(manifest))
  #expect(declared.count >= 10, "targets read from Package.swift: \(declared.keys.map(\.name).sorted())")
  // Modules of the toolchain, not of the package graph.
  let toolchain: Set<String> = ["Foundation", "Dispatch", "Testing", "Synchronization", "Glibc", "FoundationEssentials"]
  for (target, dependencies) in declared {
    let directory = repositoryRoot.appendingPathComponent(target.isTest ? "Tests" : "Sources")
      .appendingPathComponent(target.name)
    var undeclared: [String: String] = [:]
    for file in swiftFiles(in: directory) {
      let text = try String(contentsOf: file, encoding: .utf8)
      for line in text.split(separator: "\n") {
        guard let match = line.wholeMatch(of: #/(?:@testable |@_spi\(\w+\) )?import (\w+)/#) else { continue }
        let module = String(match.output.1)
        if !toolchain.contains(module) && !dependencies.contains(module) { undeclared[module] = file.lastPathComponent }
      }
    }
    #expect(undeclared.isEmpty, "\(target.name) imports modules it does not declare: \(undeclared)")
  }
}

/// The manifest read as text: each `.target`, `.testTarget` or `.executableTarget` with the names in its
/// `dependencies` (targets by name, products by their `name:`). Nil when no target is found.
private func targetDependencies(_ manifest: String) -> [Target: Set<String>]? {
  var found: [Target: Set<String>] = [:]
  let starts = manifest.ranges(of: #/\.(target|testTarget|executableTarget)\(/#)
  for (i, start) in starts.enumerated() {
    let end = i + 1 < starts.count ? starts[i + 1].lowerBound : manifest.endIndex
    let block = manifest[start.lowerBound..<end]
    guard let name = block.firstMatch(of: #/name: "(\w+)"/#)?.output.1 else { continue }
    var dependencies = Set<String>()
    if let list = block.range(of: "dependencies:") {
      let rest = block[list.upperBound...]
      for m in rest.matches(of: #/\.product\(name: "(\w+)"|"(\w+)"/#) {
        if let product = m.output.1 { dependencies.insert(String(product)) }
        else if let target = m.output.2 { dependencies.insert(String(target)) }
      }
    }
    // A product's package name is quoted too (`package: "GRDB.swift"`); it holds a dot, so the pattern skips it.
    found[Target(name: String(name), isTest: block.hasPrefix(".testTarget"))] = dependencies
  }
  return found.isEmpty ? nil : found
}

private struct Target: Hashable {
  var name: String
  var isTest: Bool
}

private func swiftFiles(in directory: URL) -> [URL] {
  let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.allObjects ?? []
  return files.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
}
