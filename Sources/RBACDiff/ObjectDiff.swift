// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// An object added, removed or modified between two snapshots, with what changed in it.
public struct ObjectChange: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable {
    case added, removed, modified
  }

  public var kind: String
  /// Empty for cluster-scoped objects.
  public var namespace: String
  public var name: String
  public var change: Kind
  /// For a modification: one line per changed field (`roleRef: ClusterRole view -> ClusterRole edit`, `+ rule ...`).
  public var details: [String]

  public var qualifiedName: String { namespace.isEmpty ? name : namespace + "/" + name }
}

/// Compares the objects that decide permissions and who holds them: roles, bindings, service accounts, workloads
/// and aws-auth entries. Where an object was read from is not a change.
public enum ObjectDiff {
  public static func compare(_ old: SnapshotContent, _ new: SnapshotContent) -> [ObjectChange] {
    var changes: [ObjectChange] = []
    changes += compare(old.clusterRoles, new.clusterRoles) { a, b in
      rules(a.rules, b.rules) + labels(a.labels, b.labels)
        + (a.aggregationRule == b.aggregationRule ? [] : ["aggregationRule changed"])
    }
    changes += compare(old.roles, new.roles) { rules($0.rules, $1.rules) }
    changes += compare(old.clusterRoleBindings, new.clusterRoleBindings) {
      binding($0.roleRef, $0.subjects, $1.roleRef, $1.subjects)
    }
    changes += compare(old.roleBindings, new.roleBindings) {
      binding($0.roleRef, $0.subjects, $1.roleRef, $1.subjects)
    }
    changes += compare(old.serviceAccounts, new.serviceAccounts) {
      field("automountServiceAccountToken", $0.automountServiceAccountToken, $1.automountServiceAccountToken)
    }
    changes += workloads(old.workloads, new.workloads)
    changes += awsAuth(old.awsAuth, new.awsAuth)
    return changes
  }

  /// Objects paired by their identity (kind, namespace, name), in that order.
  static func compare<T: StoredObject & Hashable>(
    _ old: [Sourced<T>], _ new: [Sourced<T>], details: (T, T) -> [String]
  ) -> [ObjectChange] {
    func index(_ items: [Sourced<T>]) -> [Key: T] {
      var map: [Key: T] = [:]
      for item in items { map[Key(item.object)] = item.object }
      return map
    }
    let before = index(old)
    let after = index(new)
    var changes: [ObjectChange] = []
    for k in Set(before.keys).union(after.keys).sorted() {
      func change(_ kind: ObjectChange.Kind, _ details: [String]) -> ObjectChange {
        ObjectChange(kind: k.kind, namespace: k.namespace, name: k.name, change: kind, details: details)
      }
      switch (before[k], after[k]) {
      case (nil, .some): changes.append(change(.added, []))
      case (.some, nil): changes.append(change(.removed, []))
      case (.some(let a), .some(let b)) where a != b:
        let found = details(a, b)
        if !found.isEmpty { changes.append(change(.modified, found)) }
      default: continue
      }
    }
    return changes
  }

  struct Key: Hashable, Comparable {
    var kind: String, namespace: String, name: String

    init<T: StoredObject>(_ object: T) {
      (kind, namespace, name) = (object.kindName, object.objectNamespace, object.objectName)
    }

    static func < (a: Key, b: Key) -> Bool { (a.kind, a.namespace, a.name) < (b.kind, b.namespace, b.name) }
  }

  /// Rules compared as a set: reordering them is no change.
  static func rules(_ old: [PolicyRule], _ new: [PolicyRule]) -> [String] {
    let before = Set(old)
    let after = Set(new)
    return new.filter { !before.contains($0) }.map { "+ rule " + $0.compactDescription }
      + old.filter { !after.contains($0) }.map { "- rule " + $0.compactDescription }
  }

  static func labels(_ old: [String: String], _ new: [String: String]) -> [String] {
    guard old != new else { return [] }
    let keys = Set(old.keys).union(new.keys).sorted().filter { old[$0] != new[$0] }
    return keys.map { "label \($0): \(old[$0] ?? "(none)") -> \(new[$0] ?? "(none)")" }
  }

  static func binding(_ oldRef: RoleRef, _ oldSubjects: [Subject], _ newRef: RoleRef, _ newSubjects: [Subject])
    -> [String]
  {
    var details: [String] = []
    if oldRef != newRef {
      details.append("roleRef: \(oldRef.kind.rawValue) \(oldRef.name) -> \(newRef.kind.rawValue) \(newRef.name)")
    }
    let before = Set(oldSubjects)
    let after = Set(newSubjects)
    details += newSubjects.filter { !before.contains($0) }.map { "+ subject " + describe($0) }
    details += oldSubjects.filter { !after.contains($0) }.map { "- subject " + describe($0) }
    return details
  }

  static func describe(_ subject: Subject) -> String {
    subject.kind == .serviceAccount && !subject.namespace.isEmpty
      ? "ServiceAccount \(subject.namespace)/\(subject.name)" : "\(subject.kind.rawValue) \(subject.name)"
  }

  static func field<V: Equatable>(_ name: String, _ old: V?, _ new: V?) -> [String] {
    guard old != new else { return [] }
    return ["\(name): \(old.map { "\($0)" } ?? "(unset)") -> \(new.map { "\($0)" } ?? "(unset)")"]
  }

  static func workloads(_ old: [Sourced<Workload>], _ new: [Sourced<Workload>]) -> [ObjectChange] {
    compare(old, new) { a, b in
      field("serviceAccountName", a.serviceAccount, b.serviceAccount)
        + field("automountServiceAccountToken", a.automountServiceAccountToken, b.automountServiceAccountToken)
        + field("nodeName", a.nodeName, b.nodeName) + field("privileged", a.privileged, b.privileged)
        + field("hostPath", a.hostPath, b.hostPath) + field("hostPID", a.hostPID, b.hostPID)
        + field("hostNetwork", a.hostNetwork, b.hostNetwork)
    }
  }

  /// An aws-auth entry, known by its ARN: the IAM identity that logs in as Kubernetes users and groups.
  struct AWSAuthEntry: StoredObject, Hashable {
    var mapping: AWSAuthMapping
    var kindName: String { "aws-auth" }
    var objectNamespace: String { "kube-system" }
    var objectName: String { mapping.arn }
  }

  static func awsAuth(_ old: [AWSAuthMapping], _ new: [AWSAuthMapping]) -> [ObjectChange] {
    let wrap = { (m: [AWSAuthMapping]) in m.map { Sourced(AWSAuthEntry(mapping: $0), from: ObjectSource(file: "", document: 0)) } }
    return compare(wrap(old), wrap(new)) { a, b in
      field("username", a.mapping.username, b.mapping.username)
        + (a.mapping.groups == b.mapping.groups
          ? [] : ["groups: [\(a.mapping.groups.joined(separator: " "))] -> [\(b.mapping.groups.joined(separator: " "))]"])
    }
  }
}
