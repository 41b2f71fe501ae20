// rolecall — SPDX-License-Identifier: Apache-2.0

/// The smallest unit a permission diff compares: one verb on one API group, resource and (optional) object name,
/// or one verb on one non-resource URL, in one scope.
///
/// Rules are broken into atoms so that how permissions are packaged (one role or two, one binding or another,
/// a list of verbs or several rules) never shows as a change; only what the API server would allow does. Each
/// field may hold a wildcard or pattern of the RBAC language, and ``covers(_:)`` decides whether one atom allows
/// every request another allows. These are the atoms as the RBAC language spells them; a diff of whole clusters
/// works on the same atoms with each string numbered.
public struct PermissionAtom: Sendable, Hashable, Codable {
  /// Where the permission holds: empty for cluster-wide (a ClusterRoleBinding), else the RoleBinding's namespace.
  public let namespace: String
  public let verb: String
  public let apiGroup: String
  /// `resource`, `resource/subresource`, `*` or `*/subresource`; empty for a non-resource URL.
  public let resource: String
  /// One object name, or nil for every name (a rule without resourceNames).
  public let resourceName: String?
  /// A URL path or pattern (`/healthz`, `/api/*`, `*`); empty for a resource permission.
  public let nonResourceURL: String

  public init(
    namespace: String, verb: String, apiGroup: String = "", resource: String = "", resourceName: String? = nil,
    nonResourceURL: String = ""
  ) {
    self.namespace = namespace
    self.verb = verb
    self.apiGroup = apiGroup
    self.resource = resource
    self.resourceName = resourceName
    self.nonResourceURL = nonResourceURL
  }

  public var isNonResource: Bool { !nonResourceURL.isEmpty }
}

// MARK: - Covering: does one atom allow every request another allows?

extension PermissionAtom {
  /// Whether every request `other` allows, `self` allows too: the conjunction of the rules below.
  public func covers(_ other: PermissionAtom) -> Bool {
    guard isNonResource == other.isNonResource else { return false }
    guard Self.scopeCovers(namespace, other.namespace), Self.verbCovers(verb, other.verb) else { return false }
    if isNonResource { return PolicyRule.nonResourceURL(nonResourceURL, matches: other.nonResourceURL) }
    return Self.apiGroupCovers(apiGroup, other.apiGroup) && Self.resourceCovers(resource, other.resource)
      && Self.resourceNameCovers(resourceName, other.resourceName)
  }

  /// A cluster-wide grant holds in every namespace; a namespace's grant holds only there.
  public static func scopeCovers(_ scope: String, _ other: String) -> Bool {
    scope.isEmpty || scope == other
  }

  /// `*` allows every verb; any other verb only itself.
  public static func verbCovers(_ verb: String, _ other: String) -> Bool {
    verb == Wildcard.all || verb == other
  }

  /// `*` allows every group; any other group only itself.
  public static func apiGroupCovers(_ group: String, _ other: String) -> Bool {
    group == Wildcard.all || group == other
  }

  /// `*` allows every resource and subresource; `*/sub` allows `sub` of every resource (and `*/sub` itself);
  /// anything else only itself: `pods` does not allow `pods/log`, and `pods/*` is a literal upstream.
  public static func resourceCovers(_ resource: String, _ other: String) -> Bool {
    if resource == Wildcard.all || resource == other { return true }
    guard resource.hasPrefix("*/"), let slash = other.firstIndex(of: "/") else { return false }
    return other[other.index(after: slash)...] == resource.dropFirst(2)
  }

  /// No name allows every name; a name allows only itself.
  public static func resourceNameCovers(_ name: String?, _ other: String?) -> Bool {
    guard let name else { return true }
    return name == other
  }
}
