// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import RBACAnalysis
import RBACIngest
import RBACModel

extension Rolecall {
  struct CanI: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "can-i",
      abstract: "Check whether an identity may make a request: prints yes (exit 0) or no (exit 1).",
      discussion: """
        RESOURCE is written as for kubectl: pods, po, pods/exec, deployments.apps, deployments.v1.apps, \
        widgets.example.com; a path starting with / asks about a non-resource URL. Namespaced resources are asked \
        about in -n NAMESPACE (default "default"); cluster-scoped ones cluster-wide.

        The identity is --as USER with --as-group GROUP..., built as the API server builds an impersonated user, \
        so system:serviceaccount:NS:NAME carries its service-account groups, and everyone but system:anonymous is in \
        system:authenticated. Members of system:masters may do everything.

        Examples:
          rolecall can-i create pods -n prod --as system:serviceaccount:ci:builder
          rolecall can-i get secrets db-password -n prod --as alice -o wide
          rolecall can-i get /healthz --as system:anonymous
          rolecall can-i --list --as alice -n prod
          rolecall can-i --list --as alice -n prod -o matrix
          rolecall can-i --list --as system:serviceaccount:ci:builder -A --matrix -o wide
          rolecall can-i --batch requests.jsonl
          rolecall can-i create pods/exec -n payments --as alice --as-group payments-oncall --clusters env=prod

        With --clusters, the question is asked of the latest snapshot of every matching cluster, one row each; \
        the exit status is 0 only when every cluster answers yes.
        """)

    @Argument(help: "VERB RESOURCE [NAME].")
    var words: [String] = []

    @OptionGroup var identity: IdentityOptions
    @OptionGroup var scope: ScopeOptions

    @Flag(help: "List everything the identity may do in the namespace, as kubectl auth can-i --list.")
    var list = false

    @Flag(
      help: ArgumentHelp(
        "With --list: every resource the snapshot knows against get, list, watch, create, update, patch, delete and "
          + "deletecollection, each yes, no or partial (resourceNames only).",
        discussion: "-o matrix is the grid alone; --matrix takes -o wide (the grant behind each yes), json or yaml. "
          + "With -A: the cluster-wide grid, then each namespace whose answer differs from it."))
    var matrix = false

    @Option(
      help: ArgumentHelp(
        "Answer JSON Lines requests from FILE (- for stdin) with the request plus \"allowed\".",
        discussion: "Each line: {\"user\",\"groups\",\"verb\",\"apiGroup\",\"resource\",\"subresource\",\"name\","
          + "\"namespace\"} or {\"user\",\"groups\",\"verb\",\"nonResourceURL\"}, taken literally as a "
          + "SubjectAccessReview takes them.", valueName: "file"))
    var batch: String?

    @Flag(help: "Explain the answer (the same as -o wide).")
    var explain = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fleet: FleetOptions
    @OptionGroup var output: OutputOptions

    /// Usage is checked before anything is opened, and exits 64 as bad usage does.
    func validate() throws {
      try fleet.validate(with: database)
      if fleet.clusters != nil && (batch != nil || list) {
        throw ValidationError("--clusters answers one question, not --list or --batch")
      }
      guard batch == nil else { return }
      guard let user = identity.user else {
        throw ValidationError("--as USER is required: rolecall has no current user to assume")
      }
      guard !user.isEmpty else { throw ValidationError("--as must name a user, not be empty") }
      _ = try identity.username(user)
      guard list || words.count == 2 || words.count == 3 else {
        throw ValidationError("can-i takes VERB RESOURCE [NAME], or --list, or --batch FILE")
      }
      if (matrix || output.output == .matrix) && !list {
        throw ValidationError("the access matrix is a --list: add --list")
      }
      if scope.allNamespaces && list && !(matrix || output.output == .matrix) {
        throw ValidationError("--list -A needs the matrix (-o matrix): a plain list answers one namespace")
      }
    }

    func run() throws {
      if let selector = fleet.clusters {
        let info = UserInfo.impersonating(try identity.username(identity.user!), groups: identity.groups)
        let report = try fleet.fleet(database, selector: selector).canI(info, request(words))
        try output.print(report, as: explain && output.output == .table ? .wide : output.output)
        if report.answers.contains(where: { !$0.answer.allowed }) { throw ExitCode(1) }
        return
      }
      let analyst = try database.analyst()
      if let batch {
        try analyst.canIBatch(try readInput(batch)) { FileHandle.standardOutput.write(Data($0)) }
        return
      }
      let info = UserInfo.impersonating(try identity.username(identity.user!), groups: identity.groups)
      if list && (matrix || output.output == .matrix) {
        let namespace = scope.allNamespaces ? "" : scope.namespace ?? RequestArgument.defaultNamespace
        try output.print(
          try analyst.accessMatrix(for: info, subject: info.name, namespace: namespace, allNamespaces: scope.allNamespaces))
        return
      }
      if list {
        try output.print(try analyst.rules(for: info, namespace: scope.namespace ?? RequestArgument.defaultNamespace))
        return
      }
      let report = try analyst.canI(info, request(words))
      var format = output.output
      if explain && format == .table { format = .wide }
      try output.print(report, as: format)
      if format == .table { for note in report.notes { printError("warning: \(note)\n") } }
      if !report.allowed { throw ExitCode(1) }
    }

    func request(_ words: [String]) -> RequestArgument {
      RequestArgument(
        verb: words[0], resource: words[1], name: words.count > 2 ? words[2] : "", subresource: scope.subresource,
        namespace: scope.namespace, allNamespaces: scope.allNamespaces)
    }
  }
}

/// Reads a file, or stdin for `-`, up to the size ingest reads (a stream of any length is refused, not held).
func readInput(_ path: String) throws -> Data {
  if path == "-" { return try InputLimits.contents(of: FileHandle.standardInput, name: "-") }
  // FileHandle reads pipes too (`--batch <(...)`), where FileManager.contents(atPath:) gives up.
  guard let handle = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)) else {
    throw UsageError(description: "\(path): cannot read")
  }
  defer { try? handle.close() }
  return try InputLimits.contents(of: handle, name: path)
}
