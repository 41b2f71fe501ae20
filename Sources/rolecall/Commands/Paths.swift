// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import RBACAnalysis
import RBACGraph
import RBACReport

extension Rolecall {
  struct Paths: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show the shortest escalation paths from a subject to cluster-admin, a node, or another subject.",
      discussion: """
        Nodes are identities (user:NAME, group:NAME, sa:NAMESPACE:NAME, aws:ARN for aws-auth IAM identities) and \
        two targets: cluster-admin (system:masters, or every verb on every resource cluster-wide) and node (root on \
        a node). Each step names its primitive (`rolecall primitives` lists them) and the binding, role and rule \
        that make it possible.

        Examples:
          rolecall paths --from sa:ci:builder
          rolecall paths --from group:system:authenticated --to node
          rolecall paths --from user:alice --to sa:kube-system:replicaset-controller -o dot | dot -Tsvg > p.svg
          rolecall paths --from group:payments-oncall --clusters env=prod

        With --clusters, the shortest path in the latest snapshot of every matching cluster, one line each (-o wide: \
        every path); exit 1 when a cluster has none.
        """)

    @Option(help: "The subject to start from.")
    var from: String

    @Option(help: "cluster-admin (default), node, or a subject.")
    var to: String = "cluster-admin"

    @Option(help: "The longest path to look for, in steps.")
    var maxDepth: Int = 8

    @Option(help: "How many shortest paths to show at most.")
    var limit: Int = 5

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fleet: FleetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try fleet.validate(with: database) }

    func run() throws {
      if let selector = fleet.clusters {
        let report = try fleet.fleet(database, selector: selector)
          .paths(from: from, to: to, maxDepth: maxDepth, limit: limit)
        try output.print(report)
        if report.answers.contains(where: { !$0.answer.reachable }) { throw ExitCode(1) }
        return
      }
      let report = try database.analyst().paths(from: from, to: to, maxDepth: maxDepth, limit: limit)
      try output.print(report)
      if !report.reachable { throw ExitCode(1) }
    }
  }

  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Rank service accounts, users and groups by how close they are to cluster-admin.",
      discussion: """
        Findings: admin-equivalent (one step from cluster-admin, by any primitive: impersonating system:masters, \
        controlling a webhook, ...; diff's "allowed everything" is the narrower case of holding every verb on every \
        resource), reaches-cluster-admin (in N steps), reads-all-secrets, \
        creates-pods-everywhere, wildcard-rule, reaches-node. Each service account lists the workloads that run as \
        it. Identities managed by Kubernetes or a provider are tagged, never hidden. A baseline file accepts known \
        findings, one per line: IDENTITY (all its findings), IDENTITY FINDING, or tag:TAG (every finding of the \
        identities with that tag: tag:kubernetes-default, tag:provider:EKS); # starts a comment. Entries that \
        accept nothing are listed as stale.

        Exit code 1 when any finding is not accepted, so that a pipeline can gate on it.

        Examples:
          rolecall audit
          rolecall audit -o sarif > rolecall.sarif
          rolecall audit --baseline accepted-risks.txt
          rolecall audit --clusters all

        With --clusters, a summary: per cluster, how many identities have open findings, and how many have \
        each finding (-o json: every cluster's whole audit); exit 1 when any cluster has an open finding.
        """)

    @Option(help: "A file of accepted findings.")
    var baseline: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fleet: FleetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try fleet.validate(with: database) }

    func run() throws {
      if let selector = fleet.clusters {
        let report = try fleet.fleet(database, selector: selector).audit(
          baseline: try baseline.map(Baseline.init(contentsOf:)) ?? Baseline(),
          summaryOnly: [.table, .wide].contains(output.output))
        try output.print(report)
        if report.answers.contains(where: \.answer.hasOpenFindings) { throw ExitCode(1) }
        return
      }
      let report = try database.analyst().audit(baseline: try baseline.map(Baseline.init(contentsOf:)) ?? Baseline())
      try output.print(report)
      if report.hasOpenFindings { throw ExitCode(1) }
    }
  }

  struct Backdoors: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the provider-managed identities in the snapshot, their power, and the admins RBAC cannot show.",
      discussion: """
        Matches users, groups, service accounts, ClusterRoles and ClusterRoleBindings against the catalog in \
        data/provider-identities.yaml (EKS, GKE, AKS, OpenShift, Rancher, kubeadm, ...) and the IAM identities of \
        EKS aws-auth; -o wide shows each one's shortest path to cluster-admin. With --clusters, those of the \
        latest snapshot of every matching cluster, in one table.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fleet: FleetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try fleet.validate(with: database) }

    func run() throws {
      if let selector = fleet.clusters {
        try output.print(try fleet.fleet(database, selector: selector).backdoors())
        return
      }
      try output.print(try database.analyst().backdoors())
    }
  }

  struct Primitives: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the catalog of escalation primitives: condition, yield and reference of each.")

    @OptionGroup var output: OutputOptions

    func run() throws {
      try output.print(PrimitivesReport(Primitive.catalog))
    }
  }
}
