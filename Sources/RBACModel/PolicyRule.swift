// rolecall — SPDX-License-Identifier: Apache-2.0

/// One rule of a Role or ClusterRole, in the words of `rbac.authorization.k8s.io/v1`.
///
/// A rule names either resources (with `apiGroups`, `resources` and optional `resourceNames`) or
/// `nonResourceURLs`; the matchers below decide which requests it allows.
public struct PolicyRule: Sendable, Hashable, Codable {
  public var verbs: [String]
  public var apiGroups: [String]
  public var resources: [String]
  public var resourceNames: [String]
  public var nonResourceURLs: [String]

  public init(
    verbs: [String], apiGroups: [String] = [], resources: [String] = [],
    resourceNames: [String] = [], nonResourceURLs: [String] = []
  ) {
    self.verbs = verbs
    self.apiGroups = apiGroups
    self.resources = resources
    self.resourceNames = resourceNames
    self.nonResourceURLs = nonResourceURLs
  }
}

/// The wildcards of the RBAC language (upstream `rbacv1.VerbAll`, `APIGroupAll`, `ResourceAll`, `NonResourceAll`).
public enum Wildcard {
  public static let all = "*"
}

// MARK: - Matchers (upstream pkg/apis/rbac/v1/evaluation_helpers.go)

extension PolicyRule {
  /// Whether the rule names `verb` or `*` (upstream `VerbMatches`).
  public func matchesVerb(_ verb: String) -> Bool {
    verbs.contains { $0 == Wildcard.all || $0 == verb }
  }

  /// Whether the rule names the API group or `*` (upstream `APIGroupMatches`); the core group is `""`.
  public func matchesAPIGroup(_ group: String) -> Bool {
    apiGroups.contains { $0 == Wildcard.all || $0 == group }
  }

  /// Whether the rule names the resource (upstream `ResourceMatches`).
  ///
  /// `combined` is `resource` or `resource/subresource`. Besides `*` and an exact match, `*/sub` matches any
  /// resource's `sub`; note that `pods/*` is *not* a pattern upstream and matches only a literal `pods/*`.
  public func matchesResource(_ combined: String, subresource: String) -> Bool {
    for resource in resources {
      if resource == Wildcard.all || resource == combined { return true }
      if !subresource.isEmpty, resource.utf8.count == subresource.utf8.count + 2,
        resource.hasPrefix("*/"), resource.hasSuffix(subresource)
      {
        return true
      }
    }
    return false
  }

  /// Whether the rule allows the object name (upstream `ResourceNameMatches`).
  ///
  /// A rule without names allows every name; a rule with names never allows a request without a name
  /// (create, list, watch, deletecollection), because `""` is not among them.
  public func matchesResourceName(_ name: String) -> Bool {
    resourceNames.isEmpty || resourceNames.contains(name)
  }

  /// Whether the rule allows the URL path (upstream `NonResourceURLMatches`): `*`, exact, or a trailing-`*` prefix.
  public func matchesNonResourceURL(_ path: String) -> Bool {
    nonResourceURLs.contains { Self.nonResourceURL($0, matches: path) }
  }

  /// Whether one entry of `nonResourceURLs` allows `path` (or covers a narrower pattern): `*` every path, `prefix*`
  /// every path that starts with the prefix (trailing `*`s trimmed, as upstream), any other entry only itself.
  public static func nonResourceURL(_ pattern: String, matches path: String) -> Bool {
    if pattern == Wildcard.all || pattern == path { return true }
    guard pattern.hasSuffix("*") else { return false }
    var prefix = Substring(pattern)
    while prefix.last == "*" { prefix = prefix.dropLast() }
    return path.hasPrefix(prefix)
  }

  /// Whether the rule allows the request: the conjunction of the matchers (upstream `RuleAllows`).
  public func allows(_ request: RequestAttributes) -> Bool {
    guard matchesVerb(request.verb) else { return false }
    switch request.target {
    case .resource(let r):
      return matchesAPIGroup(r.apiGroup)
        && matchesResource(r.combinedResource, subresource: r.subresource)
        && matchesResourceName(r.name)
    case .nonResource(let path):
      return matchesNonResourceURL(path)
    }
  }
}

extension PolicyRule {
  /// Whether every request `other` allows, this rule allows too, decided from the lists alone: each verb, group,
  /// resource and URL of `other` is named here or covered by `*`, and `other` names objects only where this rule
  /// names them too or names none. Conservative: `*/status` is not taken to cover `pods/status`, so a `false` may
  /// be a rule that does cover. What many rules bound at once can do is then decided from the few that no other
  /// covers.
  public func covers(_ other: PolicyRule) -> Bool {
    func listCovers(_ mine: [String], _ theirs: [String]) -> Bool {
      mine.contains(Wildcard.all) || theirs.allSatisfy(mine.contains)
    }
    return listCovers(verbs, other.verbs) && listCovers(apiGroups, other.apiGroups)
      && listCovers(resources, other.resources) && listCovers(nonResourceURLs, other.nonResourceURLs)
      && (resourceNames.isEmpty || (!other.resourceNames.isEmpty && other.resourceNames.allSatisfy(resourceNames.contains)))
  }

  /// The indices of the rules no other rule of the list covers, in order: what all of them allow together, from the
  /// fewest. Of equal rules the first is kept; a rule covered by a later one goes.
  public static func uncovered(_ rules: [PolicyRule]) -> [Int] {
    var kept: [Int] = []
    for (i, rule) in rules.enumerated() where !kept.contains(where: { rules[$0].covers(rule) }) {
      kept.removeAll { rule.covers(rules[$0]) }
      kept.append(i)
    }
    return kept.sorted()
  }
}

extension PolicyRule {
  /// `{verbs: [get list], apiGroups: [""], resources: [pods], resourceNames: [web]}`, only the fields that are set:
  /// the one way every report and explanation prints a rule.
  public var compactDescription: String {
    func list(_ items: [String]) -> String { "[" + items.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: " ") + "]" }
    var parts = ["verbs: " + list(verbs)]
    if !apiGroups.isEmpty { parts.append("apiGroups: " + list(apiGroups)) }
    if !resources.isEmpty { parts.append("resources: " + list(resources)) }
    if !resourceNames.isEmpty { parts.append("resourceNames: " + list(resourceNames)) }
    if !nonResourceURLs.isEmpty { parts.append("nonResourceURLs: " + list(nonResourceURLs)) }
    return "{" + parts.joined(separator: ", ") + "}"
  }
}
