// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import RBACAnalysis
import RBACIngest
import RBACModel
import RBACReport

extension Rolecall {
  struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find what the API server would reject, never match, or turn into an escalation, in RBAC manifests.",
      discussion: """
        Reads files, directories or - (as ingest does, without storing anything), or a stored snapshot with \
        --snapshot, and reports each finding with its object, file, document and line:
          error    rejected or never matches: a resource rule without apiGroups, resources mixed with \
        nonResourceURLs, a capitalised verb or resource (Get, Secrets), a binding to a missing role, a \
        ClusterRoleBinding to a Role, an invalid aggregation selector
          warning  likely a mistake, or dangerous: a resource its built-in group does not have \
        (persistentvolumerclaims), an unknown verb, a pods/*-style pattern (not a pattern upstream), create or \
        deletecollection with resourceNames, a binding without subjects or to a missing service account, an \
        aggregation that selects nothing, and an escalation primitive granted cluster-wide (with its catalog id)
          info     an escalation primitive granted in one namespace
        Known resources are the built-in ones of the current Kubernetes release and those the input's \
        CustomResourceDefinitions add.

        Exit 1 when a finding is at or above --fail-on (default: error).

        Examples:
          rolecall lint manifests/
          helm template my-release ./chart | rolecall lint - -o sarif > lint.sarif
          rolecall lint --snapshot prod --fail-on warning
        """)

    @Argument(help: "Files, directories, or - for stdin; none: the stored snapshot (--snapshot, else the latest).")
    var paths: [String] = []

    @Option(help: "Exit 1 on findings at or above this level: error, warning or info.")
    var failOn: String = "error"

    @Option(name: .shortAndLong, help: "The namespace of namespaced objects that name none (as kubectl apply -n).")
    var namespace: String = "default"

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      guard LintReport.Level(rawValue: failOn) != nil else {
        throw ValidationError("--fail-on takes error, warning or info, not \"\(failOn)\"")
      }
    }

    func run() throws {
      let content: SnapshotContent
      if paths.isEmpty {
        let analyst = try database.analyst()
        content = try analyst.database.content(of: analyst.snapshot)
      } else {
        content = try RBACIngest.Ingest.read(paths: paths, options: .init(defaultNamespace: namespace))
      }
      let report = RBACAnalysis.Lint.report(content)
      try output.print(report)
      let threshold = LintReport.Level(rawValue: failOn)!
      if report.findings.contains(where: { $0.level.rank <= threshold.rank }) { throw ExitCode(1) }
    }
  }
}
