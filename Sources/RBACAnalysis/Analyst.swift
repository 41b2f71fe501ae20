// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACModel
import RBACReport
import RBACStore

/// Answers questions about one snapshot: it loads as much of the snapshot as the question needs, asks the policy,
/// and returns a report. Nothing here parses manifests or matches rules itself.
public struct Analyst: Sendable {
  public let database: RolecallDatabase
  public let snapshot: SnapshotInfo

  public init(database: RolecallDatabase, snapshot: SnapshotInfo) {
    self.database = database
    self.snapshot = snapshot
  }

  /// `can-i VERB RESOURCE [NAME]`.
  public func canI(_ user: UserInfo, _ argument: RequestArgument) throws -> CanIReport {
    var (request, _, notes) = try argument.resolve(catalog: try database.resourceCatalog(of: snapshot))
    if argument.namespace != nil { notes += try namespaceNotes(request) }
    let policy = try database.policy(of: snapshot, scope: .namespace(request.namespace))
    return CanIReport(
      user: user, request: request, decision: policy.decide(user, request),
      bindingsConsidered: policy.bindings(for: user, namespace: request.namespace).count,
      notes: notes + (try identityNotes(user)))
  }

  /// `can-i --list`: every rule that applies in the namespace, merged.
  public func rules(for user: UserInfo, namespace: String) throws -> PermissionsReport {
    let policy = try database.policy(of: snapshot, scope: .namespace(namespace))
    let catalog = try database.resourceCatalog(of: snapshot)
    let merged = PermissionMerger.merge(policy.grants(for: user, namespace: namespace), catalog: catalog) { _ in namespace }
    return PermissionsReport(
      subject: user.name, user: user, namespace: namespace, permissions: merged, notes: try identityNotes(user))
  }

  /// `can-i --list -o matrix` and `perms -o matrix`: the identity against every resource the snapshot knows, in
  /// `namespace` (empty: cluster-wide); with `allNamespaces`, then each namespace where it holds a RoleBinding that
  /// changes an answer.
  public func accessMatrix(
    for user: UserInfo, subject: String, namespace: String, allNamespaces: Bool
  ) throws -> AccessMatrixReport {
    let policy = try database.policy(of: snapshot, scope: allNamespaces ? .all : .namespace(namespace))
    let resources = try database.resourceCatalog(of: snapshot).resources.sorted { ($0.group, $0.name) < ($1.group, $1.name) }
    let base = policy.accessMatrix(for: user, namespace: namespace, resources: resources)
    var namespaces: [AccessMatrix]?
    if allNamespaces {
      // Only a RoleBinding can make a namespace's answer differ from the cluster-wide one.
      namespaces = policy.namespacesBinding(user).compactMap { ns in
        var matrix = policy.accessMatrix(for: user, namespace: ns, resources: resources)
        matrix.rows = zip(matrix.rows, base.rows).filter { here, there in here.namespaced && here.access != there.access }
          .map(\.0)
        return matrix.rows.isEmpty ? nil : matrix
      }
    }
    return AccessMatrixReport(
      subject: subject, user: user, matrix: base, namespaces: namespaces, notes: try identityNotes(user))
  }

  /// `who-can VERB RESOURCE [NAME]`.
  public func whoCan(_ argument: RequestArgument, expand: Bool = false) throws -> WhoCanReport {
    try whoCan(verbs: [argument.verb], argument, expand: expand).answers[0]
  }

  /// `who-can VERB,VERB,... RESOURCE [NAME]`: one answer per verb, in the order asked, from one load of the policy;
  /// with `expand`, each group's members the snapshot knows.
  public func whoCan(verbs: [String], _ argument: RequestArgument, expand: Bool = false) throws -> WhoCanVerbsReport {
    let catalog = try database.resourceCatalog(of: snapshot)
    let known = expand ? try database.knownIdentities(of: snapshot) : nil
    var asked: [(request: RequestAttributes, scope: NamespaceScope, notes: [String])] = []
    for verb in verbs {
      var one = argument
      one.verb = verb
      var (request, scope, notes) = try one.resolve(catalog: catalog)
      if argument.namespace != nil && asked.isEmpty { notes += try namespaceNotes(request) }
      asked.append((request, scope, notes))
    }
    // Every verb of one question has the same scope: the policy it needs is read once, and across every namespace
    // only the roles that could allow one of the requests, with the bindings to them.
    let policy: Policy
    switch asked[0].scope {
    case .all: policy = try database.policy(of: snapshot, scope: .matching(asked.map(\.request)))
    case .cluster: policy = try database.policy(of: snapshot, scope: .namespace(""))
    case .namespace(let ns): policy = try database.policy(of: snapshot, scope: .namespace(ns))
    }
    var answers: [WhoCanReport] = []
    for (request, scope, notes) in asked {
      let subjects = policy.allowedSubjects(request, in: scope)
      let members = known.map { known in
        subjects.filter { $0.subject.kind == .group }.flatMap { known.members(of: $0.subject.name) }
      }
      answers.append(WhoCanReport(request: request, scope: scope, subjects: subjects, members: members, notes: notes))
    }
    return WhoCanVerbsReport(answers: answers)
  }

  /// `perms SUBJECT`: what the subject can do cluster-wide and in each namespace, merged, with provenance.
  public func permissions(of subject: SubjectArgument, extraGroups: [String] = []) throws -> PermissionsReport {
    let user = subject.identity(extraGroups: extraGroups)
    let policy = try database.policy(of: snapshot, scope: .all)
    let catalog = try database.resourceCatalog(of: snapshot)
    let merged = PermissionMerger.merge(policy.allGrants(for: user), catalog: catalog) { $0.binding.namespace }
    var notes = try identityNotes(user)
    if case .group = subject {
      notes.append("a group's permissions are what its bindings grant; members also have their own and their other groups'")
    }
    return PermissionsReport(subject: subject.label, user: user, namespace: nil, permissions: merged, notes: notes)
  }

  /// `can-i --batch`: the whole policy is loaded once, then every line is answered from memory.
  public func canIBatch(_ input: Data, write: ([UInt8]) -> Void) throws {
    try Batch.canI(input, policy: { try database.policy(of: snapshot, scope: .all) }, write: write)
  }

  /// `who-can --batch`.
  public func whoCanBatch(_ input: Data, write: ([UInt8]) -> Void) throws {
    try Batch.whoCan(input, policy: { try database.policy(of: snapshot, scope: .all) }, write: write)
  }

  /// What the user should know about the identity: unknown to every binding, or a service account that does not
  /// exist. Identities live outside the cluster, so neither stops the evaluation.
  /// A warning when the namespace asked for (`-n`) is one the snapshot knows nothing of (no Namespace object, role,
  /// binding, account or workload): a typo answers "no" for everyone.
  func namespaceNotes(_ request: RequestAttributes) throws -> [String] {
    guard case .resource(let r) = request.target, !r.namespace.isEmpty, snapshot.namespaces > 0,
      !(try database.namespaceKnown(r.namespace, in: snapshot))
    else { return [] }
    return ["namespace \"\(r.namespace)\" is not in snapshot \"\(snapshot.name)\" (no Namespace object, role, binding or account is in it)"]
  }

  func identityNotes(_ user: UserInfo) throws -> [String] {
    var notes: [String] = []
    if let sa = user.serviceAccount {
      if !(try database.serviceAccountExists(namespace: sa.namespace, name: sa.name, in: snapshot))
        && snapshot.serviceAccounts > 0
      {
        notes.append(
          "ServiceAccount \(sa.namespace)/\(sa.name) is not in snapshot \"\(snapshot.name)\"; it is evaluated as if it existed")
      }
    }
    if !user.name.isEmpty, !(try database.isNamed(.user(user.name), in: snapshot)) {
      var groups: [String] = []
      // system:masters is allowed everything without a binding: it always counts among the groups that give power.
      for group in user.groups where try group == UserInfo.mastersGroup || database.isNamed(.group(group), in: snapshot) {
        groups.append(group)
      }
      var note = "no binding names \"\(user.name)\"; its permissions come only from its groups"
      if groups.isEmpty {
        note += ", and no binding names any of them either"
      } else {
        note += " (" + groups.map { $0 == UserInfo.mastersGroup ? $0 + ", allowed everything before RBAC is consulted" : $0 }
          .joined(separator: "; ") + ")"
      }
      notes.append(note)
    }
    return notes
  }
}
