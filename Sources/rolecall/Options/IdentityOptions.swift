// rolecall — SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import RBACAnalysis
import RBACModel

/// `--as` and `--as-group`, as kubectl spells them.
struct IdentityOptions: ParsableArguments {
  @Option(
    name: .customLong("as"),
    help: "The username to evaluate, e.g. alice or system:serviceaccount:NS:NAME (sa:NS:NAME and user:NAME, as perms and check write them, too).")
  var user: String?

  /// The username `--as` names: `sa:NS:NAME` and `user:NAME`, the spellings `perms` and `check` take, are read as
  /// they read them; a group is refused with the option that takes it.
  func username(_ text: String) throws -> String {
    guard ["sa:", "user:", "group:"].contains(where: text.hasPrefix), let subject = try? SubjectArgument(parsing: text) else {
      return text
    }
    switch subject {
    case .user(let name): return name
    case .serviceAccount(let ns, let name): return ServiceAccountName.username(namespace: ns, name: name)
    case .group(let name):
      throw ValidationError("--as takes a user: write --as USER --as-group \(name) to ask as a member of that group")
    }
  }


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
