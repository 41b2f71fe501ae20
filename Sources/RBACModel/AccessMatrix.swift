// rolecall — SPDX-License-Identifier: Apache-2.0

/// What an identity may do to every resource a snapshot knows, verb by verb (what rakkess shows): each cell decided
/// by the authorizer, as the API server would decide the request.
public struct AccessMatrix: Sendable, Hashable, Codable {
  /// The verbs of the matrix: those every resource's REST storage serves.
  public static let verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]

  /// One cell.
  public enum Access: String, Sendable, Hashable, Codable {
    /// A rule allows the verb on every object of the resource.
    case yes
    /// Only rules limited by resourceNames name the verb: some objects, by name.
    case partial
    case no
  }

  public struct Row: Sendable, Hashable, Codable {
    /// `name` or `name.group`, as kubectl writes it.
    public var resource: String
    public var group: String
    public var namespaced: Bool
    /// One per verb of ``AccessMatrix/verbs``.
    public var access: [Access]
    /// Per verb, the grants behind a yes (or a partial): empty for a no, and for system:masters, which no rule needs.
    public var grants: [[Grant]]
  }

  /// The namespace the namespaced resources were asked about; empty for cluster-wide (ClusterRoleBindings only).
  public var namespace: String
  public var rows: [Row]
}

extension Policy {
  /// The matrix of `user` over `resources`: namespaced resources in `namespace` (cluster-wide when it is empty),
  /// cluster-scoped ones cluster-wide. Each cell asks the authorizer (``decide(_:_:)``); a cell it refuses is
  /// partial when a rule limited by resourceNames would allow the verb on the objects it names.
  public func accessMatrix(for user: UserInfo, namespace: String, resources: [APIResource]) -> AccessMatrix {
    let here = grants(for: user, namespace: namespace)
    let clusterWide = namespace.isEmpty ? here : grants(for: user, namespace: "")
    let rows = resources.map { resource -> AccessMatrix.Row in
      let ns = resource.namespaced ? namespace : ""
      let applicable = resource.namespaced ? here : clusterWide
      var access: [AccessMatrix.Access] = []
      var behind: [[Grant]] = []
      for verb in AccessMatrix.verbs {
        let request = RequestAttributes.resource(verb, group: resource.group, resource.name, namespace: ns)
        if user.isPrivileged {
          access.append(.yes)
          behind.append([])
          continue
        }
        let allowing = applicable.filter { $0.rule.allows(request) }
        if !allowing.isEmpty {
          access.append(.yes)
          behind.append(allowing)
          continue
        }
        // A rule that names objects allows the request for one of them: the verb reaches those objects only.
        let named = applicable.filter { grant in
          guard let first = grant.rule.resourceNames.first else { return false }
          return grant.rule.allows(
            .resource(verb, group: resource.group, resource.name, name: first, namespace: ns))
        }
        access.append(named.isEmpty ? .no : .partial)
        behind.append(named)
      }
      let display = resource.group.isEmpty ? resource.name : resource.name + "." + resource.group
      return AccessMatrix.Row(
        resource: display, group: resource.group, namespaced: resource.namespaced, access: access, grants: behind)
    }
    return AccessMatrix(namespace: namespace, rows: rows)
  }

  /// The namespaces where `user` holds a RoleBinding: the only ones where its matrix can differ from the
  /// cluster-wide one.
  public func namespacesBinding(_ user: UserInfo) -> [String] {
    var sites = roleBindingIndex[.user(user.name)] ?? []
    for group in user.groups { sites += roleBindingIndex[.group(group)] ?? [] }
    return Set(sites.map(\.namespace)).sorted()
  }
}
