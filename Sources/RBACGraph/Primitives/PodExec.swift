// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// Running code in, or rewriting, a running pod gives its service account's token.
  static let podExec = Primitive(
    id: "pod-exec", title: "Run code in existing pods",
    condition: "in N: create pods/exec or pods/attach (get suffices for WebSocket exec and attach on API servers "
      + "before 1.35, or with AuthorizePodWebsocketUpgradeCreatePermission off), update/patch pods (swap the image), "
      + "or update/patch pods/ephemeralcontainers",
    yields: "code in the pods of N (pods:N): the service account of each pod that mounts its token, and the node "
      + "of a privileged one",
    reference: "kubernetes.io RBAC good practices; kubernetes/kubernetes#134577"
  ) { context in
    let ways: [(verbs: [String], subresource: String, note: String?)] = [
      (["create"], "exec", nil),
      (["get"], "exec", "get pods/exec: WebSocket exec, on API servers before 1.35 or with the "
        + "AuthorizePodWebsocketUpgradeCreatePermission gate off"),
      (["create"], "attach", nil),
      (["get"], "attach", "get pods/attach: WebSocket attach, on API servers before 1.35"),
      (["update", "patch"], "ephemeralcontainers", nil),
      (["update", "patch"], "", "update/patch pods: replace a container image"),
    ]
    guard ways.contains(where: { way in way.verbs.contains { context.mentions($0, "", "pods", subresource: way.subresource) } })
    else { return [] }
    var edges: [Edge] = []
    var reached: Set<GraphNode> = []
    for (ns, workloads) in context.cluster.workloads.sorted(by: { $0.key < $1.key }) {
      // A rule without resourceNames reaches every pod of the namespace, controllers' pods included.
      if let (grant, note) = ways.lazy.compactMap({ way in
        context.anyGrant(way.verbs, "", "pods", subresource: way.subresource, in: ns).map { ($0, way.note) }
      }).first {
        edges.append(context.edge(to: .namespacePods(ns), "pod-exec", [Evidence(grant, note: note)]))
        continue
      }
      // Otherwise only Pods named by resourceNames: controllers' pods have generated names no rule can know.
      for workload in workloads where workload.kind == "Pod" {
        let target =
          workload.reachesNode ? GraphNode.node : GraphNode.serviceAccount(namespace: ns, name: workload.serviceAccount)
        guard target != context.node, !reached.contains(target),
          workload.reachesNode || context.cluster.mountsToken(workload)
        else { continue }
        for way in ways {
          guard
            let grant = context.anyGrant(way.verbs, "", "pods", subresource: way.subresource, name: workload.name, in: ns)
          else { continue }
          let runs =
            workload.reachesNode
            ? "Pod \(ns)/\(workload.name) is privileged, hostPID or mounts a hostPath: root on its node"
            : "Pod \(ns)/\(workload.name) runs as \(workload.serviceAccount)"
          edges.append(
            context.edge(to: target, "pod-exec", [Evidence(grant, note: [way.note, runs].compactMap { $0 }.joined(separator: "; "))]))
          reached.insert(target)
          break
        }
      }
    }
    return edges
  }
}
