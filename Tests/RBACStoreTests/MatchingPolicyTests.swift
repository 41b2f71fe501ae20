// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import RBACStore
import RBACTestSupport
import Testing

extension SeededRandom {
  /// One to `most` picks of `items`.
  fileprivate mutating func some<T>(_ items: [T], most: Int = 3) -> [T] {
    (0..<(1 + next(most))).map { _ in pick(items) }
  }
}

// Names that test the prefilter's text matching: wildcards, subresource patterns, case, quotes and backslashes
// (escaped in the stored JSON), and LIKE's own `_` and `%`.
private let verbs = ["get", "list", "create", "*", "Get", "delete", "escalate", "bind", "watch"]
private let groups = ["", "apps", "*", "rbac.authorization.k8s.io", "APPS"]
private let resources = [
  "pods", "pods/exec", "*/exec", "*", "secrets", "Secrets", "de\"ploy", "back\\slash", "pods/log", "deployments",
  "roles", "a_b", "a%b", "pods/*",
]
private let namespaces = ["a", "b", "c"]

private func randomContent(seed: UInt64) -> SnapshotContent {
  var rng = SeededRandom(state: seed)
  var content = SnapshotContent()
  let source = ObjectSource(file: "random.yaml", document: 0)
  func rules() -> [PolicyRule] {
    (0..<(1 + Int(rng.next() % 3))).map { _ in
      PolicyRule(
        verbs: rng.some(verbs), apiGroups: rng.some(groups), resources: rng.some(resources),
        resourceNames: rng.next() % 4 == 0 ? ["db"] : [], nonResourceURLs: [])
    }
  }
  func subjects() -> [Subject] {
    (0..<(1 + Int(rng.next() % 3))).map { i in
      switch rng.next() % 4 {
      case 0: return .user("u\(rng.next() % 5)")
      case 1: return .group("g\(rng.next() % 3)")
      case 2: return .serviceAccount(rng.pick(namespaces), "sa\(i)")
      default: return .serviceAccount("", "sa\(i)")  // a RoleBinding's own namespace; nobody in a ClusterRoleBinding
      }
    }
  }
  for i in 0..<6 { content.clusterRoles.append(Sourced(ClusterRole(name: "cr\(i)", rules: rules()), from: source)) }
  for ns in namespaces {
    for i in 0..<3 { content.roles.append(Sourced(Role(namespace: ns, name: "r\(i)", rules: rules()), from: source)) }
    for i in 0..<6 {
      let ref = rng.next() % 2 == 0 ? RoleRef(kind: .role, name: "r\(rng.next() % 4)") : RoleRef(kind: .clusterRole, name: "cr\(rng.next() % 7)")
      content.roleBindings.append(
        Sourced(RoleBinding(namespace: ns, name: "rb\(i)", roleRef: ref, subjects: subjects()), from: source))
    }
  }
  for i in 0..<6 {
    // Some name a Role, which a ClusterRoleBinding never grants, or a role that does not exist.
    let ref = rng.next() % 4 == 0 ? RoleRef(kind: .role, name: "r0") : RoleRef(kind: .clusterRole, name: "cr\(rng.next() % 7)")
    content.clusterRoleBindings.append(
      Sourced(ClusterRoleBinding(name: "crb\(i)", roleRef: ref, subjects: subjects()), from: source))
  }
  return content
}

/// `who-can -A` reads only the roles that could allow the request and the bindings to them
/// (``PolicyScope/matching(_:)``): its answers, grants and their rule numbers included, must be those of the whole
/// policy, whatever the names hold.
@Test func aPolicyReadForSomeRequestsAnswersThemAsTheWholePolicy() throws {
  for seed in UInt64(1)...20 {
    let db = try RolecallDatabase(path: ":memory:")
    let info = try db.writeSnapshot(randomContent(seed: seed), name: "s", sources: [])
    let whole = try db.policy(of: info, scope: .all)
    var rng = SeededRandom(state: seed &* 7919)
    var asked: [RequestAttributes] = []
    for _ in 0..<25 {
      let combined = rng.pick(resources.filter { !$0.contains("*") } + ["pods/exec", "pods/log", "deployments/scale"])
      let parts = combined.split(separator: "/", maxSplits: 1).map(String.init)
      let request = RequestAttributes.resource(
        rng.pick(verbs.filter { $0 != "*" }), group: rng.pick(groups.filter { $0 != "*" }), parts[0],
        subresource: parts.count > 1 ? parts[1] : "", name: rng.next() % 3 == 0 ? "db" : "")
      asked.append(request)
      let matching = try db.policy(of: info, scope: .matching([request]))
      #expect(
        matching.allowedSubjects(request, in: .all) == whole.allowedSubjects(request, in: .all),
        "seed \(seed): \(request)")
    }
    // One read for several requests answers each of them.
    let several = try db.policy(of: info, scope: .matching(Array(asked.prefix(3))))
    for request in asked.prefix(3) {
      #expect(several.allowedSubjects(request, in: .all) == whole.allowedSubjects(request, in: .all), "seed \(seed)")
    }
  }
}
