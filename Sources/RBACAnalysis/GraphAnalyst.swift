// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Parallel
import RBACGraph
import RBACModel
import RBACReport
import RBACStore

/// One of the parts ``Analyst/graph(policy:)`` reads on its own core.
private enum GraphPart: Sendable {
  case policy(Policy, ClusterIndex.RoleFacts)
  case workloads(ClusterIndex.WorkloadFacts)
  case others(ClusterIndex.OtherObjectFacts)
}

/// Errors in a graph question.
public enum GraphQuestionError: Error, Equatable, CustomStringConvertible {
  case badNode(String)
  case badBaseline(file: String, line: Int, text: String)
  case unreadableBaseline(file: String)

  public var description: String {
    switch self {
    case .badNode(let text):
      return "cannot read \"\(text)\": write cluster-admin, node, user:NAME, group:NAME, sa:NAMESPACE:NAME or aws:ARN"
    case .unreadableBaseline(let file):
      return "\(file): cannot read the baseline file"
    case .badBaseline(let file, let line, let text):
      return "\(file), line \(line): cannot read \"\(text)\": write IDENTITY, IDENTITY FINDING or tag:TAG, e.g. "
        + "sa:kube-system:foo reaches-cluster-admin, or tag:kubernetes-default"
    }
  }
}

extension Analyst {
  /// The escalation graph of the snapshot, over `policy` when the caller has already loaded it.
  public func graph(policy: Policy? = nil) throws -> sending EscalationGraph {
    if let policy { return EscalationGraph(policy: policy, objects: try database.clusterObjects(of: snapshot)) }
    // Three parts are read, each on a connection of its own and indexed as soon as it is read, on every core: the
    // policy, the workloads and the other objects. Which is the largest depends on the cluster (the rules of a
    // dense one, the pods of another), so a core that finishes its part takes the next.
    let (database, snapshot) = (self.database, self.snapshot)
    let parts: [@Sendable () throws -> GraphPart] = [
      {
        let policy = try database.secondReader().policy(of: snapshot, scope: .all)
        return .policy(policy, ClusterIndex.RoleFacts(policy))
      },
      { .workloads(ClusterIndex.WorkloadFacts(try database.secondReader().workloads(of: snapshot))) },
      {
        .others(ClusterIndex.OtherObjectFacts(try database.secondReader().clusterObjects(of: snapshot, withWorkloads: false)))
      },
    ]
    var policy: (Policy, ClusterIndex.RoleFacts)?
    var workloads: ClusterIndex.WorkloadFacts?
    var others: ClusterIndex.OtherObjectFacts?
    for part in try parts.concurrentMap(runs: parts.count, { part in Result { try part() } }).map({ try $0.get() }) {
      switch part {
      case .policy(let p, let facts): policy = (p, facts)
      case .workloads(let facts): workloads = facts
      case .others(let facts): others = facts
      }
    }
    guard let policy, let workloads, let others else { preconditionFailure("a part of the graph was not read") }
    return EscalationGraph(
      policy: policy.0, objectFacts: ClusterIndex.ObjectFacts(workloads: workloads, others: others),
      roleFacts: policy.1)
  }

  /// Steps to `target` (cluster-admin or node) for every node that reaches it: as stored at ingest, or computed over
  /// `graph` for a snapshot written without them.
  func distances(to target: GraphNode, in graph: EscalationGraph) throws -> [GraphNode: Int] {
    try database.storedDistances(of: snapshot, to: target)?.steps ?? graph.distances(to: target)
  }

  /// `paths --from A --to B`.
  public func paths(from: String, to: String = "cluster-admin", maxDepth: Int = 8, limit: Int = 5) throws -> PathsReport {
    guard let source = GraphNode(parsing: from) else { throw GraphQuestionError.badNode(from) }
    guard let target = GraphNode(parsing: to) else { throw GraphQuestionError.badNode(to) }
    let stored = GraphSummary.storedTargets.contains(target)
    if stored, source != target, limit <= snapshot.pathSteps,
      let found = try database.readingPathSteps(of: snapshot, to: target.description, { steps, stepsOut in
        try Self.storedPaths(from: source, to: target, maxDepth: maxDepth, limit: limit, steps: steps, stepsOut: stepsOut)
      }), let found
    {
      return found
    }
    if stored,
      let own = try database.readingDistances(of: snapshot, to: target.description, { steps in steps(source.description) })
    {
      // A known identity that cannot reach the target needs no graph at all.
      if own == -1 { return PathsReport(from: source, to: target, paths: []) }
      let graph = try graph()
      // Only the nodes on the shortest paths are visited: their steps are read one by one, not the whole table.
      let found = try database.readingDistances(of: snapshot, to: target.description) { steps -> ([[Edge]], Int?) in
        func distance(_ node: GraphNode) -> Int? { steps(node.description).flatMap { $0 >= 0 ? $0 : nil } }
        guard let d = graph.steps(from: source, distance: distance) else { return ([], nil) }
        guard d <= maxDepth else { return ([], d) }
        return (graph.guidedPaths(from: source, to: target, distance: { $0 == source ? d : distance($0) }, limit: limit), d)
      }
      releaseElsewhere(graph)
      let (paths, shortest) = found ?? ([], nil)
      return PathsReport(
        from: source, to: target, paths: paths, beyond: paths.isEmpty ? shortest.map { (maxDepth, $0) } : nil)
    }
    let graph = try graph()
    let paths = graph.shortestPaths(from: source, to: target, maxDepth: maxDepth, limit: limit)
    // None short enough: say whether a longer one exists, rather than that there is none.
    let longer = paths.isEmpty ? graph.shortestPaths(from: source, to: target, maxDepth: .max, limit: 1).first : nil
    return PathsReport(
      from: source, to: target, paths: paths, beyond: longer.map { (maxDepth, EscalationGraph.steps($0)) })
  }

  /// `paths` walked along the steps ingest stored, without the graph: nil for an identity the snapshot does not know
  /// (it acts through its groups, which only the graph knows). The paths and their order are those
  /// ``EscalationGraph/guidedPaths(from:to:distance:limit:)`` finds, since the stored steps out of each node are the
  /// first in path order that lead closer, and `limit` paths never take more of them.
  static func storedPaths(
    from source: GraphNode, to target: GraphNode, maxDepth: Int, limit: Int, steps: (String) throws -> Int?,
    stepsOut: (String) throws -> [String]
  ) throws -> PathsReport? {
    guard let own = try steps(source.description) else { return nil }
    guard own >= 0 else { return PathsReport(from: source, to: target, paths: []) }
    guard own <= maxDepth else { return PathsReport(from: source, to: target, paths: [], beyond: (maxDepth, own)) }
    var failure: (any Error)?
    func distance(_ node: GraphNode) -> Int? {
      do { return try steps(node.description).flatMap { $0 >= 0 ? $0 : nil } } catch {
        failure = failure ?? error
        return nil
      }
    }
    let paths = EscalationGraph.enumerate(from: source, to: target, limit: limit) { node in
      guard let d = node == source ? own : distance(node) else { return [] }
      do {
        // An identity's first step to one target may be its first to the other too: each step is taken once.
        var seen = Set<GraphNode>()
        let steps = try stepsOut(node.description).map { text in
          guard let edge = Edge(storedJSON: text), edge.from == node else {
            throw StoreError.unreadableStep(node: node.description, text: text)
          }
          return edge
        }.filter { seen.insert($0.to).inserted && EscalationGraph.leadsCloser($0, from: d, distance: distance) }
        // Every node but the target that has a distance has a step closer: none means rows are missing.
        if steps.isEmpty { throw StoreError.missingStep(node: node.description) }
        return steps
      } catch {
        failure = failure ?? error
        return []
      }
    }
    if let failure { throw failure }
    return PathsReport(from: source, to: target, paths: paths, beyond: paths.isEmpty ? (maxDepth, own) : nil)
  }

  /// `audit`: every identity with a finding, ranked, tagged, and with accepted findings marked.
  public func audit(baseline: Baseline = Baseline()) throws -> AuditReport {
    let graph = try graph()
    let report = try audit(baseline: baseline, graph: graph)
    releaseElsewhere(graph)
    return report
  }

  /// `audit` over a graph the caller has already built (`check` shares one among its assertions).
  func audit(baseline: Baseline, graph: EscalationGraph) throws -> AuditReport {
    let catalog = ProviderCatalog.shipped
    func rank(_ node: GraphNode) -> Int {
      switch node {
      case .serviceAccount: return 0
      case .user: return 1
      case .group: return 2
      default: return 3
      }
    }
    let stored = try database.storedDistances(of: snapshot, to: .clusterAdmin, firstSteps: true)
    let risks = graph.risks(
      toAdmin: stored?.steps ?? graph.distances(to: .clusterAdmin), toNode: try distances(to: .node, in: graph),
      firstSteps: stored?.firstSteps
    ).sorted {
      (rank($0.identity), -$0.score, $0.identity.description) < (rank($1.identity), -$1.score, $1.identity.description)
    }
    var used = Set<String>()
    let entries = risks.map { risk in
      let tags = Self.tags(risk.identity, graph, catalog)
      return AuditReport.Entry(
        identity: risk.identity, score: risk.score, stepsToClusterAdmin: risk.stepsToClusterAdmin,
        firstStep: risk.firstStep,
        findings: zip(risk.findings, risk.evidence).map { finding, evidence in
          let by = baseline.acceptance(risk.identity, finding, tags: tags)
          if let by { used.insert(by) }
          return AuditReport.Finding(id: finding, evidence: evidence, accepted: by != nil)
        },
        workloads: risk.workloads, onEveryNode: risk.onEveryNode, tags: tags)
    }
    var files: [String: String] = [:]
    for (binding, file) in try database.bindingSources(of: snapshot) { files[binding.displayName] = file }
    return AuditReport(
      snapshot: snapshot.name, entries: entries, staleBaseline: baseline.stale(used: used), bindingFiles: files)
  }

  /// Who manages an identity: Kubernetes itself, or a provider of the catalog.
  static func tags(_ node: GraphNode, _ graph: EscalationGraph, _ catalog: ProviderCatalog) -> [String] {
    var tags: [String] = []
    if case .cloudIdentity(let arn) = node { return ["provider:EKS", "aws-auth:" + arn] }
    guard let (kind, name) = catalogName(node) else { return [] }
    if let match = catalog.match(kind: kind, name: name) { tags.append("provider:" + match.provider) }
    let isDefault: Bool
    switch node {
    case .serviceAccount(let ns, let n):
      // The controllers' accounts are bound by the bootstrap policy's system:controller:* bindings.
      isDefault = ns == "kube-system" && graph.cluster.policy.clusterRoleBindings.contains { bound in
        bound.ref.name.hasPrefix("system:controller:") && bound.subjects.contains { $0.kind == .serviceAccount && $0.name == n }
      }
    default: isDefault = name.hasPrefix("system:")
    }
    if isDefault { tags.append("kubernetes-default") }
    return tags
  }

  /// The kind and name an identity has in data/provider-identities.yaml (`ServiceAccount` names are `ns/name`).
  static func catalogName(_ node: GraphNode) -> (kind: String, name: String)? {
    switch node {
    case .user(let n): return ("User", n)
    case .group(let n): return ("Group", n)
    case .serviceAccount(let ns, let n): return ("ServiceAccount", ns + "/" + n)
    default: return nil
    }
  }

  /// `backdoors`: the provider-managed identities present, their power and paths, and the invisible admins.
  public func backdoors() throws -> BackdoorsReport {
    let graph = try graph()
    let report = try backdoors(graph: graph)
    releaseElsewhere(graph)
    return report
  }

  /// `backdoors` over a graph the caller has already built (`report` shares one with its audit).
  func backdoors(graph: EscalationGraph) throws -> BackdoorsReport {
    let catalog = ProviderCatalog.shipped
    var found: [(provider: String, kind: String, name: String, note: String, node: GraphNode?)] = []
    for node in graph.identities {
      if case .cloudIdentity(let arn) = node {
        found.append(("EKS", "IAM identity", arn, "mapped by kube-system/aws-auth", node))
        continue
      }
      guard let (kind, name) = Self.catalogName(node) else { continue }
      if let match = catalog.match(kind: kind, name: name) { found.append((match.provider, kind, name, match.note, node)) }
    }
    let policy = graph.cluster.policy
    for name in policy.clusterRoles.keys.sorted() {
      if let match = catalog.match(kind: "ClusterRole", name: name) {
        found.append((match.provider, "ClusterRole", name, match.note, nil))
      }
    }
    for bound in policy.clusterRoleBindings {
      if let match = catalog.match(kind: "ClusterRoleBinding", name: bound.ref.name) {
        let to = bound.subjects.map { $0.kind == .serviceAccount ? "\($0.namespace)/\($0.name)" : $0.name }
        found.append((match.provider, "ClusterRoleBinding", bound.ref.name,
          match.note + " (\(bound.role.kind.rawValue) \(bound.role.name) to \(to.joined(separator: ", ")))", nil))
      }
    }
    let distances = try distances(to: .clusterAdmin, in: graph)
    let entries = found.map { item in
      let path =
        item.node.flatMap { graph.guidedPaths(from: $0, to: .clusterAdmin, distances: distances, limit: 1).first }
        ?? []
      // What it can do, from the snapshot's rules: the primitives of its own edges, or a role's full wildcard.
      var power: [String] = []
      if let node = item.node {
        power = Array(Set(graph.edges(from: node).map(\.primitive)).subtracting(["membership", "aws-auth-mapping"])).sorted()
      } else if item.kind == "ClusterRole", graph.cluster.adminClusterRoles.contains(item.name) {
        power = ["every verb on every resource"]
      }
      return BackdoorsReport.Entry(
        provider: item.provider, kind: item.kind, name: item.name, note: item.note, power: power,
        stepsToClusterAdmin: item.node.flatMap { distances[$0] },
        path: path.map(\.description))
    }
    let providers = Set(entries.map { $0.provider })
    let invisible = catalog.invisible.filter { providers.isEmpty || providers.contains($0.provider) }
    return BackdoorsReport(
      entries: entries, invisible: invisible.map { BackdoorsReport.Invisible(provider: $0.provider, note: $0.note) })
  }
}

/// Findings a team has accepted: one line per identity (every finding), `IDENTITY FINDING`, or `tag:TAG` (every
/// finding of every identity with that tag, e.g. `tag:kubernetes-default`); `#` starts a comment.
public struct Baseline: Sendable {
  var identities: Set<String> = []
  var findings: Set<String> = []
  var tags: Set<String> = []
  /// Each entry as written, in file order, with its line: what the audit reports as stale when it matches nothing.
  var entries: [(line: Int, text: String)] = []

  public init() {}

  public init(contentsOf path: String) throws {
    // FileHandle reads pipes too (`--baseline <(...)`), where FileManager.contents(atPath:) gives up.
    guard let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readToEnd() ?? Data() else {
      throw GraphQuestionError.unreadableBaseline(file: path)
    }
    let text = String(decoding: data, as: UTF8.self)
    for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
      let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
      guard !words.isEmpty else { continue }
      entries.append((i + 1, words.joined(separator: " ")))
      if words.count == 1, words[0].hasPrefix("tag:"), words[0].count > 4 {
        tags.insert(String(words[0].dropFirst(4)))
        continue
      }
      guard words.count <= 2, let node = GraphNode(parsing: words[0]),
        words.count == 1 || IdentityRisk.Finding(rawValue: words[1]) != nil
      else { throw GraphQuestionError.badBaseline(file: path, line: i + 1, text: line.trimmingCharacters(in: .whitespaces)) }
      if words.count == 1 { identities.insert(node.description) } else { findings.insert(node.description + " " + words[1]) }
    }
  }

  /// The entry that accepts the finding, if one does.
  func acceptance(_ node: GraphNode, _ finding: IdentityRisk.Finding, tags: [String]) -> String? {
    if identities.contains(node.description) { return node.description }
    if findings.contains(node.description + " " + finding.rawValue) { return node.description + " " + finding.rawValue }
    return tags.first(where: self.tags.contains).map { "tag:" + $0 }
  }

  /// The entries that accepted nothing in an audit that used `used`: stale lines, left after a fix or a typo.
  func stale(used: Set<String>) -> [String] {
    entries.filter { !used.contains($0.text) }.map { "line \($0.line): \($0.text)" }
  }
}
