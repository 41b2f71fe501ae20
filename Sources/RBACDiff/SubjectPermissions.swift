// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel

/// What every subject a binding names is granted directly, as atoms: the side of a snapshot a permission diff reads.
///
/// Only the subject the binding names is credited, not its members: when a group gains a permission, the group's
/// line says so once rather than every service account repeating it (the path and admin sections follow members).
public struct SubjectPermissions: Sendable {
  public private(set) var atoms: [GraphNode: Set<PermissionAtom>] = [:]
  /// The bindings that name each subject, with the index of the subject entry: where evidence is looked up.
  private var sites: [GraphNode: [(bound: Policy.Bound, subject: Int)]] = [:]

  public init(_ policy: Policy) {
    var atomsOfBinding: [PermissionAtom] = []
    func visit(_ bound: Policy.Bound, namespace: String) {
      atomsOfBinding.removeAll(keepingCapacity: true)
      for rule in bound.rules { atomsOfBinding += PermissionAtom.atoms(of: rule, boundIn: namespace) }
      for (i, subject) in bound.subjects.enumerated() {
        guard let key = subject.matchKey(bindingNamespace: namespace) else { continue }
        let node = GraphNode(key)
        sites[node, default: []].append((bound, i))
        // A subject named by a binding is a subject of the diff even when its role is missing or empty.
        atoms[node, default: []].formUnion(atomsOfBinding)
      }
    }
    for bound in policy.clusterRoleBindings { visit(bound, namespace: "") }
    for (ns, bindings) in policy.roleBindings { for bound in bindings { visit(bound, namespace: ns) } }
  }

  /// Every rule granted to `subject`, as the grant that names it and its atoms: computed once per changed subject.
  public func rules(of subject: GraphNode) -> [(grant: Grant, atoms: [PermissionAtom])] {
    (sites[subject] ?? []).flatMap { bound, s in
      let namespace = bound.ref.kind == .roleBinding ? bound.ref.namespace : ""
      return bound.rules.indices.map { r in
        (bound.grant(subject: s, rule: r), PermissionAtom.atoms(of: bound.rules[r], boundIn: namespace))
      }
    }
  }
}
