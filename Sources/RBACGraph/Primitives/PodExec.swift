// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// The ways into a running pod, in the order evidence prefers them: (verbs, subresource of pods, note).
  static let podEntryWays: [(verbs: [String], subresource: String, note: String?)] = [
    (["create"], "exec", nil),
    (["get"], "exec", "get pods/exec: WebSocket exec, on API servers before 1.35 or with the "
      + "AuthorizePodWebsocketUpgradeCreatePermission gate off"),
    (["create"], "attach", nil),
    (["get"], "attach", "get pods/attach: WebSocket attach, on API servers before 1.35"),
    (["update", "patch"], "ephemeralcontainers", nil),
    (["update", "patch"], "", "update/patch pods: replace a container image"),
  ]

  /// The index of the ephemeral-container way in ``podEntryWays``.
  static let ephemeralWay = 4

  /// Running code in, or rewriting, a running pod gives its service account's token.
  static let podExec = Primitive(
    id: "pod-exec", title: "Run code in existing pods",
    condition: "in N: create pods/exec or pods/attach (get suffices for WebSocket exec and attach on API servers "
      + "before 1.35, or with AuthorizePodWebsocketUpgradeCreatePermission off), update/patch pods (swap the image), "
      + "or update/patch pods/ephemeralcontainers (in a namespace that admits privileged pods: a privileged debug "
      + "container, root on the node)",
    yields: "code in the pods of N (pods:N), or of every namespace (pods:*) when granted cluster-wide: the service "
      + "account of each pod that mounts its token, and the node of a privileged one",
    reference: "kubernetes.io RBAC good practices; kubernetes/kubernetes#134577; ESCALATION E20 (ephemeral containers)"
  ) { context in
    let found = podEntryWays.map { way in
      (grants: context.matching(way.verbs, "", "pods", subresource: way.subresource), note: way.note)
    }
    // A rule without resourceNames reaches every pod of its scope, controllers' pods included.
    var everywhere: (Grant, String?)?
    var inNamespace: [String: (Grant, String?)] = [:]
    for (grants, note) in found {
      for grant in grants where grant.rule.resourceNames.isEmpty {
        if grant.holdsInEveryNamespace {
          if everywhere == nil { everywhere = (grant, note) }
        } else if context.cluster.workloads[grant.binding.namespace] != nil && inNamespace[grant.binding.namespace] == nil {
          inNamespace[grant.binding.namespace] = (grant, note)
        }
      }
    }
    var edges: [Edge] = []
    // An ephemeral container may be privileged wherever Pod Security admits it, or where the identity may lift the
    // namespace's level: a debug container is then root on the node.
    let debug = found[ephemeralWay].grants
    func debugNode(_ grant: Grant, _ ns: String, _ pod: String?) {
      let target = pod.map { "Pod \(ns)/\($0)" } ?? "a pod of \(ns)"
      guard !edges.contains(where: { $0.to == .node }),
        let evidence = context.privilegedPod(grant, in: ns, action: "add a privileged ephemeral container to \(target)")
      else { return }
      edges.append(context.edge(to: .node, "pod-exec", evidence))
    }
    if let (grant, note) = everywhere {
      if let g = debug.first(where: { $0.holdsInEveryNamespace && $0.rule.resourceNames.isEmpty }) {
        let workloads = context.cluster.workloads
        if let ns = context.namespaceForPrivilegedPod(
          firstAdmitting: context.cluster.privilegedWorkloadNamespace, firstOfPool: workloads.keys.min(),
          inPool: { workloads[$0] != nil })
        {
          debugNode(g, ns, nil)
        }
      }
      return edges + [context.edge(to: .everyPod, "pod-exec", [Evidence(grant, note: note)])]
    }
    for grant in debug where grant.rule.resourceNames.isEmpty && !grant.holdsInEveryNamespace {
      if context.cluster.workloads[grant.binding.namespace] != nil { debugNode(grant, grant.binding.namespace, nil) }
    }
    edges += inNamespace.sorted { $0.key < $1.key }.map { ns, entry in
      context.edge(to: .namespacePods(ns), "pod-exec", [Evidence(entry.0, note: entry.1)])
    }
    // Otherwise only Pods named by resourceNames: controllers' pods have generated names no rule can know.
    var reached: Set<GraphNode> = []
    for (way, (grants, note)) in found.enumerated() {
      for grant in grants where !grant.rule.resourceNames.isEmpty {
        for name in grant.rule.resourceNames {
          for ns in context.namespaces(of: grant, holding: name, in: context.cluster.podNamespaces)
          where inNamespace[ns] == nil {
            guard let pod = context.cluster.pods[ns]?[name] else { continue }
            if way == ephemeralWay { debugNode(grant, ns, name) }
            let target =
              pod.reachesNode ? GraphNode.node : GraphNode.serviceAccount(namespace: ns, name: pod.serviceAccount)
            guard target != context.node, pod.reachesNode || context.cluster.mountsToken(pod),
              reached.insert(target).inserted
            else { continue }
            let runs =
              pod.reachesNode
              ? "Pod \(ns)/\(name) is privileged, hostPID or mounts a hostPath: root on its node"
              : "Pod \(ns)/\(name) runs as \(pod.serviceAccount)"
            edges.append(
              context.edge(to: target, "pod-exec", [Evidence(grant, note: [note, runs].compactMap { $0 }.joined(separator: "; "))]))
          }
        }
      }
    }
    return edges
  }
}
