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
