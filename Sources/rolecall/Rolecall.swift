// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation

/// The `rolecall` command: parses arguments, calls the library, prints what it returns.
@main
struct Rolecall: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Kubernetes RBAC permission analyzer: who can do what, and why.",
    discussion: """
      rolecall reads RBAC objects from manifests or `kubectl get -o json|yaml` dumps into a local SQLite database \
      (a snapshot per ingest) and answers questions exactly as the API server's RBAC authorizer would, explaining \
      each answer with the binding, role and rule behind it.

      Start with `rolecall ingest FILES...`, then ask `can-i`, `who-can` or `perms`.

      Exit codes: 0 success (can-i: yes), 1 can-i: no, paths: unreachable, audit: open findings, diff --fail-on: \
      the change was found, check: an assertion failed; 2 bad input or a failed command; 64 bad usage.
      """,
    version: "0.1.0",
    subcommands: [
      Ingest.self, CanI.self, WhoCan.self, Perms.self, Paths.self, Audit.self, Backdoors.self, Primitives.self,
      Diff.self, Check.self, Lint.self, Snapshots.self, Query.self, ReportPage.self,
    ]
  )

  /// Maps every error to one line on stderr and the documented exit codes, in one place.
  static func main() async {
    do {
      var command = try parseAsRoot()
      if var reading = command as? any AsyncParsableCommand {
        try await reading.run()
      } else {
        try command.run()
      }
    } catch let code as ExitCode {
      Foundation.exit(code.rawValue)
    } catch where isRolecallError(error) {
      FileHandle.standardError.write(Data("rolecall: error: \(error)\n".utf8))
      Foundation.exit(2)
    } catch {
      exit(withError: error)
    }
  }
}
