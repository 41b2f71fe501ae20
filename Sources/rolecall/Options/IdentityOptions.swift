// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser

/// `--as` and `--as-group`, as kubectl spells them.
struct IdentityOptions: ParsableArguments {
  @Option(name: .customLong("as"), help: "The username to evaluate, e.g. alice or system:serviceaccount:NS:NAME.")
  var user: String?

  @Option(
    name: .customLong("as-group"),
    help: "A group the user is in (repeatable). system:authenticated is added unless system:unauthenticated is given.")
  var groups: [String] = []
}

/// `-n`, `-A` and `--subresource`.
struct ScopeOptions: ParsableArguments {
  @Option(name: .shortAndLong, help: "The namespace of the request (default: \"default\", as kubectl's).")
  var namespace: String?

  @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Ask about every namespace.")
  var allNamespaces = false

  @Option(help: "A subresource, e.g. exec or log (or write RESOURCE/SUBRESOURCE).")
  var subresource: String = ""

  func validate() throws {
    if allNamespaces && namespace != nil { throw ValidationError("-n and -A exclude each other") }
  }
}
