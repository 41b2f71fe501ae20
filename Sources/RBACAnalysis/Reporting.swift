// rolecall — SPDX-License-Identifier: Apache-2.0

import Parallel
import RBACDiff
import RBACGraph
import RBACModel
import RBACReport
import RBACStore

extension Analyst {
  /// `report`: the snapshot's summary and warnings, the audit, the permissions and paths of the first identities of
  /// the audit, the tree of first steps into cluster-admin, the provider back doors, and with `diffFrom` the diff from
  /// that snapshot to this one. Each part is the answer of the command that asks it alone (`audit`, `perms`, `paths`,
  /// `backdoors`, `diff`), over one graph built once.
  public func report(limits: HTMLReport.Limits = HTMLReport.Limits(), diffFrom: String? = nil) throws -> HTMLReport {
    // Lint reads the snapshot's objects with their sources, on a connection of its own, beside the graph's work.
    let (database, snapshot) = (self.database, self.snapshot)
    let second = try database.secondReader()
    let (lint, parts) = try inParallel({ Result { Lint.report(try second.content(of: snapshot)) } }) {
      () throws -> (AuditReport, [HTMLReport.IdentityDetail], HTMLReport.ClusterView, HTMLReport.DiffPart?, BackdoorsReport) in
      let graph = try graph()
      let audit = try audit(baseline: Baseline(), graph: graph)
      let backdoors = try backdoors(graph: graph)
      let picked = HTMLReport.detailedIdentities(audit, limit: limits.detailed)
      graph.prefetch(picked)
      let catalog = try database.resourceCatalog(of: snapshot)
      let granted = try picked.map { try permissions(of: $0, graph: graph, catalog: catalog, limit: limits.permissionLines) }
      let diff = try diffFrom.map { try Comparison.diff(in: database, from: $0, to: snapshot.name) }
      let appeared = diff?.diff.paths.filter { $0.kind == .appeared || $0.kind == .shorter } ?? []
      let drawn = Array(appeared.prefix(limits.diffPaths))
      // Paths and the whole-cluster view read the steps of only the nodes they visit, as `paths` does.
      let (toAdmin, view, appearedToAdmin) = try withDistances(to: .clusterAdmin, graph) { distance in
        (
          picked.map { Self.paths($0, to: .clusterAdmin, graph, distance, limit: limits.pathsPerTarget) },
          Self.clusterView(audit, graph, distance, maxSteps: limits.clusterSteps),
          Self.appearedPaths(drawn, to: .clusterAdmin, graph, distance, limit: limits.pathsPerTarget)
        )
      }
      let (toNode, appearedToNode) = try withDistances(to: .node, graph) { distance in
        (
          picked.map { Self.paths($0, to: .node, graph, distance, limit: limits.pathsPerTarget) },
          Self.appearedPaths(drawn, to: .node, graph, distance, limit: limits.pathsPerTarget)
        )
      }
      releaseElsewhere(graph)
      let details = picked.indices.map { i in
        HTMLReport.IdentityDetail(
          identity: picked[i], permissions: granted[i].report, permissionLines: granted[i].lines,
          toClusterAdmin: toAdmin[i], toNode: toNode[i])
      }
      let paths = appearedToAdmin.merging(appearedToNode) { a, _ in a }
      let diffPart = diff.map { report in
        HTMLReport.DiffPart(
          report: report,
          appeared: drawn.enumerated().compactMap { i, change in
            paths[i].map { HTMLReport.DiffPart.Appeared(change: change, paths: $0) }
          }, appearedTotal: appeared.count)
      }
      return (audit, details, view, diffPart, backdoors)
    }
    return HTMLReport(
      snapshot: snapshot, warnings: try warnings(limit: limits.warnings), audit: parts.0, details: parts.1,
      clusterView: parts.2, backdoors: parts.4, lint: HTMLReport.LintPart(try lint.get(), limit: limits.lint),
      diff: parts.3, limits: limits)
  }

  /// `body` given each node's steps to `target`: read one node at a time as stored at ingest, or for a snapshot
  /// stored without them, computed over the whole graph.
  private func withDistances<T>(
    to target: GraphNode, _ graph: EscalationGraph, _ body: (_ distance: (GraphNode) -> Int?) throws -> T
  ) throws -> T {
    if GraphSummary.storedTargets.contains(target),
      let result = try database.readingDistances(of: snapshot, to: target.description, { steps in
        // `steps` is only called while `body` runs, inside the read.
        try withoutActuallyEscaping(steps) { steps in
          try body { node in steps(node.description).flatMap { $0 >= 0 ? $0 : nil } }
        }
      })
    {
      return result
    }
    let all = graph.distances(to: target)
    return try body { all[$0] }
  }

  /// `perms NODE -o wide`, over the policy the graph already holds: its first `limit` lines, and how many it has.
  private func permissions(of node: GraphNode, graph: EscalationGraph, catalog: ResourceCatalog, limit: Int) throws
    -> (report: PermissionsReport?, lines: Int)
  {
    // An IAM identity of aws-auth holds nothing of its own: it acts as the users and groups it is mapped to.
    guard let user = node.identity else { return (nil, 0) }
    let merged = PermissionMerger.merge(graph.cluster.policy.allGrants(for: user), catalog: catalog) {
      $0.binding.namespace
    }
    let report = PermissionsReport(
      subject: node.description, user: user, namespace: nil, permissions: Array(merged.prefix(limit)),
      notes: try identityNotes(user))
    return (report, merged.count)
  }

  /// The shortest paths `paths --from node --to target --limit limit` prints, walked along the nodes' steps to the
  /// target; one more is looked for, to tell whether any were left out.
  static func paths(
    _ node: GraphNode, to target: GraphNode, _ graph: EscalationGraph, _ distance: (GraphNode) -> Int?, limit: Int
  ) -> HTMLReport.TargetPaths {
    guard let own = graph.steps(from: node, distance: distance) else {
      return HTMLReport.TargetPaths(paths: PathsReport(from: node, to: target, paths: []), more: false)
    }
    let found = graph.guidedPaths(from: node, to: target, distance: { $0 == node ? own : distance($0) }, limit: limit + 1)
    return HTMLReport.TargetPaths(
      paths: PathsReport(from: node, to: target, paths: Array(found.prefix(limit))), more: found.count > limit)
  }

  /// The paths of the changes to `target` among `changes`, by their index there.
  private static func appearedPaths(
    _ changes: [PathChange], to target: GraphNode, _ graph: EscalationGraph, _ distance: (GraphNode) -> Int?, limit: Int
  ) -> [Int: HTMLReport.TargetPaths] {
    var found: [Int: HTMLReport.TargetPaths] = [:]
    for (i, change) in changes.enumerated() where change.target == target {
      found[i] = paths(change.identity, to: target, graph, distance, limit: limit)
    }
    return found
  }

  /// Every identity of the audit within `maxSteps` steps of cluster-admin with the first step of its first shortest
  /// path (the one the audit shows), then the same for each node those steps lead to, up to cluster-admin: a tree.
  static func clusterView(
    _ audit: AuditReport, _ graph: EscalationGraph, _ distance: (GraphNode) -> Int?, maxSteps: Int
  ) -> HTMLReport.ClusterView {
    let near = audit.entries.filter { ($0.stepsToClusterAdmin ?? .max) <= maxSteps }
    var steps: [HTMLReport.ClusterView.Step] = []
    var seen = Set(near.map(\.identity))
    var wave: [GraphNode] = []
    for entry in near {
      guard let own = entry.stepsToClusterAdmin,
        let edge = entry.firstStepEdge ?? graph.firstStep(from: entry.identity, closerThan: own, distance: distance)
      else { continue }
      steps.append(HTMLReport.ClusterView.Step(steps: own, edge: edge))
      if edge.to != .clusterAdmin && seen.insert(edge.to).inserted { wave.append(edge.to) }
    }
    // The nodes the identities' first steps lead to: a few hubs and identities, whose edges are found now.
    while !wave.isEmpty {
      graph.prefetch(wave)
      var next: [GraphNode] = []
      for node in wave {
        guard let own = distance(node), let edge = graph.firstStep(from: node, closerThan: own, distance: distance) else {
          continue
        }
        steps.append(HTMLReport.ClusterView.Step(steps: own, edge: edge))
        if edge.to != .clusterAdmin && seen.insert(edge.to).inserted { next.append(edge.to) }
      }
      wave = next
    }
    return HTMLReport.ClusterView(maxSteps: maxSteps, identities: near.count, firstSteps: steps)
  }

  /// The snapshot's warnings: the count of each category and the first `limit`, in the order ingest found them.
  private func warnings(limit: Int) throws -> HTMLReport.Warnings {
    let (counts, first) = try database.diagnostics(of: snapshot, limit: limit)
    return HTMLReport.Warnings(total: counts.values.reduce(0, +), byCategory: counts, shown: first)
  }
}
