// rolecall — SPDX-License-Identifier: Apache-2.0

/// A member of a group that the snapshot knows, and how it came to be one.
public struct GroupMember: Sendable, Hashable, Codable {
  /// The group it is a member of.
  public var group: String
  /// A user or a service account (its namespace resolved).
  public var subject: Subject
  /// Why: `service account` (the groups every account carries), `authenticated` (every identity with credentials),
  /// or the aws-auth mapping that puts it in the group.
  public var through: String

  public init(group: String, subject: Subject, through: String) {
    self.group = group
    self.subject = subject
    self.through = through
  }
}

/// The identities a snapshot knows — its service accounts and those bindings name, the users bindings name, and the
/// IAM identities aws-auth maps — each with the groups the API server gives it (``UserInfo/impersonating(_:groups:)``):
/// what `who-can --expand` replaces a group with. A group an identity provider fills (OIDC, a cloud's IAM) has members
/// the snapshot cannot know; they are not guessed.
public struct KnownIdentities: Sendable {
  struct Known: Sendable {
    var subject: Subject
    var user: UserInfo
    /// The aws-auth mapping that named it, when one did: the groups it gives are explained by it.
    var mapping: AWSAuthMapping?
  }

  var known: [Known] = []

  /// - Parameters:
  ///   - serviceAccounts: namespace and name of every account, repeats allowed.
  ///   - users: usernames bindings name (a service-account username is taken as that account).
  public init(serviceAccounts: [(namespace: String, name: String)], users: [String], awsAuth: [AWSAuthMapping]) {
    var seen = Set<String>()
    func add(_ username: String, groups: [String], mapping: AWSAuthMapping?) {
      // An identity named twice (a binding and aws-auth) is listed once per way it gains groups.
      guard seen.insert(username + "\u{0}" + (mapping?.arn ?? "")).inserted else { return }
      let subject: Subject
      if let sa = ServiceAccountName.split(username) {
        subject = Subject(kind: .serviceAccount, name: sa.name, namespace: sa.namespace)
      } else {
        subject = Subject(kind: .user, name: username, namespace: "")
      }
      known.append(Known(subject: subject, user: .impersonating(username, groups: groups), mapping: mapping))
    }
    for sa in serviceAccounts {
      add(ServiceAccountName.username(namespace: sa.namespace, name: sa.name), groups: [], mapping: nil)
    }
    for user in users { add(user, groups: [], mapping: nil) }
    for mapping in awsAuth { add(mapping.username, groups: mapping.groups, mapping: mapping) }
  }

  /// The known members of `group`, sorted by kind, namespace and name.
  public func members(of group: String) -> [GroupMember] {
    // An identity known twice (named by a binding and mapped by aws-auth) is one member unless each way explains it.
    Set(known.compactMap { identity -> GroupMember? in
      guard identity.user.groups.contains(group) else { return nil }
      let through: String
      if let mapping = identity.mapping, mapping.groups.contains(group) {
        through = "aws-auth \(mapping.source) \(mapping.arn)"
      } else if group == UserInfo.authenticatedGroup || group == UserInfo.unauthenticatedGroup {
        through = group == UserInfo.authenticatedGroup ? "authenticated" : "unauthenticated"
      } else {
        through = "service account"
      }
      return GroupMember(group: group, subject: identity.subject, through: through)
    }).sorted {
      ($0.subject.kind.rawValue, $0.subject.namespace, $0.subject.name, $0.through)
        < ($1.subject.kind.rawValue, $1.subject.namespace, $1.subject.name, $1.through)
    }
  }
}
