// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import RBACIngest
import RBACReport
import RBACStore

extension Rolecall {
  struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read RBAC objects from files, directories or stdin into a new snapshot.",
      discussion: """
        Reads .yaml, .yml and .json files (directories recursively, in name order) and `-` for stdin, as \
        multi-document YAML, Helm output, and List objects exactly as `kubectl get ... -o json|yaml` prints them. \
        Roles, ClusterRoles, their bindings, ServiceAccounts and Namespaces are stored; other kinds are counted. \
        Aggregated ClusterRoles are resolved from their selectors, as the controller would.

        One ingest is one snapshot written in one transaction: on any error nothing is written. A summary and \
        warnings (dangling bindings, subjects that match no one, ...) go to stderr.

        Examples:
          kubectl get clusterroles,clusterrolebindings -o json > cluster.json
          kubectl get roles,rolebindings,serviceaccounts,namespaces -A -o json > namespaced.json
          rolecall ingest cluster.json namespaced.json
          helm template my-release ./chart | rolecall ingest - --snapshot pr-42
          rolecall ingest manifests/ --namespace prod
        """)

    @Argument(help: "Files, directories, or - for stdin.")
    var paths: [String]

    @Option(name: .long, help: "The snapshot's name (default: the current time, ISO 8601).")
    var snapshot: String?

    @Option(name: .shortAndLong, help: "The namespace of namespaced objects that name none (as kubectl apply -n).")
    var namespace: String = "default"

    @Option(help: "The database file (default: $ROLECALL_DB, else ./rolecall.db).")
    var db: String?

    @Flag(name: .shortAndLong, help: "Print no summary.")
    var quiet = false

    @Flag(help: "List every warning instead of the first few of each kind.")
    var verbose = false

    @Option(name: .shortAndLong, help: "json or yaml: print the summary on stdout in that format as well.")
    var output: OutputFormat?

    func run() throws {
      let content = try RBACIngest.Ingest.read(paths: paths, options: .init(defaultNamespace: namespace))
      let path = db ?? ProcessInfo.processInfo.environment["ROLECALL_DB"] ?? "rolecall.db"
      let info = try RolecallDatabase(path: path).writeSnapshot(content, name: snapshot, sources: paths)
      let report = IngestReport(snapshot: info, diagnostics: content.diagnostics)
      if !quiet { printError(try Renderer.render(report, as: verbose ? .wide : .table)) }
      if let output, output == .json || output == .yaml {
        FileHandle.standardOutput.write(Data(try Renderer.render(report, as: output).utf8))
      }
    }
  }
}
