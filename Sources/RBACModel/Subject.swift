// rolecall — SPDX-License-Identifier: Apache-2.0

/// A subject of a binding: a user, a group, or a service account.
public struct Subject: Sendable, Hashable, Codable {
  /// The closed set of subject kinds the RBAC authorizer understands.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    case user = "User"
    case group = "Group"
    case serviceAccount = "ServiceAccount"
  }

  public var kind: Kind
  public var name: String
  /// The namespace as written; only meaningful for service accounts.
  public var namespace: String

  public init(kind: Kind, name: String, namespace: String = "") {
    self.kind = kind
    self.name = name
    self.namespace = namespace
  }

  public static func user(_ name: String) -> Subject { Subject(kind: .user, name: name) }
  public static func group(_ name: String) -> Subject { Subject(kind: .group, name: name) }
  public static func serviceAccount(_ namespace: String, _ name: String) -> Subject {
    Subject(kind: .serviceAccount, name: name, namespace: namespace)
  }

  /// The identity key this subject matches within a binding whose namespace is `bindingNamespace`
  /// (empty for a ClusterRoleBinding), or nil when it can match no one.
  ///
  /// Upstream `appliesToUser` defaults a service account's namespace to the binding's, so that RoleBindings can
  /// name local service accounts without repeating the namespace; a ClusterRoleBinding has no namespace to lend,
  /// so a service account subject without one never matches. A service account is matched by its username.
  public func matchKey(bindingNamespace: String) -> SubjectKey? {
    switch kind {
    case .user: return .user(name)
    case .group: return .group(name)
    case .serviceAccount:
      let ns = namespace.isEmpty ? bindingNamespace : namespace
      guard !ns.isEmpty else { return nil }
      return .user(ServiceAccountName.username(namespace: ns, name: name))
    }
  }
}

/// How an identity is looked up among binding subjects: by username or by group name.
public enum SubjectKey: Sendable, Hashable, Codable {
  case user(String)
  case group(String)
}

/// The reference from a binding to the role it grants.
public struct RoleRef: Sendable, Hashable, Codable {
  /// The closed set of role kinds a binding may reference.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    case role = "Role"
    case clusterRole = "ClusterRole"
  }

  public var kind: Kind
  public var name: String

  public init(kind: Kind, name: String) {
    self.kind = kind
    self.name = name
  }
}

/// Service-account usernames: `system:serviceaccount:NAMESPACE:NAME`.
public enum ServiceAccountName {
  public static let prefix = "system:serviceaccount:"
  /// The group every service account is in.
  public static let allGroup = "system:serviceaccounts"

  public static func username(namespace: String, name: String) -> String {
    prefix + namespace + ":" + name
  }

  /// The group of the service accounts of one namespace.
  public static func namespaceGroup(_ namespace: String) -> String {
    allGroup + ":" + namespace
  }

  /// Splits a service-account username into namespace and name (upstream `SplitUsername`).
  public static func split(_ username: String) -> (namespace: String, name: String)? {
    guard username.hasPrefix(prefix) else { return nil }
    return split(reference: username.dropFirst(prefix.count), at: ":")
  }

  /// `namespace<separator>name`, both non-empty and the separator there once; nil otherwise. Read without building
  /// the pieces of a general split: stored snapshots name tens of thousands of accounts.
  public static func split(reference: Substring, at separator: Character) -> (namespace: String, name: String)? {
    guard let cut = reference.firstIndex(of: separator) else { return nil }
    let namespace = reference[..<cut]
    let name = reference[reference.index(after: cut)...]
    guard !namespace.isEmpty, !name.isEmpty, !name.contains(separator) else { return nil }
    return (String(namespace), String(name))
  }
}
