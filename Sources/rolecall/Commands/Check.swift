// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import RBACAnalysis

extension Rolecall {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Verify a snapshot against a policy file: exit 0 when every assertion holds, 1 when one fails.",
      discussion: """
        A policy is a YAML list of assertions, written once and checked on every change:

          - name: the deployer can roll out to prod          # optional; replaces the restated assertion
            can: {subject: sa:ci:deployer, verb: create, resource: deployments.apps, namespace: prod}
          - cannot: {subject: group:system:authenticated, verb: list, resource: secrets, namespace: kube-system}
          - only: {verb: get, resource: secrets, namespace: kube-system, subjects: ["sa:kube-system:*"]}
          - no-path: {from: group:system:authenticated, to: cluster-admin}
          - no-path: {from: "sa:*:*", to: cluster-admin, except: ["sa:kube-system:*"]}
          - max-risk: {score: 100, identities: ["sa:*:*"], baseline: accepted-risks.txt}

        can / cannot: a request as `can-i` takes it (subject, verb, resource, and name, subresource, namespace, \
        groups). only: nobody but the listed subjects may make the request (system:masters always may and is \
        not listed). no-path: no identity matching `from` (`*` matches anything) reaches `to` (cluster-admin, \
        node, or an identity), except those matching `except`. max-risk: no identity matching `identities` has an \
        audit score above `score` with a finding the baseline (as `audit --baseline` reads it, relative to the \
        policy file) does not accept.

        Every failure is explained: the binding, role and rule that allow what should not be, or the path. \
        Output: table, wide, json, yaml, junit (CI test reports), sarif. Exit 2 on a policy that cannot be read, \
        and on a cannot subject, no-path source or max-risk pattern (`*` any run of characters, `?` one) that \
        matches no identity of the snapshot: a typo must not pass for want of anyone to check (a cannot subject \
        given with groups is a probe and may be anyone).

        Examples:
          rolecall check policy.yaml
          rolecall check policy.yaml --snapshot pr-42 -o junit > rolecall-junit.xml
          rolecall check policy.yaml --clusters env=prod

        With --clusters, the policy is checked against the latest snapshot of every matching cluster, each \
        assertion's result under its cluster; exit 1 when an assertion fails in any of them.
        """)

    @Argument(help: "The policy file (YAML).")
    var policy: String

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fleet: FleetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try fleet.validate(with: database) }

    func run() throws {
      let policy = try CheckPolicy(contentsOf: policy)
      if let selector = fleet.clusters {
        let report = try fleet.fleet(database, selector: selector).check(policy)
        try output.print(report)
        if report.answers.contains(where: { !$0.answer.passed }) { throw ExitCode(1) }
        return
      }
      let report = try database.analyst().check(policy)
      try output.print(report)
      if !report.passed { throw ExitCode(1) }
    }
  }
}
