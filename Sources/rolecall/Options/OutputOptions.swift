// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import RBACReport

extension OutputFormat: ExpressibleByArgument {}

/// `-o`: how a command prints its result.
struct OutputOptions: ParsableArguments {
  @Option(
    name: .shortAndLong,
    help: """
      Output format: table, wide (with provenance), json or yaml; paths also dot and mermaid; audit, diff and check \
      sarif; diff markdown; check junit; report html; can-i --list and perms matrix.
      """)
  var output: OutputFormat = .table

  /// Prints the report in the chosen format, or in `format` when a command overrides it (`--explain`).
  func print<R: Report>(_ report: R, as format: OutputFormat? = nil) throws {
    var text = try Renderer.render(report, as: format ?? output)
    // Written as it is stored, without a copy: a large diff prints tens of megabytes.
    try text.withUTF8 { try FileHandle.standardOutput.write(contentsOf: $0) }
  }
}

/// Writes to stderr: summaries and warnings, kept off stdout so that pipelines read only answers.
func printError(_ text: String) {
  FileHandle.standardError.write(Data(text.utf8))
}
