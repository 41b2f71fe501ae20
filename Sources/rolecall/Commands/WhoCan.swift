// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import RBACAnalysis

extension Rolecall {
  struct WhoCan: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "who-can",
      abstract: "List every subject allowed to make a request, with the bindings that allow it.",
      discussion: """
        Lists users, groups and service accounts named by a binding whose role allows the request: the \
        ClusterRoleBindings, and the RoleBindings of -n NAMESPACE (default "default") or, with -A, of every \
        namespace. system:masters is always listed: the API server allows it everything. Groups stand for all \
        their members (system:authenticated is everyone with credentials). Several verbs separated by commas are \
        answered one by one, each under its own heading. With --expand, a group gives way to the members the \
        snapshot knows, each marked with how it belongs: the service accounts of system:serviceaccounts[:NS], \
        the IAM identities aws-auth maps into it, and for system:authenticated every account and user the \
        snapshot names. Members an identity provider adds are not known offline; a group without known members \
        stays listed as itself.

        Examples:
          rolecall who-can get secrets -n kube-system
          rolecall who-can get,list,watch secrets -n kube-system
          rolecall who-can create pods -n ci --expand
          rolecall who-can create pods/exec -A -o wide
          rolecall who-can escalate clusterroles.rbac.authorization.k8s.io
          rolecall who-can --batch requests.jsonl
          rolecall who-can create pods/exec -A --clusters 'env=prod,region in (eu,us)'

        With --clusters, the question is asked of the latest snapshot of every matching cluster, and the answers \
        are listed together, each row under its cluster.
        """)

    @Argument(help: "VERB RESOURCE [NAME]; VERB may list several verbs: get,list,watch.")
    var words: [String] = []

    @OptionGroup var scope: ScopeOptions

    @Option(
      help: ArgumentHelp(
        "Answer JSON Lines requests from FILE (- for stdin) with the request plus \"subjects\".",
        discussion: "Each line: {\"verb\",\"apiGroup\",\"resource\",\"subresource\",\"name\",\"namespace\"} or "
          + "{\"verb\",\"nonResourceURL\"}, taken literally; an empty namespace means cluster-wide only.",
        valueName: "file"))
    var batch: String?

    @Flag(help: "List the members the snapshot knows of each group instead of the group (not with --batch).")
    var expand = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fleet: FleetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      try fleet.validate(with: database)
      if fleet.clusters != nil && batch != nil { throw ValidationError("--clusters answers one question, not --batch") }
      guard batch != nil || words.count == 2 || words.count == 3 else {
        throw ValidationError("who-can takes VERB RESOURCE [NAME], or --batch FILE")
      }
      if batch != nil && expand { throw ValidationError("--expand answers a question, not a --batch file") }
      if batch == nil, verbs.contains(where: \.isEmpty) {
        throw ValidationError("\"\(words[0])\": every verb of a comma-separated list must be named")
      }
    }

    var argument: RequestArgument {
      RequestArgument(
        verb: words[0], resource: words[1], name: words.count > 2 ? words[2] : "",
        subresource: scope.subresource, namespace: scope.namespace, allNamespaces: scope.allNamespaces)
    }

    /// The verbs asked, in order, each once.
    var verbs: [String] {
      var seen = Set<String>()
      return words.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }?
        .filter { $0.isEmpty || seen.insert($0).inserted } ?? []
    }

    func run() throws {
      if let selector = fleet.clusters {
        try output.print(try fleet.fleet(database, selector: selector).whoCan(verbs: verbs, argument, expand: expand))
        return
      }
      let analyst = try database.analyst()
      if let batch {
        try analyst.whoCanBatch(try readInput(batch)) { FileHandle.standardOutput.write(Data($0)) }
        return
      }
      if verbs.count == 1 {
        try output.print(try analyst.whoCan(argument, expand: expand))
      } else {
        try output.print(try analyst.whoCan(verbs: verbs, argument, expand: expand))
      }
    }
  }
}
