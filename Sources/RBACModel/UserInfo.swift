// rolecall — SPDX-License-Identifier: Apache-2.0

/// An authenticated identity as the authorizer sees it: a username and its groups.
public struct UserInfo: Sendable, Hashable, Codable {
  public var name: String
  public var groups: [String]

  /// The identity exactly as given; no implicit groups are added.
  public init(name: String, groups: [String]) {
    self.name = name
    self.groups = groups
  }

  public static let anonymous = "system:anonymous"
  public static let authenticatedGroup = "system:authenticated"
  public static let unauthenticatedGroup = "system:unauthenticated"
  /// Members are allowed everything by the API server's privileged-group authorizer, before RBAC is asked.
  public static let mastersGroup = "system:masters"

  /// The identity the API server builds when it impersonates `name` with `groups`
  /// (upstream filters/impersonation.go).
  ///
  /// A service-account username carries `system:serviceaccounts` and `system:serviceaccounts:NS`. Every identity
  /// but `system:anonymous` also gets `system:authenticated`, unless `system:authenticated` or
  /// `system:unauthenticated` was given; `system:anonymous` gets `system:unauthenticated`.
  public static func impersonating(_ name: String, groups: [String] = []) -> UserInfo {
    var all: [String] = []
    if let sa = ServiceAccountName.split(name) {
      all += [ServiceAccountName.allGroup, ServiceAccountName.namespaceGroup(sa.namespace)]
    }
    for group in groups where !all.contains(group) { all.append(group) }
    if name == anonymous {
      if !all.contains(unauthenticatedGroup) { all.append(unauthenticatedGroup) }
    } else if !all.contains(authenticatedGroup) && !all.contains(unauthenticatedGroup) {
      all.append(authenticatedGroup)
    }
    return UserInfo(name: name, groups: all)
  }

  /// The service account this identity is, if its username is a service-account username.
  public var serviceAccount: (namespace: String, name: String)? { ServiceAccountName.split(name) }

  /// The keys under which binding subjects that apply to this identity are indexed.
  public var subjectKeys: [SubjectKey] { [.user(name)] + groups.map(SubjectKey.group) }

  public var isPrivileged: Bool { groups.contains(Self.mastersGroup) }
}
