// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// Running code in, or rewriting, a running pod gives its service account's token.
  static let podExec = Primitive(
    id: "pod-exec", title: "Run code in existing pods",
    condition: "in N: create pods/exec or pods/attach (get suffices for WebSocket exec and attach on API servers "
      + "before 1.35, or with AuthorizePodWebsocketUpgradeCreatePermission off), update/patch pods (swap the image), "
      + "or update/patch pods/ephemeralcontainers",
    yields: "the service account of each pod in N that mounts its token; node, for a privileged pod",
    reference: "kubernetes.io RBAC good practices; kubernetes/kubernetes#134577"
  ) { context in
    var edges: [Edge] = []
    let ways: [(verbs: [String], resource: String, subresource: String, note: String?)] = [
      (["create"], "pods", "exec", nil),
      (["get"], "pods", "exec", "get pods/exec: WebSocket exec, on API servers before 1.35 or with the "
        + "AuthorizePodWebsocketUpgradeCreatePermission gate off"),
      (["create"], "pods", "attach", nil),
      (["get"], "pods", "attach", "get pods/attach: WebSocket attach, on API servers before 1.35"),
      (["update", "patch"], "pods", "ephemeralcontainers", nil),
      (["update", "patch"], "pods", "", "update/patch pods: replace a container image"),
    ]
    var reached: Set<GraphNode> = []
    for (ns, workloads) in context.cluster.workloads.sorted(by: { $0.key < $1.key }) {
      for workload in workloads {
        // Code in a privileged, hostPID or hostPath pod is root on its node; otherwise it is the pod's token.
        let target =
          workload.reachesNode ? GraphNode.node : GraphNode.serviceAccount(namespace: ns, name: workload.serviceAccount)
        guard target != context.node, !reached.contains(target),
          workload.reachesNode || context.cluster.mountsToken(workload)
        else { continue }
        // Pods made by controllers have generated names, so only a rule without resourceNames reaches them.
        let podName = workload.kind == "Pod" ? workload.name : ""
        for way in ways {
          guard let grant = context.anyGrant(way.verbs, "", way.resource, subresource: way.subresource, name: podName, in: ns)
          else { continue }
          let runs =
            workload.reachesNode
            ? "\(workload.kind) \(ns)/\(workload.name) is privileged, hostPID or mounts a hostPath: root on its node"
            : "\(workload.kind) \(ns)/\(workload.name) runs as \(workload.serviceAccount)"
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
