// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// One way to turn a permission into another identity's power: an entry of the escalation catalog.
///
/// Each primitive lives in its own file under Primitives/, with its exact RBAC condition, what it yields, and the
/// reference it follows; `rolecall primitives` prints the catalog.
public struct Primitive: Sendable {
  /// A stable, kebab-case id used in paths, JSON and baselines.
  public var id: String
  public var title: String
  /// The exact condition, in RBAC terms.
  public var condition: String
  /// What holding it yields.
  public var yields: String
  /// Where the semantics come from.
  public var reference: String
  /// The edges out of an identity (or out of a role's powers, judged as an identity's would be); empty when the
  /// condition does not hold; nil for a primitive that never leaves an identity.
  let fromIdentity: (@Sendable (IdentityContext) -> [Edge])?
  /// The edges out of a node that is no identity: a target, a hub, an IAM identity of aws-auth; empty for the
  /// nodes the primitive does not leave, nil for a primitive that only leaves identities.
  let fromNode: (@Sendable (GraphNode, ClusterIndex) -> [Edge])?

  /// A primitive that leaves identities, and with `fromNode` a hub or target too.
  init(
    id: String, title: String, condition: String, yields: String, reference: String,
    fromNode: (@Sendable (GraphNode, ClusterIndex) -> [Edge])? = nil,
    _ fromIdentity: @escaping @Sendable (IdentityContext) -> [Edge]
  ) {
    (self.id, self.title, self.condition, self.yields, self.reference) = (id, title, condition, yields, reference)
    (self.fromIdentity, self.fromNode) = (fromIdentity, fromNode)
  }

  /// A primitive that leaves only targets, hubs or IAM identities: rolecall's own steps from one node that stands
  /// for many to each of them, and the steps out of cluster-admin and node.
  init(
    id: String, title: String, condition: String, yields: String, reference: String,
    fromNode: @escaping @Sendable (GraphNode, ClusterIndex) -> [Edge]
  ) {
    (self.id, self.title, self.condition, self.yields, self.reference) = (id, title, condition, yields, reference)
    (self.fromIdentity, self.fromNode) = (nil, fromNode)
  }

  public static let catalog: [Primitive] = [
    .privilegedGroup, .wildcardAdmin, .membership, .impersonate, .tokenRequest, .workloadCreate, .secretRead,
    .secretMint, .podExec, .bind, .escalate, .nodesProxy, .privilegedPod, .csrClientCertificate, .webhookControl,
    .awsAuthEdit,
  ] + [.nodeTakeover, .adminNode, .awsAuthMapping, .anyAccount, .anyPod, .tokenSecret, .anyIdentity, .anyRoleInNamespace, .podCode]

  /// A hub's edges: one per target, each with the fact that puts the target among the many.
  static func fanOut(_ hub: GraphNode, _ primitive: String, _ targets: [(GraphNode, String)]) -> [Edge] {
    targets.map { target, fact in Edge(from: hub, to: target, primitive: primitive, evidence: [.fact(fact)]) }
  }

  /// How a hub's own entries are justified: they are rolecall's, not Kubernetes'.
  static let oneStepForMany = "rolecall: one step stands for many, so that a cluster-wide grant is one edge"

  /// The step from "any service account of N" (or of every namespace) to each one.
  static let anyAccount = Primitive(
    id: "any-account", title: "Any service account",
    condition: "a power over every service account of N (sa:N:*), or of every namespace (sa:*:*)",
    yields: "each service account of N that the snapshot shows (as an object, a binding subject or a pod's account)",
    reference: oneStepForMany,
    fromNode: { node, cluster in
      switch node {
      case .everyAccount:
        return fanOut(node, "any-account", cluster.serviceAccounts.keys.sorted().map { ns in
          (.namespaceAccounts(ns), "a cluster-wide grant holds in namespace \(ns)")
        })
      case .namespaceAccounts(let ns):
        return fanOut(node, "any-account", (cluster.serviceAccounts[ns] ?? []).map { name in
          (.serviceAccount(namespace: ns, name: name), "ServiceAccount \(ns)/\(name) is one of them")
        })
      default: return []
      }
    }
  )

  /// The step from "every user" or "every group" to each one the snapshot names.
  static let anyIdentity = Primitive(
    id: "any-identity", title: "Any user or group",
    condition: "a power over every user (user:*) or every group but system:masters (group:*)",
    yields: "each user or group the snapshot names (a binding subject, an aws-auth entry)",
    reference: oneStepForMany,
    fromNode: { node, cluster in
      switch node {
      case .everyUser:
        return fanOut(node, "any-identity", cluster.users.sorted().map { (.user($0), "user \($0) is named in the snapshot") })
      case .everyGroup:
        return fanOut(node, "any-identity", cluster.groups.subtracting([UserInfo.mastersGroup]).sorted().map {
          (.group($0), "group \($0) is named in the snapshot")
        })
      default: return []
      }
    }
  )

  /// The step from the roles a grant in every namespace lets one bind to those of each namespace.
  static let anyRoleInNamespace = Primitive(
    id: "any-role", title: "Any role, namespace by namespace",
    condition: "bind any Role of each namespace, or add a subject to any RoleBinding, in every namespace "
      + "(roles:roles@*, roles:bindings@*, roles:clusterrole-bindings@*)",
    yields: "the same in each namespace that holds such a role or binding (roles:KIND@N): a RoleBinding's rules hold "
      + "in its namespace only, so every namespace's part is decided on its own",
    reference: oneStepForMany,
    fromNode: { node, cluster in
      // What such a node holds is the union of each namespace's part, and no rule of one namespace combines with
      // another's: one small node per namespace, not one of every rule of the cluster.
      guard case .anyRole(let kind, everyNamespace) = node, kind != "clusterroles" else { return [] }
      return fanOut(node, "any-role", cluster.anyRoleNamespaces(kind: kind).map { ns in
        (.anyRole(kind: kind, scope: ns), "in every namespace, so in namespace \(ns)")
      })
    }
  )

  /// The step from "code in every pod" to the pods of each namespace.
  static let anyPod = Primitive(
    id: "any-pod", title: "Any running pod",
    condition: "a power over every pod of every namespace (pods:*)",
    yields: "the pods of each namespace that runs some (pods:N)",
    reference: oneStepForMany,
    fromNode: { node, cluster in
      guard node == .everyPod else { return [] }
      return fanOut(node, "any-pod", cluster.workloads.keys.sorted().map { ns in
        (.namespacePods(ns), "a cluster-wide grant holds in namespace \(ns), which runs pods")
      })
    }
  )

  /// The step from reading a namespace's secrets to the accounts whose token secrets are among them.
  static let tokenSecret = Primitive(
    id: "token-secret", title: "Token secrets read",
    condition: "every secret of N can be read (secrets:N), or of every namespace (secrets:*)",
    yields: "each service account of N that a kubernetes.io/service-account-token Secret belongs to",
    reference: "kubernetes.io RBAC good practices: listing secrets; pre-1.24 long-lived token secrets",
    fromNode: { node, cluster in
      switch node {
      case .namespaceTokens(let ns):
        return fanOut(node, "token-secret", (cluster.tokenOwners[ns] ?? [:]).sorted { $0.key < $1.key }.map { secret, owner in
          (.serviceAccount(namespace: ns, name: owner), "token secret \(ns)/\(secret) belongs to \(owner)")
        }).uniqued(by: \.to)
      case .everyToken:
        return fanOut(node, "token-secret", cluster.tokenOwners.keys.sorted().map { ns in
          (.namespaceTokens(ns), "a cluster-wide grant holds in namespace \(ns), which holds token secrets")
        })
      default: return []
      }
    }
  )

  /// Cluster-admin is allowed everything, so it may also run a privileged pod on a node of its choice.
  static let adminNode = Primitive(
    id: "admin-node", title: "Cluster-admin is root on any node",
    condition: "cluster-admin",
    yields: "node: a privileged pod pinned to any node",
    reference: "kubernetes.io RBAC good practices: workload creation, node escalation",
    fromNode: { node, _ in
      // Allowed everything, cluster-admin may run a privileged pod on any node it chooses.
      guard node == .clusterAdmin else { return [] }
      return [
        Edge(from: node, to: .node, primitive: "admin-node",
          evidence: [.fact("cluster-admin may create a privileged pod pinned to any node")])
      ]
    }
  )

  /// The step from code in a namespace's pods to what those pods carry.
  static let podCode = Primitive(
    id: "pod-code", title: "What running pods carry",
    condition: "code runs in the pods of N (pods:N)",
    yields: "the service account of each pod that mounts its token; node, for a privileged, hostPID or hostPath pod",
    reference: "kubernetes.io RBAC good practices",
    fromNode: { node, cluster in
      guard case .namespacePods(let ns) = node else { return [] }
      var edges: [Edge] = []
      var seen = Set<GraphNode>()
      for w in cluster.workloads[ns] ?? [] {
        if w.reachesNode && seen.insert(.node).inserted {
          edges.append(
            Edge(from: node, to: .node, primitive: "pod-code",
              evidence: [.fact("\(w.kind) \(ns)/\(w.name) is privileged, hostPID or mounts a hostPath: root on its node")]))
        }
        let account = GraphNode.serviceAccount(namespace: ns, name: w.serviceAccount)
        if cluster.mountsToken(w) && seen.insert(account).inserted {
          edges.append(
            Edge(from: node, to: account, primitive: "pod-code",
              evidence: [.fact("\(w.kind) \(ns)/\(w.name) runs as \(w.serviceAccount) and mounts its token")]))
        }
      }
      return edges
    }
  )
}
