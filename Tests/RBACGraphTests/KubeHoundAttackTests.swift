// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import RBACIngest
import RBACModel
import RBACTestSupport
import Testing

// KubeHound's attack setups (fixtures/kubehound-attacks), applied together as KubeHound applies them, on top of the
// default ClusterRoles every cluster has. Each RBAC attack must yield the step its file name describes.

private func kubeHound(extra: [SecretMetadata] = []) throws -> EscalationGraph {
  var content = try Ingest.read(paths: [fixture("kubehound-attacks"), fixture("bootstrap/cluster-roles.yaml")])
  content.secrets += extra.map { Sourced($0, from: ObjectSource(file: "test", document: 1)) }
  return EscalationGraph(policy: content.policy(), objects: content.clusterObjects)
}

private func sa(_ name: String) -> GraphNode { .serviceAccount(namespace: "default", name: name) }

private func primitives(_ g: EscalationGraph, from node: GraphNode) -> Set<String> {
  Set(g.edges(from: node).map(\.primitive)).subtracting(["membership"])
}

@Test func podCreateExecAndPatch() throws {
  let g = try kubeHound()
  #expect(primitives(g, from: sa("pod-create-sa")).contains("workload-create"))
  #expect(g.shortestPaths(from: sa("pod-create-sa"), to: sa("pod-exec-sa")).first.map(EscalationGraph.steps) == 1)
  #expect(primitives(g, from: sa("pod-exec-sa")) == ["pod-exec"])
  let patch = g.edges(from: sa("pod-patch-sa"))
  #expect(patch.contains { $0.primitive == "pod-exec" && $0.evidence[0].note?.contains("update/patch pods") == true })
}

@Test func tokenListAndBruteforceNeedTokenSecrets() throws {
  // The setup holds no token secret (none is auto-created since Kubernetes 1.24): there is nothing to read.
  let bare = try kubeHound()
  #expect(!primitives(bare, from: sa("tokenlist-sa")).contains("secret-read"))
  #expect(!primitives(bare, from: sa("tokenget-sa")).contains("secret-read"))
  // With a token secret of another account in default, both read it: list all, get by its (guessable) name.
  let secret = SecretMetadata(
    namespace: "default", name: "pod-create-sa-token-x", type: SecretMetadata.serviceAccountTokenType,
    serviceAccountName: "pod-create-sa")
  let g = try kubeHound(extra: [secret])
  for reader in ["tokenlist-sa", "tokenget-sa"] {
    let path = g.shortestPaths(from: sa(reader), to: sa("pod-create-sa")).first?.map(\.description)
    #expect(path?.first?.contains("-[secret-read]->") == true)
    #expect(path?.last?.hasSuffix(" sa:default:pod-create-sa") == true)
  }
}

@Test func impersonationGrantedByARoleBindingYieldsNothing() throws {
  // IDENTITY_IMPERSONATE binds impersonate on users and groups with a RoleBinding; users and groups are
  // cluster-scoped, so the API server never lets that binding apply.
  let g = try kubeHound()
  #expect(!primitives(g, from: sa("impersonate-sa")).contains("impersonate"))
  #expect(g.shortestPaths(from: sa("impersonate-sa"), to: .clusterAdmin).isEmpty)
}

@Test func roleBindAttacksSucceedExactlyWhereTheAPIServerAllows() throws {
  let g = try kubeHound()
  let accounts = g.identities.compactMap { node -> (String, GraphNode)? in
    if case .serviceAccount("default", let name) = node, name.hasPrefix("rolebind-sa-") { return (name, node) }
    return nil
  }
  #expect(accounts.count == 10)
  for (name, node) in accounts {
    let edges = g.edges(from: node).filter { $0.primitive == "bind" }
    // Cluster-wide: cluster-admin itself, or every ClusterRole bound cluster-wide (roles:clusterroles@cluster).
    let toAdmin = edges.contains { $0.to == .clusterAdmin || $0.to.description.hasSuffix("@cluster") }
    if name.hasSuffix("-fail") {
      #expect(!toAdmin, "\(name) must not bind cluster-wide")
    }
    if name == "rolebind-sa-crb-cr-crb-cr" {
      #expect(toAdmin, "\(name): create clusterrolebindings + bind clusterroles is cluster-admin")
      #expect(g.shortestPaths(from: node, to: .clusterAdmin).first.map(EscalationGraph.steps) == 1)
    } else {
      #expect(!toAdmin, "\(name) binds only inside a namespace")
    }
    if !name.hasSuffix("-fail") {
      #expect(!edges.isEmpty, "\(name) should bind a role in its namespace")
    }
  }
}

@Test func privilegedPodsOfTheSetupReachTheirNode() throws {
  let g = try kubeHound()
  // Whoever can exec into the pods of default reaches a node through the privileged ones (CE_PRIV_MOUNT, ...).
  #expect(g.shortestPaths(from: sa("pod-exec-sa"), to: .node).first?.map(\.primitive) == ["pod-exec", "pod-code"])
}

@Test func storedFirstStepsAreTheFirstStepsOfTheFirstPaths() throws {
  let g = try kubeHound()
  let summary = GraphSummary(g)
  for target in [GraphNode.clusterAdmin, .node] {
    let distances = g.distances(to: target)
    let rows = try #require(summary.targets[target.description]).firstSteps
    let stored = FirstSteps(
      stored: try rows.map {
        (try #require(GraphNode(parsing: $0.key)), try #require(GraphNode(parsing: $0.value.next)), $0.value.step)
      })
    #expect(stored.next.count == distances.filter { $0.value > 0 }.count)
    for (node, steps) in distances where steps > 0 {
      let first = g.guidedPaths(from: node, to: target, distances: distances, limit: 1).first?.first
      #expect(first != nil, "\(node) -> \(target)")
      // What the store gives back says where it leads without decoding it, and for an identity (where paths are
      // shown from) it is the same step; a hub or bound role keeps only where it leads.
      #expect(stored.next[node] == first?.to, "\(node) -> \(target)")
      if node.identity != nil { #expect(stored.step(from: node) == first, "\(node) -> \(target)") }
    }
  }
}

@Test func identitiesTheSnapshotDoesNotKnowReachWhatTheirOwnEdgesReach() throws {
  // Accounts and users no binding names act only through the groups they always carry: the distance of one stands
  // for all with the same groups, and must be what each one's own edges give. The groups are given powers here, so
  // that the answers are not all "unreachable".
  var content = try Ingest.read(paths: [fixture("kubehound-attacks"), fixture("bootstrap/cluster-roles.yaml")])
  let groups = try Ingest.read(
    data: Data(
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: every-account-creates-pods, namespace: default}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: create-pods}
      subjects: [{kind: Group, name: "system:serviceaccounts:default", apiGroup: rbac.authorization.k8s.io}]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: read-nodes}
      rules: [{apiGroups: [""], resources: [nodes/proxy], verbs: [get, create]}]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: everyone-reads-nodes}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-nodes}
      subjects: [{kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}]
      """.utf8), file: "groups.yaml")
  content.roles += groups.roles
  content.clusterRoles += groups.clusterRoles
  content.roleBindings += groups.roleBindings
  content.clusterRoleBindings += groups.clusterRoleBindings
  let g = EscalationGraph(policy: content.policy(), objects: content.clusterObjects)
  let unknown: [GraphNode] = [
    sa("new-1"), sa("new-2"), .serviceAccount(namespace: "elsewhere", name: "a"),
    .serviceAccount(namespace: "elsewhere", name: "b"), .user("someone-new"), .user("someone-else"),
  ]
  #expect(unknown.allSatisfy { !g.identitySet.contains($0) })
  var reached = 0
  for target in [GraphNode.clusterAdmin, .node] {
    let distances = g.distances(to: target)
    g.prefetchUnknown(unknown)
    for node in unknown {
      let own = g.edges(from: node).compactMap { edge in distances[edge.to].map { $0 + EscalationGraph.cost(edge) } }.min()
      #expect(g.steps(from: node, given: distances) == own, "\(node) -> \(target)")
      if own != nil { reached += 1 }
    }
  }
  #expect(reached >= unknown.count)  // nodes/proxy takes every one of them to node
}
