// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import RBACTestSupport
import Testing

private let policy = staticPolicy(
  clusterRoles: [
    ClusterRole(name: "pod-reader", rules: [rule("get,list", groups: "", resources: "pods")]),
    ClusterRole(name: "one-secret", rules: [rule("get", groups: "", resources: "secrets", names: "db")]),
    ClusterRole(name: "node-admin", rules: [rule("*", groups: "", resources: "nodes")]),
  ],
  roles: [Role(namespace: "dev", name: "deployer", rules: [rule("create,update", groups: "apps", resources: "deployments")])],
  clusterRoleBindings: [clusterRoleBinding("read-pods", role: "pod-reader", "User:alice")],
  roleBindings: [
    roleBinding("dev", "deploy", role: "deployer", "User:alice"),
    roleBinding("dev", "secret", clusterRole: "one-secret", "User:alice"),
    // A RoleBinding cannot grant a cluster-scoped resource: nodes stays "no" everywhere.
    roleBinding("dev", "nodes", clusterRole: "node-admin", "User:alice"),
  ])

private let resources = ResourceCatalog.builtin.filter { resource in
  ["pods", "secrets", "nodes"].contains(resource.name) && resource.group.isEmpty
    || resource.name == "deployments" && resource.group == "apps"
}

private func row(_ matrix: AccessMatrix, _ resource: String) throws -> String {
  try #require(matrix.rows.first { $0.resource == resource }).access.map(\.rawValue).joined(separator: " ")
}

@Test func eachCellIsTheAuthorizersAnswerWithPartialForNamedObjects() throws {
  let alice = UserInfo.impersonating("alice")
  let clusterWide = policy.accessMatrix(for: alice, namespace: "", resources: resources)
  //                                    get list watch create update patch delete deletecollection
  #expect(try row(clusterWide, "pods") == "yes yes no no no no no no")
  #expect(try row(clusterWide, "secrets") == "no no no no no no no no")
  #expect(try row(clusterWide, "deployments.apps") == "no no no no no no no no")
  let dev = policy.accessMatrix(for: alice, namespace: "dev", resources: resources)
  #expect(try row(dev, "pods") == "yes yes no no no no no no")
  #expect(try row(dev, "secrets") == "partial no no no no no no no")
  #expect(try row(dev, "deployments.apps") == "no no no yes yes no no no")
  #expect(try row(dev, "nodes") == "no no no no no no no no")
  // Every yes is a request the authorizer allows, and every other cell one it refuses.
  for matrix in [clusterWide, dev] {
    for (r, resource) in zip(matrix.rows, resources) {
      for (access, verb) in zip(r.access, AccessMatrix.verbs) {
        let ns = resource.namespaced ? matrix.namespace : ""
        let allowed = policy.allows(alice, .resource(verb, group: resource.group, resource.name, namespace: ns))
        #expect(allowed == (access == .yes), "\(resource.name) \(verb) in \(ns)")
      }
    }
  }
  // The grants behind a yes are the rules that allow it; a partial names the rule limited by resourceNames.
  let secretGet = try #require(dev.rows.first { $0.resource == "secrets" }).grants[0]
  #expect(secretGet.map(\.binding.name) == ["secret"])
  #expect(policy.namespacesBinding(alice) == ["dev"])
}

@Test func systemMastersMayDoEverythingWithoutARule() {
  let root = UserInfo.impersonating("root", groups: [UserInfo.mastersGroup])
  let matrix = policy.accessMatrix(for: root, namespace: "dev", resources: resources)
  #expect(matrix.rows.allSatisfy { $0.access.allSatisfy { $0 == .yes } && $0.grants.allSatisfy(\.isEmpty) })
}
