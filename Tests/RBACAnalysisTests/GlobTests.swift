// rolecall — SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import RBACAnalysis
import Testing

@Test(arguments: [
  ("sa:kube-system:*", "sa:kube-system:coredns", true),
  ("sa:kube-system:*", "sa:kube-public:default", false),
  ("sa:**", "sa:a:b", true),  // `**` once matched nothing
  ("sa:*:*", "sa:a:b", true),
  ("user:*@example.com", "user:alice@example.com", true),
  ("user:*@example.com", "user:alice@example.org", false),
  ("sa:argcd:*", "sa:argocd:argocd-server", false),
  ("group:system:masters", "group:system:masters", true),
  ("a?c", "abc", true),
  ("a?c", "ac", false),
  ("*", "", true),
  ("", "", true),
  ("", "a", false),
  ("*a*b*", "xaybz", true),
  ("*a*b", "xaybz", false),
])
func globMatches(pattern: String, text: String, expected: Bool) {
  #expect(Glob.matches(pattern, text) == expected)
}

/// The matcher agrees with the C library's fnmatch(3) without flags on random patterns of `*`, `?` and letters.
@Test func globAgreesWithFnmatch() {
  var state: UInt64 = 42
  func next(_ n: Int) -> Int {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((state >> 33) % UInt64(n))
  }
  let patternAlphabet: [Character] = ["a", "b", ":", "*", "?", "*"]
  let textAlphabet: [Character] = ["a", "b", ":"]
  var checked = 0
  for _ in 0..<20_000 {
    let pattern = String((0..<next(7)).map { _ in patternAlphabet[next(patternAlphabet.count)] })
    let text = String((0..<next(8)).map { _ in textAlphabet[next(textAlphabet.count)] })
    let reference = fnmatch(pattern, text, 0) == 0
    #expect(Glob.matches(pattern, text) == reference, "\"\(pattern)\" against \"\(text)\"")
    checked += reference ? 1 : 0
  }
  #expect(checked > 1000)
}
