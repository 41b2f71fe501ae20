// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel
import RBACReport

extension Analyst {
  /// `check POLICY.yaml`: every assertion of the policy against the snapshot, each failure with its evidence.
  public func check(_ policy: CheckPolicy) throws -> CheckReport {
    var evaluator = CheckEvaluator(analyst: self)
    var results: [CheckReport.Result] = []
    for assertion in policy.assertions {
      let place = AssertionContext(file: policy.file, index: assertion.index, line: assertion.line, keyword: assertion.kind.keyword)
      try evaluator.requireMatches(assertion.kind, place)
      let (statement, failures) = try evaluator.evaluate(assertion.kind)
      results.append(
        CheckReport.Result(
          index: assertion.index, assertion: assertion.kind.keyword,
          statement: assertion.name.isEmpty ? statement : assertion.name, failures: failures))
    }
    return CheckReport(policy: policy.file, snapshot: snapshot.name, results: results)
  }
}

/// A subject pattern of a policy: `sa:kube-system:*`, `user:*@example.com`, `group:system:masters`. `*` matches
/// any run of characters; a pattern without one names a single identity in any spelling `perms` takes.
struct SubjectPattern {
  let text: String

  init(_ text: String) {
    if !Glob.isPattern(text), let node = GraphNode(parsing: text) {
      self.text = node.description
    } else {
      self.text = text
    }
  }

  func matches(_ node: GraphNode) -> Bool { Glob.matches(text, node.description) }
}

/// Loads what the assertions need once (the policy, the graph, distances, the audit) and answers them.
struct CheckEvaluator {
  let analyst: Analyst
  private var policyCache: Policy?
  private var graphCache: EscalationGraph?
  private var distanceCache: [GraphNode: [GraphNode: Int]] = [:]

  init(analyst: Analyst) {
    self.analyst = analyst
  }

  private mutating func policy() throws -> Policy {
    if let policyCache { return policyCache }
    let loaded = try analyst.database.policy(of: analyst.snapshot, scope: .all)
    policyCache = loaded
    return loaded
  }

  private var catalogCache: ResourceCatalog?

  /// The built-in resources and the snapshot's custom ones.
  private mutating func catalog() throws -> ResourceCatalog {
    if let catalogCache { return catalogCache }
    let loaded = try analyst.database.resourceCatalog(of: analyst.snapshot)
    catalogCache = loaded
    return loaded
  }

  private mutating func graph() throws -> EscalationGraph {
    if let graphCache { return graphCache }
    let built = try analyst.graph(policy: try policy())
    graphCache = built
    return built
  }

  /// Steps to `target` for every node that reaches it: stored at ingest for cluster-admin and node.
  private mutating func distances(to target: GraphNode) throws -> [GraphNode: Int] {
    if let known = distanceCache[target] { return known }
    let found = try analyst.distances(to: target, in: try graph())
    distanceCache[target] = found
    return found
  }

  /// Refuses an assertion that would hold for want of anyone to check: a `cannot` subject, `no-path` source or
  /// `max-risk` pattern that matches no identity of the snapshot (a typo such as `sa:argocd:argocd-serverr` or
  /// `sa:argcd:*`). A `can` of nobody already fails, and an `only` or `except` list that names nobody only makes
  /// the assertion stricter; a `cannot` subject given with `groups` is a probe and may be anyone.
  mutating func requireMatches(_ kind: CheckPolicy.Kind, _ place: AssertionContext) throws {
    var named: [(field: String, pattern: String)] = []
    switch kind {
    case .can, .only: return
    case .cannot(let request): if request.groups.isEmpty { named.append(("subject", request.subject)) }
    case .noPath(let from, _, _): named.append(("from", from))
    case .maxRisk(_, let identities, _): named += identities.map { ("identities", $0) }
    }
    guard !named.isEmpty else { return }
    let identities = try graph().identities
    for (field, text) in named {
      let pattern = SubjectPattern(text)
      guard !identities.contains(where: pattern.matches) else { continue }
      throw place.error(
        "field \"\(field)\": \"\(text)\" matches no identity of snapshot \"\(analyst.snapshot.name)\" "
          + "(no binding, service account or aws-auth entry names it): a typo would make the assertion pass unchecked")
    }
  }

  mutating func evaluate(_ kind: CheckPolicy.Kind) throws -> (String, [CheckReport.Failure]) {
    switch kind {
    case .can(let request), .cannot(let request):
      let expected: Bool
      if case .can = kind { expected = true } else { expected = false }
      let user = try SubjectArgument(parsing: request.subject).identity(extraGroups: request.groups)
      let (attributes, _, notes) = try request.argument.resolve(catalog: try catalog())
      let statement = "\(request.subject) \(expected ? "can" : "cannot") \(describe(attributes))"
      let decision = try policy().decide(user, attributes)
      guard decision.allowed != expected else { return (statement, []) }
      if expected {
        return (statement, [.init(message: "no rule allows it", notes: notes)])
      }
      let evidence: [Evidence]
      switch decision.reason {
      case .privilegedGroup(let group): evidence = [.fact("member of \(group): the API server allows it before RBAC is asked")]
      case .grants(let grants): evidence = grants.map { Evidence($0) }
      case .noRuleAllows: evidence = []
      }
      return (statement, [.init(message: "it is allowed", evidence: evidence, notes: notes)])

    case .only(let argument, let subjects):
      let patterns = subjects.map(SubjectPattern.init)
      let (attributes, scope, notes) = try argument.resolve(catalog: try catalog())
      let statement = "only \(patterns.map(\.text).joined(separator: ", ")) may \(describe(attributes))"
      var failures: [CheckReport.Failure] = []
      for allowed in try policy().allowedSubjects(attributes, in: scope) where !allowed.implicit {
        let node = GraphNode(allowed.subject)
        guard !patterns.contains(where: { $0.matches(node) }) else { continue }
        failures.append(
          .init(message: "\(node) may too", evidence: allowed.via.map { Evidence($0) }, notes: notes))
      }
      return (statement, failures)

    case .noPath(let from, let target, let except):
      let source = SubjectPattern(from)
      let exempt = except.map(SubjectPattern.init)
      var statement = "no path from \(source.text) to \(target)"
      if !exempt.isEmpty { statement += " except \(exempt.map(\.text).joined(separator: ", "))" }
      let graph = try graph()
      let steps = try distances(to: target)
      var sources: [GraphNode]
      if Glob.isPattern(from) {
        sources = graph.identities.filter(source.matches)
      } else {
        guard let node = GraphNode(parsing: from), node.identity != nil || node.isCloudIdentity else {
          throw GraphQuestionError.badNode(from)
        }
        sources = [node]
      }
      sources = sources.filter { node in !exempt.contains { $0.matches(node) } }
      var failures: [CheckReport.Failure] = []
      for node in sources.sortedByName() {
        guard let own = graph.steps(from: node, given: steps) else { continue }
        let path = graph.guidedPaths(from: node, to: target, distances: steps, limit: 1).first ?? []
        failures.append(.init(message: "\(node) reaches \(target) in \(own) step(s)", path: path))
      }
      return (statement, failures)

    case .maxRisk(let score, let identities, let baseline):
      let patterns = identities.map(SubjectPattern.init)
      let statement = "no identity matching \(patterns.map(\.text).joined(separator: ", ")) scores above \(score)"
        + (baseline.map { " (baseline \($0))" } ?? "")
      let audit = try analyst.audit(baseline: try baseline.map(Baseline.init(contentsOf:)) ?? Baseline(), graph: try graph())
      var failures: [CheckReport.Failure] = []
      for entry in audit.entries where entry.score > score && patterns.contains(where: { $0.matches(entry.identity) }) {
        let open = entry.findings.filter { !$0.accepted }
        guard !open.isEmpty else { continue }
        failures.append(
          .init(
            message: "\(entry.identity) scores \(entry.score)",
            evidence: open.map { finding in
              var evidence = finding.evidence
              evidence.note = [finding.id.rawValue, evidence.note].compactMap { $0 }.joined(separator: ": ")
              return evidence
            }))
      }
      return (statement, failures)
    }
  }

  private func describe(_ request: RequestAttributes) -> String {
    switch request.target {
    case .nonResource(let path): return "\(request.verb) \(path)"
    case .resource(let r):
      var text = request.verb + " " + (r.apiGroup.isEmpty ? r.resource : r.resource + "." + r.apiGroup)
      if !r.subresource.isEmpty { text += "/" + r.subresource }
      if !r.name.isEmpty { text += " " + r.name }
      return text + (r.namespace.isEmpty ? "" : " in " + r.namespace)
    }
  }
}

extension GraphNode {
  var isCloudIdentity: Bool {
    if case .cloudIdentity = self { return true }
    return false
  }
}
