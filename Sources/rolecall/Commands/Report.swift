// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import RBACAnalysis
import RBACReport

extension Rolecall {
  /// `report`, named so that it does not hide RBACReport's `Report`.
  struct ReportPage: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract: "Write the snapshot as one self-contained HTML page: risks, escalation paths, back doors, a diff.",
      discussion: """
        The page holds the snapshot's summary and warnings; every identity with a finding ranked as `audit` ranks \
        them, in a table that filters by kind, namespace and tag, sorts, and opens each row to its findings, \
        workloads and permissions (with the binding -> role -> rule behind each line); the shortest escalation \
        paths to cluster-admin and to a node drawn as graphs, each step's evidence on hover or click; the \
        identities within --within steps of cluster-admin drawn together; the provider back doors; and with \
        --diff, what `diff` reports, the new paths drawn.

        All styles, scripts and drawings are inside the file: it opens from disk on a machine without network \
        access, and loads nothing. Large clusters are capped (permissions and paths worked out for --top \
        identities, at most 60 boxes in the whole-cluster view), and the page says what it left out.

        -o html writes the page; -o json or yaml its data; table (the default) a summary.

        Examples:
          rolecall report -o html > rolecall.html
          rolecall report --snapshot prod -o html > prod.html
          rolecall report --diff prod pr-42 -o html > pr-42.html     # the page of pr-42, with its changes from prod
          rolecall report --top 200 --within 3 -o html > deep.html
        """)

    @Option(
      parsing: .upToNextOption,
      help: ArgumentHelp(
        "Add the diff from snapshot A to B (default: the report's snapshot); the page describes B.",
        valueName: "snapshot"))
    var diff: [String] = []

    @Option(help: "How many identities get their permissions and paths worked out ahead (the first of each kind).")
    var top: Int = 50

    @Option(help: "The whole-cluster view draws the identities within this many steps of cluster-admin.")
    var within: Int = 2

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      guard diff.count <= 2 else { throw ValidationError("--diff takes one or two snapshots: --diff A [B]") }
      if diff.count == 2, let snapshot = database.snapshot, snapshot != diff[1] {
        throw ValidationError(
          "--diff \(diff[0]) \(diff[1]) makes the page of \(diff[1]), not of --snapshot \(snapshot): give one of them "
            + "(--diff A --snapshot B is --diff A B)")
      }
      guard (0...1_000).contains(top) else { throw ValidationError("--top takes 0 to 1000 identities") }
      guard (1...8).contains(within) else { throw ValidationError("--within takes 1 to 8 steps") }
      guard [.html, .json, .yaml, .table, .wide].contains(output.output) else {
        throw ValidationError("report prints -o html (the page), json or yaml (its data), or table (a summary)")
      }
    }

    func run() throws {
      // `--diff A B` is the page of B.
      var database = self.database
      if diff.count == 2 { database.snapshot = diff[1] }
      let analyst = try database.analyst()
      let limits = HTMLReport.Limits(detailed: top, clusterSteps: within)
      try output.print(try analyst.report(limits: limits, diffFrom: diff.first))
    }
  }
}
