// rolecall — SPDX-License-Identifier: Apache-2.0

/// What ingest stores of the escalation graph, per target (`cluster-admin`, `node`): every identity's steps to it
/// (-1 when it cannot reach it, so that a question about it needs no search), and the first step of one shortest
/// path from every node that reaches it. Nodes are named by their descriptions, as the store keeps them.
public struct GraphSummary: Sendable {
  public struct Target: Sendable {
    public var steps: [String: Int] = [:]
    public var firstSteps: [String: StoredStep] = [:]
  }

  /// Per target's description.
  public var targets: [String: Target] = [:]

  /// The targets whose distances ingest stores.
  public static let storedTargets: [GraphNode] = [.clusterAdmin, .node]

  /// Computes the summary of `graph` for every stored target.
  public init(_ graph: EscalationGraph) {
    let identities = graph.identities
    for target in Self.storedTargets {
      var summary = Target()
      summary.steps = Dictionary(uniqueKeysWithValues: identities.map { ($0.description, -1) })
      let reaching = graph.distances(to: target)
      for (node, n) in reaching { summary.steps[node.description] = n }
      summary.firstSteps = FirstSteps(graph: graph, distances: reaching).stored
      targets[target.description] = summary
    }
  }
}

/// The first step of one shortest path from a node to a target, as the store keeps it: the node it leads to by its
/// description, and for an identity the step (an escalation-graph edge) as JSON. A hub or a bound role keeps only
/// where it leads: paths are shown from identities, and only walked through the nodes after them.
public struct StoredStep: Sendable, Hashable {
  public var next: String
  public var step: String?

  public init(next: String, step: String?) {
    self.next = next
    self.step = step
  }
}
