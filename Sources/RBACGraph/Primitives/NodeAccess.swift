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
      + "pod-security.kubernetes.io/enforce absent or privileged), or where the identity may update or patch the "
      + "Namespace N to lift that label (a RoleBinding in N covers N's own Namespace object)",
    yields: "node",
    reference: "kubernetes.io RBAC good practices: workload creation; Pod Security Standards; ESCALATION E17",
    fromNode: { node, cluster in
      // Rewriting the pod template of every existing object of a kind reaches the node where one of the
      // namespaces that hold one admits privileged pods.
      guard case .existingWorkloads(let resource) = node,
        let kind = podMakingResources.first(where: { $0.resource == resource })?.kind,
        let ns = (cluster.namespacesWithKind[kind] ?? []).first(where: cluster.allowsPrivilegedPods(in:))
      else { return [] }
      let level = cluster.podSecurity[ns].map { "enforce=\($0)" } ?? "no enforce label"
      return [
        Edge(from: node, to: .node, primitive: "privileged-pod",
          evidence: [.fact("a \(kind) of namespace \(ns) can be given a privileged pod template (\(level))")])
      ]
    }
  ) { context in
    let scopes = context.podMakingScopes
    func node(_ evidence: [Evidence]) -> [Edge] { [context.edge(to: .node, "privileged-pod", evidence)] }
    if let grant = scopes.everywhere {
      let namespaces = context.cluster.namespaces
      guard
        let ns = context.namespaceForPrivilegedPod(
          firstAdmitting: context.cluster.privilegedNamespace, firstOfPool: namespaces.first, inPool: namespaces.sortedContains)
      else { return [] }
      return context.privilegedPod(grant, in: ns).map(node) ?? []
    }
    for (ns, grant) in scopes.namespaces {
      if let evidence = context.privilegedPod(grant, in: ns) { return node(evidence) }
    }
    // Existing objects changed cluster-wide reach the node through their hub (deployments:*) where a namespace
    // admits privileged pods; where the identity may lift a namespace's level, through that namespace.
    for (resource, grant) in scopes.existing {
      guard let kind = podMakingResources.first(where: { $0.resource == resource })?.kind,
        let holders = context.cluster.namespacesWithKind[kind]
      else { continue }
      let lifted =
        context.relabelling.everywhere != nil ? holders : holders.filter { context.relabelling.namespaces[$0] != nil }
      if let ns = lifted.first,
        let evidence = context.privilegedPod(grant, in: ns, action: "give a \(kind) of \(ns) a privileged pod template")
      {
        return node(evidence)
      }
    }
    return []
  }

  /// Root on a node reads the tokens of every pod that runs there; a DaemonSet runs on every node, other pods on
  /// the node an attacker can choose with nodeName.
  static let nodeTakeover = Primitive(
    id: "node-takeover", title: "Tokens of the pods on a node",
    condition: "root on a node (nodes-proxy, privileged-pod)",
    yields: "the service account of every pod on the node, mounted or not: the kubelet may request a token for each",
    reference: "kubernetes.io RBAC good practices: node escalation; node authorizer (plugin/pkg/auth/authorizer/node), kubernetes/kubernetes#58790",
    fromNode: { node, cluster in
      // The node authorizer lets the kubelet request a token for the service account of every pod bound to its
      // node, whether or not the pod mounts one: each pod's account is reached, the attacker placing a pod on the
      // node or waiting for one.
      guard node == .node else { return [] }
      var edges: [Edge] = []
      var seen = Set<GraphNode>()
      for (ns, workloads) in cluster.workloads.sorted(by: { $0.key < $1.key }) {
        for w in workloads {
          let target = GraphNode.serviceAccount(namespace: ns, name: w.serviceAccount)
          guard seen.insert(target).inserted else { continue }
          let place = w.onEveryNode ? "on every node" : w.nodeName.map { "on node \($0)" } ?? "on the node it is scheduled to"
          let token =
            cluster.mountsToken(w) ? "mounts its token" : "mounts no token, but the kubelet may request one for it"
          edges.append(
            Edge(
              from: .node, to: target, primitive: "node-takeover",
              evidence: [.fact("\(w.kind) \(ns)/\(w.name) runs as \(w.serviceAccount) \(place) and \(token)")]))
        }
      }
      return edges
    }
  )
}
