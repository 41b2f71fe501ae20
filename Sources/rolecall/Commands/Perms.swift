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
          rolecall perms sa:ci:builder -o matrix
          rolecall perms sa:ci:builder -A --matrix -o wide
          rolecall perms group:payments-oncall --clusters env=prod

        With --clusters, the permissions in the latest snapshot of every matching cluster, in one table.
        """)

    @Argument(help: "user:NAME, group:NAME, sa:NAMESPACE:NAME or system:serviceaccount:NAMESPACE:NAME.")
    var subject: String

    @Option(name: .customLong("as-group"), help: "A further group the subject is in (repeatable).")
    var groups: [String] = []

    @Flag(
      help: ArgumentHelp(
        "Every resource the snapshot knows against get, list, watch, create, update, patch, delete and "
          + "deletecollection, cluster-wide, each yes, no or partial (resourceNames only).",
        discussion: "-o matrix is the grid alone; --matrix takes -o wide (the grant behind each yes), json or yaml."))
    var matrix = false

    @Flag(
      name: [.customShort("A"), .customLong("all-namespaces")],
      help: "With the matrix: then each namespace whose answer differs from the cluster-wide one.")
    var allNamespaces = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fleet: FleetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      try fleet.validate(with: database)
      if fleet.clusters != nil && (matrix || output.output == .matrix) {
        throw ValidationError("--clusters lists permissions, not the matrix")
      }
      if allNamespaces && !(matrix || output.output == .matrix) {
        throw ValidationError("-A goes with the matrix (-o matrix): perms already lists every namespace")
      }
    }

    func run() throws {
      let subject = try SubjectArgument(parsing: subject)
      if let selector = fleet.clusters {
        try output.print(try fleet.fleet(database, selector: selector).permissions(of: subject, extraGroups: groups))
        return
      }
      let analyst = try database.analyst()
      if matrix || output.output == .matrix {
        let user = subject.identity(extraGroups: groups)
        try output.print(
          try analyst.accessMatrix(for: user, subject: subject.label, namespace: "", allNamespaces: allNamespaces))
        return
      }
      try output.print(try analyst.permissions(of: subject, extraGroups: groups))
    }
  }
}
