// rolecall — SPDX-License-Identifier: Apache-2.0

/// Computes the rules of aggregated ClusterRoles as the cluster-role-aggregation controller would.
///
/// Upstream (pkg/controller/clusterroleaggregation) overwrites an aggregated role's rules with the union of the
/// rules of every *other* ClusterRole that one of its selectors matches, visiting selectors in order and matched
/// roles by name, skipping rules already present. Matched roles may themselves be aggregated, so the controller
/// converges over several passes; we compute that fixed point directly, from no rules for every aggregated role so
/// that stale `rules` in a manifest never leak into the answer.
public enum Aggregation {
  /// A selector that the API server would reject; such a role aggregates nothing from that selector.
  public struct InvalidSelector: Sendable, Hashable {
    public var clusterRole: String
    public var selectorIndex: Int
    public var reason: String
  }

  /// Returns the roles with aggregated rules resolved, in the input order, and the selectors that were invalid.
  public static func resolve(_ roles: [ClusterRole]) -> (roles: [ClusterRole], invalid: [InvalidSelector]) {
    var resolved = roles
    var invalid: [InvalidSelector] = []
    let byName = roles.indices.sorted { roles[$0].name < roles[$1].name }
    // Which roles each aggregated role draws from is fixed by labels; only the rules change between passes.
    var sources: [Int: [Int]] = [:]
    for i in roles.indices {
      guard let rule = roles[i].aggregationRule else { continue }
      resolved[i].rules = []
      resolved[i].ruleOrigins = []
      var matched: [Int] = []
      for (s, selector) in rule.clusterRoleSelectors.enumerated() {
        if let reason = selector.matchExpressions.lazy.compactMap(\.invalidReason).first {
          invalid.append(InvalidSelector(clusterRole: roles[i].name, selectorIndex: s, reason: reason))
          continue
        }
        matched += byName.filter { $0 != i && selector.matches(roles[$0].labels) }
      }
      sources[i] = matched
    }
    // The controller's passes converge on the least fixed point: an aggregated role holds the rules of every plain
    // role it reaches through aggregated ones (their own manifest rules never count). Walking those sources once
    // per role finds it directly, in the controller's order (selectors in order, roles by name, an aggregated
    // source expanded in place), and ends on any cycle: comparing ordered lists pass after pass does not, as the
    // order of a cycle's rules may flip for ever while their set stays the same.
    for i in sources.keys.sorted() {
      var rules: [PolicyRule] = []
      var origins: [String] = []
      var seen = Set<PolicyRule>()
      var expanded: Set<Int> = [i]
      func collect(_ from: [Int]) {
        for j in from {
          if sources[j] != nil {
            if expanded.insert(j).inserted { collect(sources[j]!) }
            continue
          }
          for rule in roles[j].rules where seen.insert(rule).inserted {
            rules.append(rule)
            origins.append(roles[j].name)
          }
        }
      }
      collect(sources[i]!)
      resolved[i].rules = rules
      resolved[i].ruleOrigins = origins
    }
    return (resolved, invalid)
  }
}
