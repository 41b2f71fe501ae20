// rolecall — SPDX-License-Identifier: Apache-2.0

import Parallel

/// What ingest stores of the escalation graph, per target (`cluster-admin`, `node`): every identity's steps to it
/// (-1 when it cannot reach it, so that a question about it needs no search), and the first step of one shortest
/// path from every node that reaches it; and the steps of the shortest paths themselves, so that `paths` walks them
/// without building the graph. Nodes are named by their descriptions, as the store keeps them.
public struct GraphSummary: Sendable {
  public struct Target: Sendable {
    public var steps: [String: Int] = [:]
    public var firstSteps: [String: StoredStep] = [:]
  }

  /// Per target's description.
  public var targets: [String: Target] = [:]

  /// For every node and target, the first ``pathStepsPerNode`` steps in path order that lead one step closer to the
  /// target, each step once, but for those ``Target/firstSteps`` already holds as JSON. Nil when a step could not be
  /// written as JSON: the paths are then searched, never walked with a step missing.
  public var pathSteps: [StoredPathStep]?

  /// The targets whose distances ingest stores.
  public static let storedTargets: [GraphNode] = [.clusterAdmin, .node]

  /// How many steps out of each node ``pathSteps`` keeps per target: as many paths as `paths` shows by default, since
  /// showing N paths takes at most the first N steps out of any node (``EscalationGraph/closerSteps(distances:limit:)``).
  public static let pathStepsPerNode = 5

  /// Computes the summary of `graph` for every stored target.
  public init(_ graph: EscalationGraph) {
    let identities = graph.identities
    // Per node (by description), the steps chosen for either target with where they lead, and where its first steps
    // stored as JSON lead.
    var chosen: [String: [(next: String, edge: Edge)]] = [:]
    var held: [String: [String]] = [:]
    var unwritten = false
    for target in Self.storedTargets {
      var summary = Target()
      summary.steps = Dictionary(uniqueKeysWithValues: identities.map { ($0.description, -1) })
      let reaching = graph.distances(to: target)
      for (node, n) in reaching { summary.steps[node.description] = n }
      // A hub 0 steps from the target (one that includes cluster-admin) is walked through like any other node,
      // though it has no first step: first steps are stored for nodes a step or more away.
      let closer = graph.closerSteps(distances: reaching, limit: Self.pathStepsPerNode).filter { $0.0 != target }
      // Each node's names and JSON are written on every core; only the tables are filled here.
      let rows = closer.concurrentMap { node, edges in NodeSteps(node, edges, hasFirstStep: reaching[node]! > 0) }
      for row in rows {
        if let first = row.first {
          summary.firstSteps[row.node] = first
          if first.step != nil { held[row.node, default: []].append(first.next) }
        }
        unwritten = unwritten || row.unwritten
        chosen[row.node, default: []] += row.steps
      }
      targets[target.description] = summary
    }
    // A step some target's first steps hold as JSON is read from there (an identity's first step to one target may
    // lead closer to the other too), and a step chosen for both targets is stored once.
    let steps = chosen.flatMap { node, steps in
      var seen = Set(held[node] ?? [])
      return steps.compactMap { seen.insert($0.next).inserted ? (node, $0.next, $0.edge) : nil }
    }
    let written = steps.concurrentMap { node, next, edge in
      edge.storedJSON.map { StoredPathStep(node: node, next: next, step: $0) }
    }
    pathSteps = unwritten || written.contains { $0 == nil } ? nil : written.compactMap { $0 }
  }

  /// One node's stored steps to one target: its first step (for an identity, with the step as JSON: paths are shown
  /// from identities; a hub or bound role keeps only where it leads), and every chosen step with the description of
  /// where it leads.
  private struct NodeSteps: Sendable {
    var node: String
    var first: StoredStep?
    /// Whether an identity's first step could not be written as JSON: it then has no row, and paths are searched.
    var unwritten = false
    var steps: [(next: String, edge: Edge)]

    init(_ node: GraphNode, _ edges: [Edge], hasFirstStep: Bool) {
      self.node = node.description
      steps = edges.map { ($0.to.description, $0) }
      guard hasFirstStep, let step = steps.first else { return }
      guard node.identity != nil || node.isCloudIdentity else {
        first = StoredStep(next: step.next, step: nil)
        return
      }
      if let json = step.edge.storedJSON { first = StoredStep(next: step.next, step: json) } else { unwritten = true }
    }
  }
}

/// A step of a shortest path as the store keeps it (table `graph_step`): the node it leaves, the node it leads to,
/// and the step as JSON.
public struct StoredPathStep: Sendable, Hashable {
  public var node: String
  public var next: String
  public var step: String
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
