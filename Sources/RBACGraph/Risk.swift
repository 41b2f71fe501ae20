// rolecall — SPDX-License-Identifier: Apache-2.0

import Parallel
import RBACModel

/// What an audit reports about one identity: how close it is to cluster-admin and which broad powers it holds.
public struct IdentityRisk: Sendable, Hashable, Codable {
  /// A kind of finding, with a stable id for baselines and SARIF.
  public enum Finding: String, Sendable, Hashable, Codable, CaseIterable {
    case adminEquivalent = "admin-equivalent"
    case reachesClusterAdmin = "reaches-cluster-admin"
    case readsAllSecrets = "reads-all-secrets"
    case createsPodsEverywhere = "creates-pods-everywhere"
    case wildcardRule = "wildcard-rule"
    case reachesNode = "reaches-node"
  }

  public var identity: GraphNode
  /// Steps to cluster-admin; nil when it cannot get there.
  public var stepsToClusterAdmin: Int?
  /// The first step of a shortest path to cluster-admin.
  public var firstStep: Edge?
  public var findings: [Finding]
  /// The grant or fact behind each finding, in the same order.
  public var evidence: [Evidence]
  /// `Kind namespace/name` of the workloads that run as this service account.
  public var workloads: [String]
  /// True when one of those workloads runs on every node (a DaemonSet).
  public var onEveryNode: Bool
  public var score: Int
}

extension EscalationGraph {
  /// Every identity with at least one finding, with a score that orders them by risk. Distances to the targets
  /// are computed over the whole graph unless they are given (as stored at ingest), and so are the first steps to
  /// cluster-admin: stored ones are read, not recomputed, and only identities without one have their edges found.
  public func risks(
    toAdmin known: [GraphNode: Int]? = nil, toNode knownNode: [GraphNode: Int]? = nil, firstSteps stored: FirstSteps? = nil
  ) -> [IdentityRisk] {
    let toAdmin = known ?? distances(to: .clusterAdmin)
    let toNode = knownNode ?? distances(to: .node)
    let nodes = identities
    var stored = stored
    let reaching = nodes.filter { toAdmin[$0] != nil }
    stored?.decode(reaching)
    var first: [GraphNode: Edge] = [:]
    for node in reaching { if let step = stored?.step(from: node) { first[node] = step } }
    // The first step of the rest, in the one order every command walks paths in (``pathOrder(_:_:)``).
    let missing = reaching.filter { first[$0] == nil }
    prefetch(missing)
    for node in missing {
      if let step = firstStep(from: node, closerThan: toAdmin[node]!, distance: { toAdmin[$0] }) { first[node] = step }
    }
    var workloadsByAccount: [GraphNode: [Workload]] = [:]
    for (ns, workloads) in cluster.workloads {
      for w in workloads { workloadsByAccount[.serviceAccount(namespace: ns, name: w.serviceAccount), default: []].append(w) }
    }
    let (cluster, firstSteps, accounts) = (self.cluster, first, workloadsByAccount)
    // Each identity's findings read only the immutable index and the maps above: independent work for every core.
    return nodes.concurrentMap { node in
      Self.risk(of: node, steps: toAdmin[node], first: firstSteps[node], toNode: toNode[node], cluster: cluster,
        workloads: accounts[node] ?? [])
    }.compactMap { $0 }
  }

  private static func risk(
    of node: GraphNode, steps: Int?, first: Edge?, toNode: Int?, cluster: ClusterIndex, workloads running: [Workload]
  ) -> IdentityRisk? {
    var findings: [IdentityRisk.Finding] = []
    var evidence: [Evidence] = []
    if let steps {
      findings.append(steps == 1 ? .adminEquivalent : .reachesClusterAdmin)
      evidence.append(first.map { Evidence(note: "\($0.primitive) -> \($0.to)") } ?? Evidence())
    }
    if let user = node.identity {
      let context = IdentityContext(node: node, user: user, cluster: cluster)
      if let g = context.grant("list", "", "secrets", in: "") {
        findings.append(.readsAllSecrets)
        evidence.append(Evidence(g))
      }
      if let g = context.grant("create", "", "pods", in: "") {
        findings.append(.createsPodsEverywhere)
        evidence.append(Evidence(g))
      }
      if let g = context.firstGrant(where: { g in
        g.rule.verbs.contains(Wildcard.all) || g.rule.resources.contains(Wildcard.all)
      }) {
        findings.append(.wildcardRule)
        evidence.append(Evidence(g))
      }
    }
    if steps == nil, let d = toNode, d > 0 {
      findings.append(.reachesNode)
      evidence.append(Evidence(note: "root on a node in \(d) step(s)"))
    }
    guard !findings.isEmpty else { return nil }
    let workloads = running.map { "\($0.kind) \($0.namespace)/\($0.name)" }
    let everyNode = running.contains(where: \.onEveryNode)
    var score = 0
    if let steps { score += max(100 - 10 * (steps - 1), 40) }
    if findings.contains(.readsAllSecrets) { score += 30 }
    if findings.contains(.createsPodsEverywhere) { score += 30 }
    if findings.contains(.wildcardRule) { score += 15 }
    if findings.contains(.reachesNode) { score += 25 }
    if !workloads.isEmpty { score += 5 }
    if everyNode { score += 10 }
    return IdentityRisk(
      identity: node, stepsToClusterAdmin: steps, firstStep: first, findings: findings, evidence: evidence,
      workloads: workloads, onEveryNode: everyNode, score: score)
  }
}
