// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACIngest
import RBACModel
import RBACTestSupport
import Testing

/// The Kubernetes default roles and bindings, plus two people: one bound to view, one only authenticated.
private func makeBootstrap() throws -> EscalationGraph {
  var content = try Ingest.read(paths: [fixture("bootstrap")])
  content.clusterRoleBindings.append(
    Sourced(clusterRoleBinding("viewers", role: "view", "User:viewer"), from: ObjectSource(file: "test", document: 1)))
  return EscalationGraph(policy: content.policy(), objects: content.clusterObjects)
}

@Test func aggregationControllerIsAdminThroughEscalate() throws {
  let paths = try makeBootstrap().shortestPaths(
    from: .serviceAccount(namespace: "kube-system", name: "clusterrole-aggregation-controller"), to: .clusterAdmin)
  #expect(paths.first?.map(\.primitive) == ["escalate"])
}

@Test func controllerManagerIsAdminThroughTokens() throws {
  let paths = try makeBootstrap().shortestPaths(from: .user("system:kube-controller-manager"), to: .clusterAdmin, limit: 50)
  #expect(paths.first.map(EscalationGraph.steps) == 2)
  #expect(paths.allSatisfy { $0.first?.primitive == "token-request" })
  #expect(paths.contains { $0.last?.from == .serviceAccount(namespace: "kube-system", name: "clusterrole-aggregation-controller") })
}

@Test func podCreatingControllersReachAdminThroughKubeSystem() throws {
  for controller in ["replicaset-controller", "daemon-set-controller", "job-controller", "statefulset-controller"] {
    let path = try makeBootstrap().shortestPaths(from: .serviceAccount(namespace: "kube-system", name: controller), to: .clusterAdmin).first
    #expect(path?.first?.primitive == "workload-create", "\(controller)")
  }
}

@Test func viewersAndAuthenticatedUsersAreNotAdmins() throws {
  let bootstrap = try makeBootstrap()
  #expect(bootstrap.shortestPaths(from: .user("viewer"), to: .clusterAdmin).isEmpty)
  #expect(bootstrap.shortestPaths(from: .group("system:authenticated"), to: .clusterAdmin).isEmpty)
  #expect(bootstrap.shortestPaths(from: .group("system:unauthenticated"), to: .clusterAdmin).isEmpty)
  #expect(bootstrap.shortestPaths(from: .user("viewer"), to: .node).isEmpty)
  let risks = bootstrap.risks().map(\.identity)
  #expect(!risks.contains(.user("viewer")) && !risks.contains(.group("system:authenticated")))
  #expect(risks.contains(.serviceAccount(namespace: "kube-system", name: "clusterrole-aggregation-controller")))
}

@Test func guidedPathsFollowDistancesToTheSameShortestPaths() throws {
  let graph = try makeBootstrap()
  for target in [GraphNode.clusterAdmin, .node] {
    let distance = graph.distances(to: target)
    for source in graph.identities {
      let searched = graph.shortestPaths(from: source, to: target, limit: 1000)
      let guided = graph.guidedPaths(from: source, to: target, distance: { distance[$0] }, limit: 1000)
      #expect(Set(searched.map { $0.map(\.to) }) == Set(guided.map { $0.map(\.to) }), "\(source) -> \(target)")
      #expect(searched.first.map(EscalationGraph.steps) == distance[source].flatMap { $0 == 0 ? nil : $0 })
    }
  }
}
