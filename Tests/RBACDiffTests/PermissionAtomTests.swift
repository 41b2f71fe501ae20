// rolecall — SPDX-License-Identifier: Apache-2.0

@testable import RBACDiff
import RBACModel
import Testing

// Covering must mirror the upstream matchers: an atom covers another exactly when every request the other allows,
// the first allows too. Each case names the rule of the language it pins down.

@Test(arguments: [
  ("*", "get", true), ("get", "get", true), ("get", "list", false), ("get", "*", false),
])
func verbCovers(verb: String, other: String, expected: Bool) {
  #expect(PermissionAtom.verbCovers(verb, other) == expected)
}

@Test(arguments: [
  ("*", "apps", true), ("", "", true), ("apps", "", false), ("", "*", false),
])
func apiGroupCovers(group: String, other: String, expected: Bool) {
  #expect(PermissionAtom.apiGroupCovers(group, other) == expected)
}

@Test(arguments: [
  ("*", "pods/log", true),
  ("pods", "pods", true),
  ("pods", "pods/log", false),  // a resource does not include its subresources
  ("*/scale", "deployments/scale", true),
  ("*/scale", "*/scale", true),
  ("*/scale", "deployments", false),
  ("*/scale", "deployments/status", false),
  ("pods/*", "pods/log", false),  // `pods/*` is a literal upstream, not a pattern
  ("deployments/scale", "*/scale", false),
])
func resourceCovers(resource: String, other: String, expected: Bool) {
  #expect(PermissionAtom.resourceCovers(resource, other) == expected)
}

@Test func resourceNameCovers() {
  #expect(PermissionAtom.resourceNameCovers(nil, "web"))
  #expect(PermissionAtom.resourceNameCovers(nil, nil))
  #expect(PermissionAtom.resourceNameCovers("web", "web"))
  #expect(!PermissionAtom.resourceNameCovers("web", nil))  // one name does not cover every name
  #expect(!PermissionAtom.resourceNameCovers("*", "web"))  // `*` in resourceNames is a literal name
}

@Test(arguments: [
  ("*", "/healthz", true), ("/healthz", "/healthz", true), ("/healthz", "/livez", false),
  ("/api/*", "/api/v1", true), ("/api*", "/apis/*", true), ("/api/*", "/apis", false), ("/healthz", "*", false),
])
func nonResourceURLCovers(url: String, other: String, expected: Bool) {
  #expect(PolicyRule.nonResourceURL(url, matches: other) == expected)
}

@Test func scopeCovers() {
  #expect(PermissionAtom.scopeCovers("", "prod"))  // a ClusterRoleBinding holds in every namespace
  #expect(PermissionAtom.scopeCovers("prod", "prod"))
  #expect(!PermissionAtom.scopeCovers("prod", ""))
  #expect(!PermissionAtom.scopeCovers("prod", "dev"))
}

/// The atoms of `rule` bound in `namespace`, as strings.
private func atoms(of rule: PolicyRule, boundIn namespace: String) -> [PermissionAtom] {
  let vocabulary = AtomVocabulary()
  let interned = vocabulary.intern([rule])[0].atoms(boundIn: vocabulary.intern(namespace))
  let words = vocabulary.words
  return interned.map(words.atom)
}

@Test func aRuleBoundInANamespaceGrantsNoURLs() {
  let rule = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods"], nonResourceURLs: ["/healthz"])
  #expect(atoms(of: rule, boundIn: "prod").allSatisfy { !$0.isNonResource })
  #expect(atoms(of: rule, boundIn: "").contains { $0.nonResourceURL == "/healthz" })
}

@Test func atomsAreTheProductOfTheRule() {
  let rule = PolicyRule(verbs: ["get", "list"], apiGroups: ["", "apps"], resources: ["pods"], resourceNames: ["a", "b"])
  let atoms = atoms(of: rule, boundIn: "prod")
  #expect(atoms.count == 8)
  #expect(Set(atoms).count == 8)
  #expect(atoms.allSatisfy { $0.namespace == "prod" && $0.resourceName != nil })
}

@Test func internedAtomsReadBackAsTheirStrings() {
  let vocabulary = AtomVocabulary()
  let atom = PermissionAtom(namespace: "prod", verb: "get", apiGroup: "apps", resource: "deployments/scale")
  let url = PermissionAtom(namespace: "", verb: "get", nonResourceURL: "/healthz")
  let interned = [atom, url].map(vocabulary.intern)
  #expect(interned.map(vocabulary.words.atom) == [atom, url])
  #expect(interned[0] != interned[1])
  #expect(vocabulary.intern(atom) == interned[0])  // the same strings, the same words
}

@Test func resourceAndURLAtomsNeverCoverEachOther() {
  let everything = PermissionAtom(namespace: "", verb: "*", apiGroup: "*", resource: "*")
  let url = PermissionAtom(namespace: "", verb: "get", nonResourceURL: "/healthz")
  #expect(!everything.covers(url))
  #expect(!PermissionAtom(namespace: "", verb: "*", nonResourceURL: "*").covers(everything))
}

@Test func atomSetAnswersAsAScanWould() {
  // Every combination of the values that matter, then many subsets of them: the candidate lookup must agree with
  // checking every atom of the set, for every atom of the pool.
  var pool: [PermissionAtom] = []
  for ns in ["", "a"] {
    for verb in ["get", "*"] {
      for group in ["", "apps", "*"] {
        for resource in ["pods", "pods/log", "*", "*/log", "deployments/scale"] {
          for name in [nil, "x"] as [String?] {
            pool.append(PermissionAtom(namespace: ns, verb: verb, apiGroup: group, resource: resource, resourceName: name))
          }
        }
      }
    }
  }
  for verb in ["get", "*"] {
    for url in ["/healthz", "/api", "/api/v1", "/api*", "/api/*", "*"] {
      pool.append(PermissionAtom(namespace: "", verb: verb, nonResourceURL: url))
    }
  }
  // Every string is numbered before the sets are built, as a diff numbers both sides before comparing.
  let vocabulary = AtomVocabulary()
  for atom in pool { _ = vocabulary.intern(atom) }
  let words = vocabulary.words
  // A fixed linear congruential sequence keeps the test repeatable.
  var state: UInt64 = 0x5EED
  func next() -> UInt64 {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return state >> 33
  }
  for _ in 0..<200 {
    let subset = pool.filter { _ in next() % 7 == 0 }
    let set = AtomSet(subset.map(vocabulary.intern), words: words)
    for atom in pool {
      let interned = vocabulary.intern(atom)
      #expect(set.covers(interned) == subset.contains { $0.covers(atom) }, "\(atom) by \(subset.filter { $0.covers(atom) })")
      #expect(set.covers(interned, otherThanItself: true) == subset.contains { $0 != atom && $0.covers(atom) })
      #expect(Set(set.atomsCovering(interned).map(words.atom)) == Set(subset.filter { $0.covers(atom) }))
    }
  }
}
