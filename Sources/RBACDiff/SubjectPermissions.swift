// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel

/// What every subject a binding names is granted directly, as atoms: the side of a snapshot a permission diff reads.
///
/// Only the subject the binding names is credited, not its members: when a group gains a permission, the group's
/// line says so once rather than every service account repeating it (the path and admin sections follow members).
struct SubjectPermissions: Sendable {
  private(set) var atoms: [GraphNode: Set<InternedAtom>] = [:]
  /// Every binding with its role (an index into ``roles``) and the namespace it grants in (empty: cluster-wide).
  private var bindings: [(bound: Policy.Bound, role: Int, namespace: Word)] = []
  /// The rules of every role some binding names, in words, in the order first met.
  private var roles: [[InternedRule]] = []
  /// The bindings that name each subject, with the index of the subject entry: where evidence is looked up.
  private var sites: [GraphNode: [(binding: Int, subject: Int)]] = [:]
  private let formatted = EvidenceBook()

  init(_ policy: Policy, vocabulary: AtomVocabulary) {
    // Many bindings share a role, and every RoleBinding of a namespace its name: each is numbered once.
    var roleIndex: [RoleKey: Int] = [:]
    var namespaces: [String: Word] = ["": .empty]
    var atomsOfBinding: [InternedAtom] = []
    func visit(_ bound: Policy.Bound, namespace: String) {
      let role = roleIndex[bound.role] ?? roles.count
      if role == roles.count {
        roleIndex[bound.role] = role
        roles.append(vocabulary.intern(bound.rules))
      }
      let scope = namespaces[namespace] ?? vocabulary.intern(namespace)
      namespaces[namespace] = scope
      let binding = bindings.count
      bindings.append((bound, role, scope))
      atomsOfBinding.removeAll(keepingCapacity: true)
      for rule in roles[role] { atomsOfBinding += rule.atoms(boundIn: scope) }
      for (i, subject) in bound.subjects.enumerated() {
        guard let key = subject.matchKey(bindingNamespace: namespace) else { continue }
        let node = GraphNode(key)
        sites[node, default: []].append((binding, i))
        // A subject named by a binding is a subject of the diff even when its role is missing or empty.
        atoms[node, default: []].formUnion(atomsOfBinding)
      }
    }
    for bound in policy.clusterRoleBindings { visit(bound, namespace: "") }
    for (ns, bindings) in policy.roleBindings { for bound in bindings { visit(bound, namespace: ns) } }
  }

  /// Every rule granted to `subject`, with its atoms: computed once per changed subject.
  func rules(of subject: GraphNode) -> [GrantedRule] {
    (sites[subject] ?? []).flatMap { b, s in
      let (_, role, namespace) = bindings[b]
      let rules = roles[role]
      return rules.indices.map { r in
        GrantedRule(binding: b, subject: s, rule: r, atoms: rules[r].atoms(boundIn: namespace))
      }
    }
  }

  /// The binding, role and rule behind a granted rule, as every report shows them.
  func evidence(of granted: GrantedRule) -> Evidence {
    formatted.evidence(of: granted) { granted in
      let (bound, role, _) = bindings[granted.binding]
      let grant = bound.grant(subject: granted.subject, rule: granted.rule)
      return Evidence(grant, rule: formatted.ruleText(role: role, rule: granted.rule) { grant.ruleText })
    }
  }
}

/// One rule of one binding, granted to a subject the binding names (its `subject` entry), with its atoms.
struct GrantedRule {
  var binding: Int
  var subject: Int
  var rule: Int
  var atoms: [InternedAtom]

  /// Whether both are the same rule of the same binding (granted through different subject entries, perhaps).
  func isSameRule(as other: GrantedRule) -> Bool { binding == other.binding && rule == other.rule }
}
