// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import RBACTestSupport
import Testing

private func labelled(_ name: String, _ labels: [String: String], _ rules: [PolicyRule]) -> ClusterRole {
  ClusterRole(name: name, labels: labels, rules: rules)
}

private func aggregated(_ name: String, _ selectors: [LabelSelector], manifestRules: [PolicyRule] = [], labels: [String: String] = [:])
  -> ClusterRole
{
  ClusterRole(name: name, labels: labels, rules: manifestRules, aggregationRule: AggregationRule(clusterRoleSelectors: selectors))
}

private let readPods = rule("get", groups: "", resources: "pods")
private let readSecrets = rule("get", groups: "", resources: "secrets")
private let editPods = rule("update", groups: "", resources: "pods")

private func resolved(_ roles: [ClusterRole], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws
  -> ClusterRole
{
  try #require(Aggregation.resolve(roles).roles.first { $0.name == name }, "no role \(name)", sourceLocation: sourceLocation)
}

@Test func aggregatedRoleTakesTheRulesOfMatchingRolesAndIgnoresItsManifestRules() throws {
  let roles = [
    labelled("b-source", ["agg": "true"], [readPods]),
    labelled("a-source", ["agg": "true"], [readSecrets]),
    labelled("other", ["agg": "false"], [editPods]),
    aggregated("view", [LabelSelector(matchLabels: ["agg": "true"])], manifestRules: [rule("*", groups: "*", resources: "*")]),
  ]
  let view = try resolved(roles, "view")
  // Matched roles are visited by name, as the controller sorts them.
  #expect(view.rules == [readSecrets, readPods])
  #expect(view.ruleOrigins == ["a-source", "b-source"])
}

@Test func aggregationReachesAFixedPointThroughAggregatedRoles() throws {
  let roles = [
    aggregated("admin", [LabelSelector(matchLabels: ["to-admin": "true"])]),
    aggregated("edit", [LabelSelector(matchLabels: ["to-edit": "true"])], labels: ["to-admin": "true"]),
    aggregated("view", [LabelSelector(matchLabels: ["to-view": "true"])], labels: ["to-edit": "true"]),
    labelled("view-rules", ["to-view": "true"], [readPods]),
    labelled("edit-rules", ["to-edit": "true"], [editPods]),
  ]
  let admin = try resolved(roles, "admin")
  #expect(Set(admin.rules) == [readPods, editPods])
  #expect(admin.ruleOrigins.sorted() == ["edit-rules", "view-rules"])
}

@Test func aggregatedRoleNeverSelectsItself() throws {
  let roles = [aggregated("self", [LabelSelector(matchLabels: ["x": "y"])], manifestRules: [readPods], labels: ["x": "y"])]
  #expect(try resolved(roles, "self").rules.isEmpty)
}

@Test func identicalRulesAreKeptOnce() throws {
  let roles = [
    labelled("a", ["agg": "true"], [readPods]),
    labelled("b", ["agg": "true"], [readPods, editPods]),
    aggregated("all", [LabelSelector(matchLabels: ["agg": "true"]), LabelSelector(matchLabels: ["agg": "true"])]),
  ]
  #expect(try resolved(roles, "all").rules == [readPods, editPods])
}

@Test(arguments: [
  (LabelSelector.Requirement(key: "tier", operator: .in, values: ["a", "b"]), ["tier": "b"], true),
  (LabelSelector.Requirement(key: "tier", operator: .in, values: ["a", "b"]), ["tier": "c"], false),
  (LabelSelector.Requirement(key: "tier", operator: .in, values: ["a"]), [:], false),
  (LabelSelector.Requirement(key: "tier", operator: .notIn, values: ["a"]), ["tier": "b"], true),
  (LabelSelector.Requirement(key: "tier", operator: .notIn, values: ["a"]), ["tier": "a"], false),
  (LabelSelector.Requirement(key: "tier", operator: .notIn, values: ["a"]), [:], true),  // a missing key is "not in"
  (LabelSelector.Requirement(key: "tier", operator: .exists), ["tier": ""], true),
  (LabelSelector.Requirement(key: "tier", operator: .exists), [:], false),
  (LabelSelector.Requirement(key: "tier", operator: .doesNotExist), [:], true),
  (LabelSelector.Requirement(key: "tier", operator: .doesNotExist), ["tier": "a"], false),
])
func matchExpressions(requirement: LabelSelector.Requirement, labels: [String: String], expected: Bool) {
  #expect(LabelSelector(matchExpressions: [requirement]).matches(labels) == expected)
}

@Test func selectorNeedsEveryLabelAndExpression() {
  let selector = LabelSelector(
    matchLabels: ["a": "1", "b": "2"], matchExpressions: [.init(key: "c", operator: .exists)])
  #expect(selector.matches(["a": "1", "b": "2", "c": "x"]))
  #expect(!selector.matches(["a": "1", "b": "2"]))
  #expect(!selector.matches(["a": "1", "c": "x"]))
  #expect(LabelSelector().matches(["anything": "at all"]))  // an empty selector selects everything
}

@Test func invalidSelectorAggregatesNothingAndIsReported() throws {
  let roles = [
    labelled("a", ["agg": "true"], [readPods]),
    aggregated("broken", [LabelSelector(matchExpressions: [.init(key: "agg", operator: .in, values: [])])]),
  ]
  let (result, invalid) = Aggregation.resolve(roles)
  let broken = try #require(result.first { $0.name == "broken" })
  #expect(broken.rules.isEmpty)
  #expect(invalid.map(\.clusterRole) == ["broken"])
}

@Test func aggregatedRulesGrantThroughBindingsAndNameTheirOrigin() {
  let policy = staticPolicy(
    clusterRoles: [
      labelled("pods", ["agg": "true"], [readPods]),
      aggregated("view", [LabelSelector(matchLabels: ["agg": "true"])]),
    ],
    clusterRoleBindings: [clusterRoleBinding("b", role: "view", "User:alice")])
  let decision = policy.decide(.impersonating("alice"), .resource("get", "pods", namespace: "x"))
  guard case .grants(let grants) = decision.reason else {
    Issue.record("expected grants")
    return
  }
  #expect(grants.map(\.aggregatedFrom) == ["pods"])
}

/// Found by a differential check: the order of a cycle's rules flipped pass after pass while their set stayed the
/// same, and ingest never ended.
@Test(.timeLimit(.minutes(1))) func aggregationCyclesSettleOnTheLeastFixedPoint() throws {
  let listPods = rule("list", groups: "", resources: "pods")
  let roles = [
    aggregated(
      "cr1", [LabelSelector(matchLabels: ["tier": "a"]), LabelSelector(matchLabels: ["tier": "c"])], labels: ["tier": "a"]),
    aggregated(
      "cr2", [LabelSelector(matchExpressions: [.init(key: "tier", operator: .doesNotExist)])], labels: ["tier": "a"]),
    aggregated("cr3", [LabelSelector(matchLabels: ["tier": "a"])]),
    labelled("cr4", [:], [readPods]),
    labelled("cr5", ["tier": "c"], [listPods]),
  ]
  let all = Aggregation.resolve(roles).roles
  func rules(_ name: String) throws -> Set<PolicyRule> { Set(try #require(all.first { $0.name == name }, "no role \(name)").rules) }
  // cr1 = cr2 + cr5, cr2 = cr3 + cr4, cr3 = cr1 + cr2: each of the cycle ends with both plain roles' rules.
  for name in ["cr1", "cr2", "cr3"] { #expect(try rules(name) == [readPods, listPods], "\(name)") }
  // The same answer whatever the input order.
  let reversed = Aggregation.resolve(roles.reversed()).roles
  for role in reversed { #expect(try Set(role.rules) == rules(role.name)) }
}

@Test(.timeLimit(.minutes(1))) func aLongAggregationChainResolvesEveryLink() {
  // agg-0 selects agg-1, which selects agg-2, ..., agg-999 selects the one plain role.
  var roles = (0..<1000).map { i in
    aggregated("agg-\(i)", [LabelSelector(matchLabels: ["link": "\(i + 1)"])], labels: ["link": "\(i)"])
  }
  roles.append(labelled("leaf", ["link": "1000"], [readPods]))
  let all = Aggregation.resolve(roles.shuffled()).roles
  #expect(all.filter { $0.name.hasPrefix("agg-") }.allSatisfy { $0.rules == [readPods] && $0.ruleOrigins == ["leaf"] })
}

@Test(arguments: [
  ("env=prod", [LabelSelector.Requirement(key: "env", operator: .in, values: ["prod"])]),
  ("env == prod", [.init(key: "env", operator: .in, values: ["prod"])]),
  ("env!=prod", [.init(key: "env", operator: .notIn, values: ["prod"])]),
  (
    "region in (eu, us),tier",
    [.init(key: "region", operator: .in, values: ["eu", "us"]), .init(key: "tier", operator: .exists)]
  ),
  ("region notin (eu)", [.init(key: "region", operator: .notIn, values: ["eu"])]),
  ("!canary", [.init(key: "canary", operator: .doesNotExist)]),
  ("app.kubernetes.io/name=x", [.init(key: "app.kubernetes.io/name", operator: .in, values: ["x"])]),
  ("inventory", [.init(key: "inventory", operator: .exists)]),
])
func aSelectorTextParsesAsKubectlReadsIt(text: String, expected: [LabelSelector.Requirement]) throws {
  #expect(try LabelSelector(parsing: text).matchExpressions == expected)
}

@Test(arguments: ["", "env in (prod", "env in ()", "env=prod;tier=web", "!", "env !prod", ",env", "env in prod"])
func aSelectorTextThatDoesNotParseSaysWhy(text: String) {
  #expect(throws: LabelSelector.ParseError.self) { try LabelSelector(parsing: text) }
}

@Test func aParsedSelectorMatchesAsUpstreamDoes() throws {
  let selector = try LabelSelector(parsing: "env=prod,region notin (us),!canary")
  #expect(selector.matches(["env": "prod", "region": "eu"]))
  #expect(selector.matches(["env": "prod"]))  // notin holds where the key is missing
  #expect(!selector.matches(["env": "prod", "region": "us"]))
  #expect(!selector.matches(["env": "prod", "canary": ""]))
  #expect(!selector.matches(["env": "staging"]))
}
