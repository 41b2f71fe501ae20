// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACDiff
import RBACGraph
import RBACIngest
import RBACModel
import RBACTestSupport
import Testing

// Hand-made pairs, each isolating one kind of change, on top of the default ClusterRoles every cluster has.

private func side(_ name: String, _ yaml: String) throws -> DiffSide {
  var content = try Ingest.read(data: Data(yaml.utf8), file: name + ".yaml")
  let defaults = try Ingest.read(paths: [fixture("bootstrap/cluster-roles.yaml")])
  content.clusterRoles += defaults.clusterRoles
  return DiffSide(name: name, content: content)
}

private func diff(_ old: String, _ new: String) throws -> SnapshotDiff {
  SnapshotDiff(try side("old", old), try side("new", new))
}

private let namespaceAndAccount = """
  apiVersion: v1
  kind: ServiceAccount
  metadata: {name: builder, namespace: ci}
  ---

  """

private func readerRole(_ name: String, verbs: String, resources: String = "[pods]") -> String {
  """
  apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: {name: \(name), namespace: ci}
  rules:
  - {apiGroups: [""], resources: \(resources), verbs: \(verbs)}
  ---

  """
}

private func binding(_ name: String, role: String, kind: String = "Role", subject: String = "builder") -> String {
  """
  apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: \(name), namespace: ci}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: \(kind), name: \(role)}
  subjects:
  - {kind: ServiceAccount, name: \(subject), namespace: ci}
  ---

  """
}

/// A ClusterRole of one rule on pods, bound cluster-wide to one subject (a YAML flow mapping).
private func clusterRoleBound(_ name: String, verbs: String, to subject: String) -> String {
  """
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: \(name)}
  rules:
  - {apiGroups: [""], resources: [pods], verbs: \(verbs)}
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: \(name)}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \(name)}
  subjects:
  - \(subject)
  ---

  """
}

private let builder = GraphNode.serviceAccount(namespace: "ci", name: "builder")

@Test func aRenamedBindingChangesNoPermission() throws {
  let d = try diff(
    namespaceAndAccount + readerRole("reader", verbs: "[get, list]") + binding("old-name", role: "reader"),
    namespaceAndAccount + readerRole("reader", verbs: "[get, list]") + binding("new-name", role: "reader"))
  #expect(d.permissions.isEmpty && d.paths.isEmpty && d.admins.isEmpty)
  #expect(d.objects.map { "\($0.change) \($0.name)" } == ["added new-name", "removed old-name"])
  #expect(!d.fails(on: .any))
}

@Test func aRoleSplitInTwoChangesNoPermission() throws {
  let d = try diff(
    namespaceAndAccount + readerRole("reader", verbs: "[get, list, watch]", resources: "[pods, configmaps]")
      + binding("read", role: "reader"),
    namespaceAndAccount + readerRole("pods", verbs: "[get, list, watch]") + binding("pods", role: "pods")
      + readerRole("configmaps", verbs: "[get, list, watch]", resources: "[configmaps]")
      + binding("configmaps", role: "configmaps"))
  #expect(d.permissions.isEmpty && d.paths.isEmpty && d.admins.isEmpty)
  #expect(!d.objects.isEmpty)
}

@Test func aWildcardThatReplacedAListShowsWhatItAdds() throws {
  let d = try diff(
    namespaceAndAccount + readerRole("reader", verbs: "[get, list]") + binding("read", role: "reader"),
    namespaceAndAccount + readerRole("reader", verbs: "['*']") + binding("read", role: "reader"))
  try #require(d.permissions.count == 1)
  let change = d.permissions[0]
  #expect(change.subject == builder)
  #expect(change.lost.isEmpty)  // get and list are still allowed: nothing is lost
  try #require(change.gained.count == 1)
  #expect(change.gained[0].summary == "* pods in ci")
  #expect(change.gained[0].overlap == ["get,list pods"])
  #expect(change.gained[0].evidence.first?.role == "Role \"ci/reader\"")
  #expect(d.objects.first?.details == ["+ rule {verbs: [*], apiGroups: [\"\"], resources: [pods]}",
    "- rule {verbs: [get list], apiGroups: [\"\"], resources: [pods]}"])
}

@Test func aNarrowedWildcardShowsWhatIsStillHeld() throws {
  let d = try diff(
    namespaceAndAccount + readerRole("reader", verbs: "['*']") + binding("read", role: "reader"),
    namespaceAndAccount + readerRole("reader", verbs: "[get]") + binding("read", role: "reader"))
  try #require(d.permissions.count == 1)
  #expect(d.permissions[0].gained.isEmpty)
  #expect(d.permissions[0].lost.map(\.summary) == ["* pods in ci"])
  #expect(d.permissions[0].lost[0].overlap == ["get pods"])
}

@Test func aNewBindingGainsItsRoleWithEvidence() throws {
  let d = try diff(
    namespaceAndAccount,
    namespaceAndAccount + binding("edit", role: "edit", kind: "ClusterRole"))
  try #require(d.permissions.count == 1)
  let gained = d.permissions[0].gained
  #expect(gained.contains { $0.summary == "create,delete,deletecollection,get,list,patch,update,watch pods in ci" })
  #expect(gained.allSatisfy { $0.namespace == "ci" })  // a RoleBinding of a ClusterRole grants in its namespace only
  #expect(gained.allSatisfy { $0.evidence.contains { $0.binding == "RoleBinding \"ci/edit\"" } })
  #expect(d.fails(on: .any))
}

@Test func aRemovedSubjectLosesEverything() throws {
  let two = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: read, namespace: ci}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
    subjects:
    - {kind: ServiceAccount, name: builder, namespace: ci}
    - {kind: User, name: alice}
    ---

    """
  let d = try diff(
    namespaceAndAccount + readerRole("reader", verbs: "[get]") + two,
    namespaceAndAccount + readerRole("reader", verbs: "[get]") + binding("read", role: "reader"))
  #expect(d.permissions.map(\.subject) == [.user("alice")])
  #expect(d.permissions[0].lost.map(\.summary) == ["get pods in ci"])
  #expect(d.objects.first?.details == ["- subject User alice"])
}

@Test func aNewPathThroughAGroupIsOneLineWithItsMembers() throws {
  // Every service account may now create pods in kube-system, where a pod can run as any account there.
  let accounts = """
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: a, namespace: team}
    ---
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: b, namespace: team}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: kube-admin}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    subjects:
    - {kind: ServiceAccount, name: admin, namespace: kube-system}
    ---

    """
  let podMaker = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: everyone-makes-pods, namespace: kube-system}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
    subjects:
    - {kind: Group, name: system:serviceaccounts}
    """
  let d = try diff(accounts, accounts + podMaker)
  let toAdmin = d.paths.filter { $0.target == .clusterAdmin }
  try #require(toAdmin.count == 1)
  #expect(toAdmin[0].identity == .group("system:serviceaccounts"))
  #expect(toAdmin[0].kind == .appeared)
  // Both team accounts gain the group's path; kube-system/admin was cluster-admin already.
  #expect(toAdmin[0].members == 2)
  #expect(
    toAdmin[0].memberExamples == [.serviceAccount(namespace: "team", name: "a"), .serviceAccount(namespace: "team", name: "b")])
  #expect(toAdmin[0].firstStep?.evidence.first?.binding == "RoleBinding \"kube-system/everyone-makes-pods\"")
  #expect(d.fails(on: .newPaths))
  #expect(!d.fails(on: .adminGained))
  // Asked about one member, the diff shows that member's own path, not the group's line.
  let one = SnapshotDiff(
    try side("old", accounts), try side("new", accounts + podMaker),
    filter: .init(subject: .serviceAccount(namespace: "team", name: "a")))
  #expect(one.paths.filter { $0.target == .clusterAdmin }.map(\.identity) == [.serviceAccount(namespace: "team", name: "a")])
  #expect(one.paths.allSatisfy { $0.members == 0 && $0.through == 0 })
  // The reverse diff shows the same path disappearing, and gates nothing.
  let back = try diff(accounts + podMaker, accounts)
  #expect(back.paths.filter { $0.target == .clusterAdmin }.map(\.kind) == [.disappeared])
  #expect(!back.fails(on: .newPaths))
}

@Test func becomingAdminThroughAGroupIsOneLine() throws {
  let users = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: alice-view, namespace: ci}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    subjects:
    - {kind: User, name: alice}
    ---

    """
  let everyone = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: oops}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    subjects:
    - {kind: Group, name: system:authenticated}
    """
  let d = try diff(namespaceAndAccount + users, namespaceAndAccount + users + everyone)
  try #require(d.admins.count == 1)
  #expect(d.admins[0].identity == .group("system:authenticated"))
  #expect(d.admins[0].became)
  #expect(Set(d.admins[0].memberExamples) == [builder, .user("alice")])
  #expect(d.admins[0].evidence.binding == "ClusterRoleBinding \"oops\"")
  #expect(d.fails(on: .adminGained))
}

@Test func filtersKeepOneSubjectOrOneNamespace() throws {
  let old = namespaceAndAccount
  let new = namespaceAndAccount + binding("edit", role: "edit", kind: "ClusterRole") + """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: bob, namespace: prod}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    subjects:
    - {kind: User, name: bob}
    """
  let bySubject = SnapshotDiff(try side("old", old), try side("new", new), filter: .init(subject: .user("bob")))
  #expect(bySubject.permissions.map(\.subject) == [.user("bob")])
  #expect(bySubject.objects.map(\.name) == ["bob"])
  let byNamespace = SnapshotDiff(try side("old", old), try side("new", new), filter: .init(namespace: "ci"))
  #expect(byNamespace.permissions.map(\.subject) == [builder])
  #expect(byNamespace.objects.map(\.name) == ["edit"])
}

@Test func systemMastersNeverGainsOrLoses() throws {
  // The API server allows system:masters everything before RBAC is consulted: a role bound to it changing is an
  // object change, not a permission change.
  func masters(_ verbs: String) -> String {
    clusterRoleBound("masters-extra", verbs: verbs, to: "{kind: Group, name: system:masters}")
  }
  let d = try diff(namespaceAndAccount + masters("[get]"), namespaceAndAccount + masters("[get, delete]"))
  #expect(!d.objects.isEmpty)
  #expect(!d.permissions.contains { $0.subject == .group("system:masters") }, "\(d.permissions.map(\.subject))")
}

@Test func overlapNamesWhatABroaderGrantAlreadyHeldOfTheLine() throws {
  // get pods cluster-wide is broader in scope and narrower in verbs than the new `* pods in ci`: the part of it
  // inside the line (get pods in ci) was already held, as was list pods in ci.
  let clusterWideGet = clusterRoleBound("pod-getter", verbs: "[get]", to: "{kind: ServiceAccount, name: builder, namespace: ci}")
  let d = try diff(
    namespaceAndAccount + clusterWideGet + readerRole("reader", verbs: "[list]") + binding("read", role: "reader"),
    namespaceAndAccount + clusterWideGet + readerRole("reader", verbs: "['*']") + binding("read", role: "reader"))
  try #require(d.permissions.count == 1)
  let gained = d.permissions[0].gained
  try #require(gained.count == 1)
  #expect(gained[0].summary == "* pods in ci")
  #expect(gained[0].overlap == ["get,list pods"], "\(gained[0].overlap)")
  // And the reverse: what a lost line still holds.
  let back = try diff(
    namespaceAndAccount + clusterWideGet + readerRole("reader", verbs: "['*']") + binding("read", role: "reader"),
    namespaceAndAccount + clusterWideGet + readerRole("reader", verbs: "[list]") + binding("read", role: "reader"))
  #expect(back.permissions.first?.lost.first?.overlap == ["get,list pods"])
}
