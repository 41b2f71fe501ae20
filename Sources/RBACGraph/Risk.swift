// rolecall — SPDX-License-Identifier: Apache-2.0

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
  /// are computed over the whole graph unless they are given (as stored at ingest).
  public func risks(toAdmin known: [GraphNode: Int]? = nil, toNode knownNode: [GraphNode: Int]? = nil) -> [IdentityRisk] {
    let toAdmin = known ?? distances(to: .clusterAdmin)
    let toNode = knownNode ?? distances(to: .node)
    var risks: [IdentityRisk] = []
    for node in identities {
      var findings: [IdentityRisk.Finding] = []
      var evidence: [Evidence] = []
      let steps = toAdmin[node]
      var first: Edge?
      if let steps {
        first = edges(from: node).first { Self.leadsCloser($0, from: steps, distance: { toAdmin[$0] }) }
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
      if steps == nil, let d = toNode[node], d > 0 {
        findings.append(.reachesNode)
        evidence.append(Evidence(note: "root on a node in \(d) step(s)"))
      }
      guard !findings.isEmpty else { continue }
      var workloads: [String] = []
      var everyNode = false
      if case .serviceAccount(let ns, let name) = node {
        for w in cluster.workloads[ns] ?? [] where w.serviceAccount == name {
          workloads.append("\(w.kind) \(ns)/\(w.name)")
          everyNode = everyNode || w.onEveryNode
        }
      }
      var score = 0
      if let steps { score += max(100 - 10 * (steps - 1), 40) }
      if findings.contains(.readsAllSecrets) { score += 30 }
      if findings.contains(.createsPodsEverywhere) { score += 30 }
      if findings.contains(.wildcardRule) { score += 15 }
      if findings.contains(.reachesNode) { score += 25 }
      if !workloads.isEmpty { score += 5 }
      if everyNode { score += 10 }
      risks.append(
        IdentityRisk(
          identity: node, stepsToClusterAdmin: steps, firstStep: first, findings: findings, evidence: evidence,
          workloads: workloads, onEveryNode: everyNode, score: score))
    }
    return risks
  }
}
