// rolecall — SPDX-License-Identifier: Apache-2.0

/// A subject allowed to make a request, and the bindings that allow it.
public struct AllowedSubject: Sendable, Hashable, Codable {
  /// The subject with a service account's namespace resolved.
  public var subject: Subject
  /// True for `system:masters`, which no binding needs to name.
  public var implicit: Bool
  public var via: [Grant]
}

/// Which namespaces' RoleBindings `who-can` consults.
public enum NamespaceScope: Sendable, Hashable {
  /// Only ClusterRoleBindings (a cluster-scoped or non-resource request).
  case cluster
  /// ClusterRoleBindings and the RoleBindings of one namespace.
  case namespace(String)
  /// ClusterRoleBindings and the RoleBindings of every namespace ("in some namespace").
  case all
}

extension Policy {
  /// Every binding subject allowed to make the request (upstream `SubjectAccessEvaluator.AllowedSubjects`), plus
  /// `system:masters`. A subject granted by several bindings appears once with all of them.
  public func allowedSubjects(_ request: RequestAttributes, in scope: NamespaceScope) -> [AllowedSubject] {
    var order: [Subject] = []
    var via: [Subject: [Grant]] = [:]
    func collect(_ bindings: [Bound]) {
      for bound in bindings {
        guard let r = bound.rules.firstIndex(where: { $0.allows(request) }) else { continue }
        for s in bound.subjects.indices {
          // A service account without a namespace in a ClusterRoleBinding matches no one.
          guard bound.subjects[s].matchKey(bindingNamespace: bound.ref.namespace) != nil else { continue }
          let grant = bound.grant(subject: s, rule: r)
          if via[grant.subject] == nil { order.append(grant.subject) }
          via[grant.subject, default: []].append(grant)
        }
      }
    }
    collect(clusterRoleBindings)
    switch scope {
    case .cluster: break
    case .namespace(let ns): collect(roleBindings[ns] ?? [])
    case .all: for ns in roleBindings.keys.sorted() { collect(roleBindings[ns]!) }
    }
    let mastersGroup = Subject.group(UserInfo.mastersGroup)
    let masters = AllowedSubject(subject: mastersGroup, implicit: true, via: via[mastersGroup] ?? [])
    return [masters]
      + order.filter { $0 != masters.subject }.map { AllowedSubject(subject: $0, implicit: false, via: via[$0]!) }
  }
}
