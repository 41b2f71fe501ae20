// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
@testable import RBACAnalysis
import RBACGraph
import RBACIngest
import RBACModel
import RBACReport
import RBACStore
import RBACTestSupport
import Testing

// `paths` to cluster-admin or node walks the steps ingest stored (`graph_step`) instead of building the graph. For
// every identity, both targets, every limit the store serves and a depth limit that cuts some paths off, the walk
// must give what a walk over the graph gives, path for path and in the same order.

/// A random cluster with workloads as ingest would hold it, its workloads in the order they were made (not the
/// store's), so that evidence naming the first of them is checked too.
private func content(of cluster: RandomCluster, seed: UInt64) -> SnapshotContent {
  func sourced<T>(_ items: [T]) -> [Sourced<T>] {
    items.enumerated().map { Sourced($1, from: ObjectSource(file: "random-\(seed).yaml", document: $0)) }
  }
  var content = SnapshotContent()
  content.clusterRoles = sourced(cluster.clusterRoles)
  content.roles = sourced(cluster.roles)
  content.clusterRoleBindings = sourced(cluster.clusterRoleBindings)
  content.roleBindings = sourced(cluster.roleBindings)
  content.serviceAccounts = sourced(cluster.objects.serviceAccounts)
  content.namespaces = sourced(cluster.objects.namespaces)
  content.workloads = sourced(cluster.objects.workloads)
  content.secrets = sourced(cluster.objects.secrets)
  return content
}

private func json(_ report: PathsReport) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = .sortedKeys
  return String(decoding: try encoder.encode(report), as: UTF8.self)
}

/// Compares, for every identity of the snapshot, the stored walk with the graph's; returns how many questions found
/// a path, so that a caller can tell the comparison was not empty.
private func compareStoredWalks(_ database: RolecallDatabase, _ snapshot: SnapshotInfo, _ label: String) throws -> Int {
  try #require(snapshot.pathSteps == GraphSummary.pathStepsPerNode, "\(label): ingest stored no path steps")
  let analyst = Analyst(database: database, snapshot: snapshot)
  let graph = try analyst.graph()
  var found = 0
  for target in GraphSummary.storedTargets {
    let distances = try #require(try database.storedDistances(of: snapshot, to: target)).steps
    for source in graph.identities {
      for limit in 1...GraphSummary.pathStepsPerNode {
        for maxDepth in [8, 1] {
          let walked = try #require(
            try database.readingPathSteps(of: snapshot, to: target.description) { steps, stepsOut in
              try Analyst.storedPaths(
                from: source, to: target, maxDepth: maxDepth, limit: limit, steps: steps, stepsOut: stepsOut)
            } ?? nil, "\(label): no stored walk from \(source)")
          // What `paths` did before the steps were stored: the graph's edges, guided by the stored distances.
          let own = graph.steps(from: source, given: distances)
          let paths = own.map { $0 <= maxDepth ? graph.guidedPaths(from: source, to: target, distances: distances, limit: limit) : [] } ?? []
          let expected = PathsReport(
            from: source, to: target, paths: paths, beyond: paths.isEmpty ? own.map { (maxDepth, $0) } : nil)
          #expect(try json(walked) == json(expected), "\(label): \(source) -> \(target), limit \(limit), depth \(maxDepth)")
          if walked.reachable { found += 1 }
        }
      }
    }
  }
  return found
}

@Test func storedStepsWalkTheGraphsPathsOnRandomClusters() throws {
  var found = 0
  for seed in UInt64(1)...20 {
    let database = try RolecallDatabase(path: try temporaryDirectory().appendingPathComponent("random.db").path)
    let snapshot = try Ingestion.write(
      content(of: RandomCluster(seed: seed), seed: seed), into: database, name: "random", sources: [])
    found += try compareStoredWalks(database, snapshot, "seed \(seed)")
  }
  #expect(found > 500)
}

@Test func storedStepsWalkTheGraphsPathsOnTheFixtures() throws {
  let fixtures = [
    "fixtures/bootstrap", "fixtures/apps", "fixtures/kubehound-attacks", "fixtures/cases/escalation-gaps",
    "fixtures/cases/trust", "fixtures/cases/semantics.yaml", "fixtures/cases/live-cluster.json",
  ].map { repositoryRoot.appendingPathComponent($0).path }
  let path = try temporaryDirectory().appendingPathComponent("fixtures.db").path
  let (snapshot, _) = try Ingestion.files(
    fixtures, options: Ingest.Options(), base: nil, labels: [:], into: path, name: "fixtures")
  #expect(try compareStoredWalks(try RolecallDatabase(path: path), snapshot, "fixtures") > 100)
}

/// Steps changed or deleted with `query --write`: each answer is the one before (from steps graph_distance still
/// holds) or an error naming the node, never fewer paths.
@Test(arguments: [
  #"UPDATE graph_step SET step = '{"not":"a step"}'"#, "DELETE FROM graph_step",
  "UPDATE graph_distance SET first_step = NULL",
])
func aDamagedStoredStepIsAnErrorNotAMissingPath(damage: String) throws {
  let path = try temporaryDirectory().appendingPathComponent("broken.db").path
  let (snapshot, _) = try Ingestion.files(
    [repositoryRoot.appendingPathComponent("fixtures/kubehound-attacks").path], options: Ingest.Options(), base: nil,
    labels: [:], into: path, name: "broken")
  let database = try RolecallDatabase(path: path)
  let analyst = Analyst(database: database, snapshot: snapshot)
  let questions = try analyst.graph().identities.flatMap { node in ["cluster-admin", "node"].map { (node.description, $0) } }
  let before = try questions.map { try json(analyst.paths(from: $0, to: $1)) }
  _ = try database.run(sql: damage, parameters: [:], snapshot: snapshot, allowWrites: true)
  var failed = 0
  for (question, answer) in zip(questions, before) {
    do {
      #expect(try json(analyst.paths(from: question.0, to: question.1)) == answer, "\(question)")
    } catch let error as StoreError {
      switch error {
      case .unreadableStep, .missingStep: failed += 1
      default: throw error
      }
    }
  }
  #expect(failed > 0)
}
