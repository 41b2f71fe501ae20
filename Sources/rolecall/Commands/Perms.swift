// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import RBACAnalysis

extension Rolecall {
  struct Perms: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show what a subject can do, cluster-wide and in each namespace, and why.",
      discussion: """
        SUBJECT is user:NAME, group:NAME, sa:NAMESPACE:NAME or system:serviceaccount:NAMESPACE:NAME. Users and \
        service accounts are evaluated with their implicit groups (system:authenticated; a service account's \
        system:serviceaccounts and system:serviceaccounts:NAMESPACE), so grants to those groups appear too. \
        Rules are merged per resource; -o wide shows the binding, role and rule behind every line.

        Examples:
          rolecall perms sa:kube-system:replicaset-controller
          rolecall perms user:alice --as-group devs -o wide
          rolecall perms group:system:authenticated
        """)

    @Argument(help: "user:NAME, group:NAME, sa:NAMESPACE:NAME or system:serviceaccount:NAMESPACE:NAME.")
    var subject: String

    @Option(name: .customLong("as-group"), help: "A further group the subject is in (repeatable).")
    var groups: [String] = []

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      let subject = try SubjectArgument(parsing: subject)
      try output.print(try database.analyst().permissions(of: subject, extraGroups: groups))
    }
  }
}
