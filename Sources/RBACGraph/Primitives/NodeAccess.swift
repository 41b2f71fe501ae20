// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// The kubelet API behind nodes/proxy runs commands in every pod of the node; `get` is enough for its WebSocket
  /// endpoints. Neither admission nor pod-level audit sees it.
  static let nodesProxy = Primitive(
    id: "nodes-proxy", title: "Kubelet API through nodes/proxy",
    condition: "get or create nodes/proxy, cluster-wide, without resourceNames",
    yields: "node: code execution in every pod of every node",
    reference: "kubernetes.io RBAC good practices: nodes/proxy; kubernetes/kubernetes#136550"
  ) { context in
    guard let grant = context.anyGrant(["get", "create"], "", "nodes", subresource: "proxy", in: "") else { return [] }
    return [context.edge(to: .node, "nodes-proxy", [Evidence(grant)])]
  }

  /// A privileged, hostPID or hostPath pod is root on the node it is scheduled to, and `nodeName` chooses the node.
  static let privilegedPod = Primitive(
    id: "privileged-pod", title: "Privileged pod on a chosen node",
    condition: "workload-create in N where Pod Security admission allows privileged pods (label "
      + "pod-security.kubernetes.io/enforce absent or privileged)",
    yields: "node",
    reference: "kubernetes.io RBAC good practices: workload creation; Pod Security Standards"
  ) { context in
    let scopes = context.podMakingScopes
    let candidates = scopes.cluster.map { grant in context.cluster.namespaces.map { ($0, grant) } } ?? scopes.namespaces
    guard let (ns, grant) = candidates.first(where: { context.cluster.allowsPrivilegedPods(in: $0.0) }) else { return [] }
    let level = context.cluster.podSecurity[ns].map { "enforce=\($0)" } ?? "no enforce label"
    return [
      context.edge(
        to: .node, "privileged-pod", [Evidence(grant, note: "namespace \(ns) admits privileged pods (\(level))")])
    ]
  }

  /// Root on a node reads the tokens of every pod that runs there; a DaemonSet runs on every node, other pods on
  /// the node an attacker can choose with nodeName.
  static let nodeTakeover = Primitive(
    id: "node-takeover", title: "Tokens of the pods on a node",
    condition: "root on a node (nodes-proxy, privileged-pod)",
    yields: "the service account of every pod that mounts its token",
    reference: "kubernetes.io RBAC good practices: node escalation"
  ) { _ in [] }
}
