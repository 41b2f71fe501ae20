// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACIngest
import RBACModel
import RBACTestSupport
import Testing

private func read(_ text: String, namespace: String = "default") throws -> SnapshotContent {
  try Ingest.read(data: Data(text.utf8), file: "input.yaml", options: .init(defaultNamespace: namespace))
}

private func error(_ text: String) -> String {
  do {
    _ = try read(text)
    return "no error"
  } catch {
    return "\(error)"
  }
}

@Test func helmOutputWithCommentsAndEmptyDocuments() throws {
  let content = try read(
    """
    # Source: chart/templates/sa.yaml
    ---
    ---
    # Source: chart/templates/disabled.yaml
    ---
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: app
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: c}
    """, namespace: "team")
  #expect(content.serviceAccounts.map(\.object) == [ServiceAccount(namespace: "team", name: "app")])
  #expect(content.skippedKinds == ["v1/ConfigMap": 1])
}

@Test func kubectlListJSONIsReadItemByItem() throws {
  let json = """
    {"apiVersion":"v1","kind":"List","items":[
      {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"a","labels":{"x":"y"}},
       "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]},
      {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b","namespace":"n"},
       "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"a"},
       "subjects":[{"kind":"ServiceAccount","name":"s"}]}
    ],"metadata":{"resourceVersion":""}}
    """
  let content = try Ingest.read(data: Data(json.utf8), file: "dump.json")
  #expect(content.clusterRoles.map(\.object.labels) == [["x": "y"]])
  #expect(content.roleBindings.map(\.object.subjects) == [[.serviceAccount("", "s")]])
  #expect(content.roleBindings[0].source == ObjectSource(file: "dump.json", document: 1))
}

@Test func typedListsAndOlderRBACVersionsReadTheSame() throws {
  let content = try read(
    """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleList
    items:
    - apiVersion: rbac.authorization.k8s.io/v1beta1
      kind: Role
      metadata: {name: r, namespace: n}
      rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
    - apiVersion: rbac.authorization.k8s.io/v1alpha1
      kind: Role
      metadata: {name: s, namespace: n}
    """)
  #expect(content.roles.map(\.object.name) == ["r", "s"])
}

@Test func aKindOfTheSameNameInAnotherGroupIsNotRBAC() throws {
  let content = try read(
    """
    apiVersion: example.com/v1
    kind: Role
    metadata: {name: r}
    """)
  #expect(content.roles.isEmpty)
  #expect(content.skippedKinds == ["example.com/v1/Role": 1])
}

@Test func laterDuplicateWinsWithAWarning() throws {
  let content = try read(
    """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: a}
    rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: a}
    rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
    """)
  #expect(content.clusterRoles.map(\.object.rules) == [[rule("get", groups: "", resources: "secrets")]])
  #expect(content.diagnostics.map(\.category) == [.duplicateObject])
  #expect(content.diagnostics[0].source?.document == 2)
}

@Test func unknownSubjectKindIsDroppedWithAWarningAndTheRestKept() throws {
  let content = try read(
    """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: b}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    subjects:
    - {kind: Robot, name: r2}
    - {kind: User, name: alice}
    """)
  #expect(content.clusterRoleBindings[0].object.subjects == [.user("alice")])
  #expect(content.diagnostics.map(\.category).contains(.unknownSubjectKind))
}

@Test func aggregationIsResolvedAtIngest() throws {
  let content = try Ingest.read(paths: [fixture("bootstrap/cluster-roles.yaml")])
  let admin = try #require(content.clusterRoles.first { $0.object.name == "admin" }).object
  let token = RequestAttributes.resource("create", "serviceaccounts", subresource: "token", name: "x", namespace: "n")
  #expect(admin.rules.contains { $0.allows(token) })
  // admin collects edit's rules, which collect view's: the fixed point.
  #expect(Set(admin.ruleOrigins) == ["system:aggregate-to-admin", "system:aggregate-to-edit", "system:aggregate-to-view"])
  let view = try #require(content.clusterRoles.first { $0.object.name == "view" }).object
  #expect(!view.rules.contains { $0.allows(.resource("get", "secrets", name: "x", namespace: "n")) })
}

@Test func bindingChecksFindWhatGrantsLessThanItSeems() throws {
  let content = try Ingest.read(paths: [fixture("cases/semantics.yaml")])
  let found = Dictionary(grouping: content.diagnostics, by: \.category).mapValues(\.count)
  #expect(
    found == [
      .danglingBinding: 1, .serviceAccountWithoutNamespace: 1, .missingServiceAccount: 2,
      .clusterRoleBindingToRole: 1,
    ])
}

@Test func noSubjectsIsReported() throws {
  let content = try read(
    """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: b}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    """)
  #expect(content.diagnostics.map(\.category).contains(.bindingWithoutSubjects))
}

// MARK: - Errors name file, document and field

@Test func missingRequiredFields() {
  #expect(
    error("apiVersion: v1\nkind: ServiceAccount\nmetadata: {namespace: x}\n")
      == "input.yaml, document 1, field metadata.name (line 3): required field is missing")
  #expect(
    error("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\n")
      == "input.yaml, document 2, field roleRef (line 6): required field is missing")
  #expect(
    error("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: ''}\n")
      == "input.yaml, document 1, field metadata.name: must not be empty")
}

@Test func wrongTypes() {
  #expect(
    error("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a}\nrules:\n- verbs: get\n")
      == "input.yaml, document 1, field rules[0].verbs (line 5): expected a list")
  #expect(
    error("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a}\nrules:\n- apiGroups: [\"\"]\n")
      == "input.yaml, document 1, field rules[0].verbs (line 5): required field is missing")
}

@Test func unknownRoleRefKind() {
  #expect(
    error("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: a}\nroleRef: {kind: Group, name: x}\n")
      == "input.yaml, document 1, field roleRef.kind (line 4): unknown role kind (expected Role or ClusterRole)")
}

@Test func syntaxErrorsNameTheLine() {
  #expect(error("kind: [a\n").hasPrefix("input.yaml, document 1, line 2: syntax error:"))
  #expect(
    (try? Ingest.read(data: Data("{\"kind\": ".utf8), file: "x.json")) == nil)
}

@Test func documentThatIsNotAnObject() {
  #expect(
    error("- a\n- b\n")
      == "input.yaml, document 1, field (document): expected a Kubernetes object (a mapping with apiVersion and kind)")
}

@Test func byteOrderMarkAndCRLFAreAccepted() throws {
  let text = "\u{FEFF}apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: prod\r\n"
  let content = try Ingest.read(data: Data(text.utf8), file: "win.yaml")
  #expect(content.namespaces.map(\.object.name) == ["prod"])
}

@Test func directoriesAreReadRecursivelyInNameOrderAndMissingPathsFail() throws {
  let files = try ManifestReader.inputFiles([fixture("bootstrap")])
  #expect(files.map { URL(fileURLWithPath: $0).lastPathComponent } == [
    "cluster-role-bindings.yaml", "cluster-roles.yaml", "controller-role-bindings.yaml", "controller-roles.yaml",
    "namespace-role-bindings.yaml", "namespace-roles.yaml",
  ])
  #expect(throws: IngestError.unreadable(path: "/no/such/path", reason: "no such file or directory")) {
    try ManifestReader.inputFiles(["/no/such/path"])
  }
}
