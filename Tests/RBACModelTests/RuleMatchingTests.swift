// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import RBACTestSupport
import Testing

// Each matcher against upstream evaluation_helpers.go, one table per function.

@Test(arguments: [
  (rule("get,list"), "get", true),
  (rule("get,list"), "watch", false),
  (rule("*"), "escalate", true),
  (rule("*"), "impersonate", true),
  (rule("GET"), "get", false),  // case-sensitive
  (rule(""), "get", false),
])
func verbMatches(rule: PolicyRule, verb: String, expected: Bool) {
  #expect(rule.matchesVerb(verb) == expected)
}

@Test(arguments: [
  (rule("get", groups: ""), "", true),
  (rule("get", groups: ""), "apps", false),
  (rule("get", groups: "apps"), "", false),
  (rule("get", groups: "apps,batch"), "batch", true),
  (rule("get", groups: "*"), "rbac.authorization.k8s.io", true),
  (rule("get", groups: "extensions"), "apps", false),
])
func apiGroupMatches(rule: PolicyRule, group: String, expected: Bool) {
  #expect(rule.matchesAPIGroup(group) == expected)
}

@Test(arguments: [
  (rule("get", resources: "pods"), "pods", "", true),
  (rule("get", resources: "pods"), "pods/exec", "exec", false),  // a resource never covers its subresources
  (rule("get", resources: "pods/exec"), "pods", "", false),
  (rule("get", resources: "pods/exec"), "pods/exec", "exec", true),
  (rule("get", resources: "*"), "pods/exec", "exec", true),
  (rule("get", resources: "*/exec"), "pods/exec", "exec", true),
  (rule("get", resources: "*/exec"), "deployments/exec", "exec", true),
  (rule("get", resources: "*/exec"), "pods/log", "log", false),
  (rule("get", resources: "*/exec"), "pods", "", false),
  (rule("get", resources: "*/scale"), "deployments/status", "status", false),
  // `pods/*` is not a pattern upstream: only `*` and `*/sub` are.
  (rule("get", resources: "pods/*"), "pods/exec", "exec", false),
  (rule("get", resources: "secrets"), "Secrets", "", false),
])
func resourceMatches(rule: PolicyRule, combined: String, subresource: String, expected: Bool) {
  #expect(rule.matchesResource(combined, subresource: subresource) == expected)
}

@Test(arguments: [
  (rule("get", names: nil), "", true),
  (rule("get", names: nil), "anything", true),
  (rule("get", names: "a,b"), "b", true),
  (rule("get", names: "a,b"), "c", false),
  // A rule with names never allows a request without a name: create, list, watch, deletecollection.
  (rule("get", names: "a"), "", false),
])
func resourceNameMatches(rule: PolicyRule, name: String, expected: Bool) {
  #expect(rule.matchesResourceName(name) == expected)
}

@Test(arguments: [
  (rule("get", urls: "/healthz"), "/healthz", true),
  (rule("get", urls: "/healthz"), "/healthz/ping", false),
  (rule("get", urls: "/healthz*"), "/healthz/ping", true),
  (rule("get", urls: "/healthz/*"), "/healthz", false),
  (rule("get", urls: "/logs/*"), "/logs/kube-apiserver.log", true),
  (rule("get", urls: "*"), "/anything", true),
  (rule("get", urls: "/api/**"), "/api/v1", true),  // every trailing star is trimmed, as strings.TrimRight does
  (rule("get", urls: "/a*b"), "/axb", false),  // a star inside is literal
])
func nonResourceURLMatches(rule: PolicyRule, path: String, expected: Bool) {
  #expect(rule.matchesNonResourceURL(path) == expected)
}

@Test func ruleAllowsIsTheConjunction() {
  let r = rule("get", groups: "apps", resources: "deployments", names: "web")
  #expect(r.allows(.resource("get", group: "apps", "deployments", name: "web", namespace: "x")))
  #expect(!r.allows(.resource("list", group: "apps", "deployments", name: "web")))
  #expect(!r.allows(.resource("get", group: "", "deployments", name: "web")))
  #expect(!r.allows(.resource("get", group: "apps", "statefulsets", name: "web")))
  #expect(!r.allows(.resource("get", group: "apps", "deployments", name: "api")))
  #expect(!r.allows(.resource("get", group: "apps", "deployments")))
}

@Test func resourceRulesAndURLRulesDoNotCrossOver() {
  let resources = rule("*", groups: "*", resources: "*")
  let urls = rule("*", urls: "*")
  #expect(!resources.allows(.nonResource("get", path: "/healthz")))
  #expect(!urls.allows(.resource("get", "pods", namespace: "x")))
  #expect(urls.allows(.nonResource("get", path: "/healthz")))
}

@Test(arguments: [
  (rule("*", resources: "*"), rule("get,list", resources: "pods"), true),
  (rule("get,list", resources: "pods,secrets"), rule("get", resources: "pods"), true),
  (rule("get", resources: "pods"), rule("get,list", resources: "pods"), false),
  (rule("get", resources: "pods"), rule("get", resources: "pods", names: "web"), true),
  (rule("get", resources: "pods", names: "web"), rule("get", resources: "pods"), false),
  (rule("get", resources: "pods", names: "a,b"), rule("get", resources: "pods", names: "b"), true),
  (rule("get", resources: "pods", names: "a"), rule("get", resources: "pods", names: "a,b"), false),
  // Conservative: `*/exec` covers `pods/exec`, but the lists alone do not say so.
  (rule("get", resources: "*/exec"), rule("get", resources: "pods/exec"), false),
  (rule("get", urls: "*"), rule("get", urls: "/metrics"), true),
  (rule("get", urls: "/metrics"), rule("get", urls: "/healthz"), false),
])
func ruleCovers(wide: PolicyRule, narrow: PolicyRule, expected: Bool) {
  #expect(wide.covers(narrow) == expected)
}

/// `covers` never claims more than the matchers allow: over random rules and every request of a small universe, a
/// request the narrow rule allows is allowed by any rule said to cover it.
@Test func coversIsSoundAgainstTheMatchers() {
  var state: UInt64 = 0x9E37_79B9_7F4A_7C15
  func next(_ n: Int) -> Int {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((state >> 33) % UInt64(n))
  }
  func pick(_ pool: [String]) -> [String] {
    var chosen: [String] = []
    for item in pool where next(3) == 0 { chosen.append(item) }
    return chosen.isEmpty ? [pool[next(pool.count)]] : chosen
  }
  func randomRule() -> PolicyRule {
    PolicyRule(
      verbs: pick(["get", "list", "create", "*"]), apiGroups: pick(["", "apps", "*"]),
      resources: pick(["pods", "pods/exec", "secrets", "*", "*/exec"]),
      resourceNames: next(2) == 0 ? [] : pick(["a", "b"]))
  }
  var requests: [RequestAttributes] = []
  for verb in ["get", "list", "create"] {
    for group in ["", "apps"] {
      for (resource, sub) in [("pods", ""), ("pods", "exec"), ("secrets", ""), ("deployments", "exec")] {
        for name in ["", "a", "b", "c"] {
          requests.append(
            RequestAttributes(verb: verb, target: .resource(.init(apiGroup: group, resource: resource, subresource: sub, name: name))))
        }
      }
    }
  }
  var covered = 0
  for _ in 0..<3000 {
    let (wide, narrow) = (randomRule(), randomRule())
    guard wide.covers(narrow) else { continue }
    covered += 1
    for request in requests where narrow.allows(request) {
      #expect(wide.allows(request), "\(wide.compactDescription) said to cover \(narrow.compactDescription)")
    }
  }
  #expect(covered > 100)
}
