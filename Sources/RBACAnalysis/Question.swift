// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel

/// Errors in what was asked: a subject, resource or request that cannot be understood.
public enum QuestionError: Error, Equatable, CustomStringConvertible {
  case badSubject(String)
  case badRequest(String)

  public var description: String {
    switch self {
    case .badSubject(let text):
      return "cannot read subject \"\(text)\": write user:NAME, group:NAME, sa:NAMESPACE:NAME or "
        + "system:serviceaccount:NAMESPACE:NAME"
    case .badRequest(let message): return message
    }
  }
}

/// A subject named on the command line: `user:alice`, `group:devs`, `sa:ci:builder`,
/// `system:serviceaccount:ci:builder`.
public enum SubjectArgument: Sendable, Hashable {
  case user(String)
  case group(String)
  case serviceAccount(namespace: String, name: String)

  public init(parsing text: String) throws {
    switch GraphNode(parsing: text) {
    case .user(let name): self = .user(name)
    case .group(let name): self = .group(name)
    case .serviceAccount(let ns, let name) where ns != "*" && name != "*": self = .serviceAccount(namespace: ns, name: name)
    default: throw QuestionError.badSubject(text)
    }
  }

  /// The identity whose permissions `perms` reports. A user or service account is authenticated and carries its
  /// implicit groups; a group stands for what membership in that one group grants.
  public func identity(extraGroups: [String]) -> UserInfo {
    switch self {
    case .user(let name): return .impersonating(name, groups: extraGroups)
    case .serviceAccount(let ns, let name):
      return .impersonating(ServiceAccountName.username(namespace: ns, name: name), groups: extraGroups)
    case .group(let name):
      return UserInfo(name: "", groups: [name] + extraGroups.filter { $0 != name })
    }
  }

  public var label: String {
    switch self {
    case .user(let name): return "User \(name)"
    case .group(let name): return "Group \(name)"
    case .serviceAccount(let ns, let name): return "ServiceAccount \(ns)/\(name)"
    }
  }
}

/// A request as the command line states it: `VERB RESOURCE [NAME]` with kubectl's conveniences, or `VERB /path`.
public struct RequestArgument: Sendable, Hashable {
  public var verb: String
  public var resource: String
  public var name: String
  public var subresource: String
  /// `-n`; nil when not given.
  public var namespace: String?
  /// `-A`: every namespace.
  public var allNamespaces: Bool

  public init(
    verb: String, resource: String, name: String = "", subresource: String = "", namespace: String? = nil,
    allNamespaces: Bool = false
  ) {
    self.verb = verb
    self.resource = resource
    self.name = name
    self.subresource = subresource
    self.namespace = namespace
    self.allNamespaces = allNamespaces
  }

  /// The namespace kubectl uses when none is given and the kubeconfig names none.
  public static let defaultNamespace = "default"

  /// The literal attributes, the namespace scope for `who-can`, and notes on anything that was assumed.
  /// The verbs the API server and its built-in admission checks ask RBAC about.
  static let knownVerbs: Set<String> = [
    "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "impersonate", "bind",
    "escalate", "approve", "sign", "attest", "use", "proxy", "*",
  ]

  public func resolve(catalog: ResourceCatalog = ResourceCatalog()) throws -> (
    RequestAttributes, NamespaceScope, [String]
  ) {
    guard !verb.isEmpty else { throw QuestionError.badRequest("the verb must not be empty") }
    if resource.hasPrefix("/") {
      if !name.isEmpty {
        throw QuestionError.badRequest("a non-resource URL (\(resource)) takes no resource name")
      }
      return (.nonResource(verb, path: resource), .cluster, [])
    }
    guard !resource.isEmpty else { throw QuestionError.badRequest("the resource must not be empty") }
    let parts = resource.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count <= 2, !parts.contains("") else {
      throw QuestionError.badRequest("\"\(resource)\" is not RESOURCE or RESOURCE/SUBRESOURCE (e.g. pods, pods/exec)")
    }
    var notes: [String] = []
    if !Self.knownVerbs.contains(verb) {
      notes.append(
        "\"\(verb)\" is not a verb the API server checks (\(Self.knownVerbs.sorted().joined(separator: ", "))): only a rule "
          + "that names it exactly, or *, allows it")
    }
    let r = catalog.resolve(resource, subresource: subresource)
    if r.assumed {
      let group = r.group.isEmpty ? "the core group" : "group \"\(r.group)\""
      notes.append(
        "\"\(resource)\" is neither built in nor defined by a CustomResourceDefinition of the snapshot: taken as \"\(r.resource)\" in \(group), namespaced")
    }
    var namespace = ""
    var scope = NamespaceScope.cluster
    if r.namespaced {
      if allNamespaces {
        scope = .all
      } else {
        namespace = self.namespace ?? Self.defaultNamespace
        scope = .namespace(namespace)
      }
    } else if let given = self.namespace, !given.isEmpty {
      notes.append("\(r.resource) is cluster-scoped: namespace \"\(given)\" is ignored")
    }
    // The API server files a request for one Namespace object under that namespace, so a RoleBinding there can
    // grant get, update, patch and delete on its own Namespace.
    if r.group.isEmpty && r.resource == "namespaces" && !name.isEmpty {
      namespace = name
      scope = .namespace(name)
      notes.append("a request for namespace \"\(name)\" is evaluated in that namespace, as the API server does")
    }
    let attributes = RequestAttributes.resource(
      verb, group: r.group, r.resource, subresource: r.subresource, name: name, namespace: namespace)
    return (attributes, scope, notes)
  }
}
