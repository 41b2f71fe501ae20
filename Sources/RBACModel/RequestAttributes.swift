// rolecall — SPDX-License-Identifier: Apache-2.0

/// What a request asks for, as the API server's request-info filter fills in `authorizer.Attributes`.
///
/// These attributes are literal: no short names, no scope fix-up. Turning `kubectl`-style arguments into
/// attributes is ``ResourceCatalog``'s job.
public struct RequestAttributes: Sendable, Hashable, Codable {
  /// A resource request (`/api`, `/apis`) or a request for any other path.
  public enum Target: Sendable, Hashable, Codable {
    case resource(Resource)
    case nonResource(path: String)
  }

  /// The resource part of a resource request.
  public struct Resource: Sendable, Hashable, Codable {
    public var apiGroup: String
    public var resource: String
    public var subresource: String
    /// The object name; empty for create, list, watch and deletecollection.
    public var name: String
    /// The namespace; empty for cluster-scoped resources and for requests across all namespaces.
    public var namespace: String

    public init(
      apiGroup: String = "", resource: String, subresource: String = "", name: String = "",
      namespace: String = ""
    ) {
      self.apiGroup = apiGroup
      self.resource = resource
      self.subresource = subresource
      self.name = name
      self.namespace = namespace
    }

    /// `resource` or `resource/subresource`, the form rules are matched against.
    public var combinedResource: String {
      subresource.isEmpty ? resource : resource + "/" + subresource
    }
  }

  public var verb: String
  public var target: Target

  public init(verb: String, target: Target) {
    self.verb = verb
    self.target = target
  }

  public static func resource(
    _ verb: String, group: String = "", _ resource: String, subresource: String = "",
    name: String = "", namespace: String = ""
  ) -> RequestAttributes {
    RequestAttributes(
      verb: verb,
      target: .resource(
        Resource(
          apiGroup: group, resource: resource, subresource: subresource, name: name,
          namespace: namespace)))
  }

  public static func nonResource(_ verb: String, path: String) -> RequestAttributes {
    RequestAttributes(verb: verb, target: .nonResource(path: path))
  }

  /// The namespace whose RoleBindings are consulted; empty means only ClusterRoleBindings apply.
  public var namespace: String {
    if case .resource(let r) = target { return r.namespace }
    return ""
  }
}

extension RequestAttributes: CustomStringConvertible {
  /// A kubectl-like rendering: `create pods/exec "web-0" in namespace "prod"`.
  public var description: String {
    guard case .resource(let r) = target else { return action }
    return action + (r.namespace.isEmpty ? " (cluster-wide)" : " in namespace \"\(r.namespace)\"")
  }

  /// The verb and what it acts on, without where: `create pods/exec "web-0"`.
  public var action: String {
    switch target {
    case .nonResource(let path):
      return "\(verb) \(path)"
    case .resource(let r):
      var text = verb + " " + r.combinedResource
      if !r.apiGroup.isEmpty {
        text = verb + " " + r.resource + "." + r.apiGroup + (r.subresource.isEmpty ? "" : "/" + r.subresource)
      }
      if !r.name.isEmpty { text += " \"\(r.name)\"" }
      return text
    }
  }
}
