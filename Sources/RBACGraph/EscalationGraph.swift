// rolecall — SPDX-License-Identifier: Apache-2.0

import Parallel
import RBACModel

/// Identities as nodes, escalation primitives as edges, each edge carrying its evidence.
///
/// Edges are computed on demand and remembered, so a path search from one subject evaluates only the identities it
/// reaches, while an audit of every identity computes each node once.
public final class EscalationGraph {
  public let cluster: ClusterIndex
  private var cache: [GraphNode: [Edge]] = [:]

  public init(policy: Policy, objects: ClusterObjects) {
    cluster = ClusterIndex(policy: policy, objects: objects)
  }

  public init(policy: Policy, objectFacts: ClusterIndex.ObjectFacts, roleFacts: ClusterIndex.RoleFacts) {
    cluster = ClusterIndex(policy: policy, objectFacts: objectFacts, roleFacts: roleFacts)
  }

  /// Every identity the snapshot knows: users and groups named by bindings or aws-auth, service accounts, and
  /// aws-auth's IAM identities.
  public var identities: [GraphNode] {
    let accounts = cluster.serviceAccounts.flatMap { ns, names in
      names.map { GraphNode.serviceAccount(namespace: ns, name: $0) }
    }
    return accounts.sortedByName() + cluster.users.sorted().map(GraphNode.user) + cluster.groups.sorted().map(GraphNode.group)
      + cluster.awsAuth.map { GraphNode.cloudIdentity(arn: $0.arn) }
  }

  /// ``identities`` as a set, for membership questions.
  public private(set) lazy var identitySet = Set(identities)

  /// The edges out of a node.
  public func edges(from node: GraphNode) -> [Edge] {
    if let known = cache[node] { return known }
    let found = Self.computeEdges(from: node, cluster)
    cache[node] = found
    return found
  }

  /// Computes the edges of many nodes at once on every core: edges depend only on the immutable cluster index, so
  /// the nodes of a search frontier or of a whole audit are independent work.
  public func prefetch(_ nodes: [GraphNode]) {
    let todo = Array(Set(nodes.filter { cache[$0] == nil }))
    guard todo.count > 1 else { return }
    let cluster = self.cluster
    for (node, edges) in zip(todo, todo.concurrentMap { Self.computeEdges(from: $0, cluster) }) { cache[node] = edges }
  }

  static func computeEdges(from node: GraphNode, _ cluster: ClusterIndex) -> [Edge] {
    switch node {
    case .user, .group, .serviceAccount:
      return catalogEdges(IdentityContext(node: node, user: node.identity!, cluster: cluster))
    case .anyRole(let kind, let scope) where kind == "clusterroles" || scope != everyNamespace:
      let (grants, held) = cluster.anyRoleGrants(kind: kind, scope: scope)
      return rulesEdges(node, grants, cluster, held: held)
    case .roleBound(let role, let scope):
      return rulesEdges(node, boundGrants(role, scope, cluster), cluster)
    default:
      // Targets, hubs and IAM identities: each entry of the catalog says where it leads from them.
      return Primitive.catalog.flatMap { $0.fromNode?(node, cluster) ?? [] }
    }
  }

  /// The edges of rules held by no identity yet: a role once bound, or every role a bind may name.
  private static func rulesEdges(_ node: GraphNode, _ grants: [Grant], _ cluster: ClusterIndex, held: [Grant]? = nil)
    -> [Edge]
  {
    catalogEdges(
      IdentityContext(node: node, user: UserInfo(name: "", groups: []), grants: grants, cluster: cluster, held: held))
  }

  /// The edges the catalog's primitives find out of an identity, or out of a role's powers.
  private static func catalogEdges(_ context: IdentityContext) -> [Edge] {
    var edges: [Edge] = []
    var seen = Set<GraphNode>()
    // One edge per target: the first primitive of the catalog that reaches it, which keeps paths readable.
    for primitive in Primitive.catalog {
      for edge in primitive.fromIdentity?(context) ?? [] where edge.to != context.node && seen.insert(edge.to).inserted {
        edges.append(edge)
      }
    }
    return edges
  }

  /// The grants a new binding of `role` in `scope` would give: its rules (every rule for a nil role, as `escalate`
  /// may write them) under a ClusterRoleBinding for an empty scope, else RoleBindings in `scope`.
  static func boundGrants(
    _ role: RoleKey?, _ scope: String, _ cluster: ClusterIndex, bindingName: String? = nil, onlyRule: Int? = nil
  ) -> [Grant] {
    let binding = BindingRef(
      kind: scope.isEmpty ? .clusterRoleBinding : .roleBinding, namespace: scope,
      name: bindingName ?? (role == nil ? "(rules written with escalate)" : "(a binding written with bind)"))
    let key = role ?? RoleKey(kind: .role, namespace: scope, name: "*")
    var rules: [PolicyRule] = []
    var origins: [String] = []
    switch role?.kind {
    case nil: rules = [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])]
    case .clusterRole:
      let found = cluster.policy.clusterRoles[key.name]
      rules = found?.rules ?? []
      origins = found?.ruleOrigins ?? []
    case .role: rules = cluster.policy.roles[key.namespace]?[key.name]?.rules ?? []
    }
    let indices = onlyRule.map { rules.indices.contains($0) ? [$0] : [] } ?? Array(rules.indices)
    return indices.map { i in
      Grant(
        binding: binding, role: key, subject: Subject(kind: .user, name: "(whoever binds it)"), ruleIndex: i,
        rule: rules[i], aggregatedFrom: origins.isEmpty ? nil : origins[i])
    }
  }

  // MARK: - Paths

  /// An edge costs one step, except one that leaves a hub: "any account of N" to one of them is the same step, and
  /// so is using a role's powers once bound. Binding a further role with those powers is a step of its own, which
  /// also keeps the graph free of cycles that cost nothing.
  public static func cost(_ edge: Edge) -> Int { GraphNode.stepCost(from: edge.from, to: edge.to) }

  /// The steps of a path, not counting hops out of hubs.
  public static func steps(_ path: [Edge]) -> Int { path.reduce(0) { $0 + cost($1) } }

  /// The shortest paths from `source` to `target`, at most `limit` of them, none longer than `maxDepth` steps.
  public func shortestPaths(from source: GraphNode, to target: GraphNode, maxDepth: Int = 8, limit: Int = 5) -> [[Edge]] {
    guard source != target else { return [] }
    // Breadth-first with 0/1 costs: a hop out of a hub goes to the front of the queue.
    var distance: [GraphNode: Int] = [source: 0]
    var parents: [GraphNode: [Edge]] = [:]
    var done = Set<GraphNode>()
    var queue = Deque([source])
    while let node = queue.popFirst() {
      guard done.insert(node).inserted else { continue }
      let d = distance[node]!
      if let best = distance[target], d > best { break }
      // Reaching a node whose edges are unknown means a new wave: compute the whole queue's edges at once.
      if cache[node] == nil { prefetch([node] + queue.pending) }
      for edge in edges(from: node) {
        let next = d + Self.cost(edge)
        // A node already settled at this distance still gains the edge as a parent: a hop out of a hub reaches it
        // at no extra cost after it was settled.
        guard next <= maxDepth else { continue }
        if let known = distance[edge.to], known <= next {
          if known == next && !(parents[edge.to] ?? []).contains(edge) { parents[edge.to, default: []].append(edge) }
          continue
        }
        distance[edge.to] = next
        parents[edge.to] = [edge]
        if Self.cost(edge) == 0 { queue.pushFirst(edge.to) } else { queue.pushLast(edge.to) }
      }
    }
    guard distance[target] != nil else { return [] }
    // The edges on some shortest path, walked forward in a fixed order: the same paths come out first whichever
    // search found them (see guidedPaths).
    var onPath: Set<GraphNode> = [target]
    var stack = [target]
    while let node = stack.popLast() {
      for edge in parents[node] ?? [] where onPath.insert(edge.from).inserted { stack.append(edge.from) }
    }
    var forward: [GraphNode: [Edge]] = [:]
    for node in onPath { for edge in parents[node] ?? [] { forward[edge.from, default: []].append(edge) } }
    return Self.enumerate(from: source, to: target, limit: limit) { forward[$0] ?? [] }
  }

  /// The first `limit` paths from `source` to `target` along `next`, in the order of the nodes they pass. `next`
  /// must only lead closer to the target (as ``guidedPaths(from:to:distance:limit:)`` does), or the walk may not end.
  public static func enumerate(
    from source: GraphNode, to target: GraphNode, limit: Int, next: (GraphNode) -> [Edge]
  ) -> [[Edge]] {
    var paths: [[Edge]] = []
    func walk(_ node: GraphNode, _ prefix: [Edge]) {
      guard paths.count < limit else { return }
      if node == target {
        paths.append(prefix)
        return
      }
      for edge in next(node).sorted(by: pathOrder) {
        walk(edge.to, prefix + [edge])
      }
    }
    walk(source, [])
    return paths
  }

  /// The steps from `node` to a target, given every node's distance to it (``distances(to:)``, or as stored at
  /// ingest: a node that cannot reach it is absent). An identity the snapshot does not know (an account no object or
  /// binding names) still acts through its groups: its distance is its best neighbour's.
  public func steps(from node: GraphNode, given distances: [GraphNode: Int]) -> Int? {
    steps(from: node) { distances[$0] }
  }

  /// ``steps(from:given:)`` with the distances looked up one node at a time.
  public func steps(from node: GraphNode, distance: (GraphNode) -> Int?) -> Int? {
    if let steps = distance(node) { return steps }
    if identitySet.contains(node) { return nil }
    let standIn = standIn(for: node)
    return edges(from: standIn).compactMap { edge in distance(edge.to).map { $0 + Self.cost(edge) } }.min()
  }

  /// Computes on every core the edges that ``steps(from:given:)`` needs for identities the snapshot does not know.
  public func prefetchUnknown(_ nodes: [GraphNode]) {
    prefetch(nodes.filter { !identitySet.contains($0) }.map(standIn(for:)))
  }

  /// A user or service account the snapshot does not know is named by no binding (a named one is an identity of
  /// the snapshot): it holds only what the groups it always carries hold, and no edge leads to it. Every such
  /// identity with the same groups therefore has the same edges, but for their source and the evidence that names
  /// it: the first one met stands for the others when only the distance is asked (a diff of two unrelated clusters
  /// asks it of thousands of accounts of a few namespaces).
  private var standIns: [[String]: GraphNode] = [:]

  private func standIn(for node: GraphNode) -> GraphNode {
    switch node {
    case .user, .serviceAccount:
      guard let groups = node.identity?.groups else { return node }
      if let known = standIns[groups] { return known }
      standIns[groups] = node
      return node
    default:
      return node
    }
  }

  /// ``guidedPaths(from:to:distance:limit:)`` over `distances`, the source's own distance taken by
  /// ``steps(from:given:)``.
  public func guidedPaths(from source: GraphNode, to target: GraphNode, distances: [GraphNode: Int], limit: Int = 5)
    -> [[Edge]]
  {
    guard let own = steps(from: source, given: distances) else { return [] }
    return guidedPaths(from: source, to: target, distance: { $0 == source ? own : distances[$0] }, limit: limit)
  }

  /// The shortest paths when every node's distance to the target is known (``distances(to:)``, stored at
  /// ingest): each step goes to a node one step closer, so only the nodes on shortest paths are evaluated.
  public func guidedPaths(from source: GraphNode, to target: GraphNode, distance: (GraphNode) -> Int?, limit: Int = 5)
    -> [[Edge]]
  {
    guard source != target, distance(source) != nil else { return [] }
    return Self.enumerate(from: source, to: target, limit: limit) { node in
      guard let d = distance(node) else { return [] }
      return edges(from: node, closerThan: d, distance: distance)
    }
  }

  /// The edges out of `node`, `steps` from the target, that lead one step closer to it: the first steps of its
  /// shortest paths.
  public func edges(from node: GraphNode, closerThan steps: Int, distance: (GraphNode) -> Int?) -> [Edge] {
    edges(from: node).filter { Self.leadsCloser($0, from: steps, distance: distance) }
  }

  /// The first step of the first shortest path out of `node`, `steps` from the target: what
  /// ``enumerate(from:to:limit:next:)`` takes first, and what ingest stores (``FirstSteps``).
  public func firstStep(from node: GraphNode, closerThan steps: Int, distance: (GraphNode) -> Int?) -> Edge? {
    Self.firstStep(among: edges(from: node), closerThan: steps, distance: distance)
  }

  /// The first, in ``pathOrder(_:_:)``, of the `edges` out of a node `steps` from the target that lead closer to it.
  static func firstStep(among edges: [Edge], closerThan steps: Int, distance: (GraphNode) -> Int?) -> Edge? {
    edges.filter { leadsCloser($0, from: steps, distance: distance) }.min(by: pathOrder)
  }

  /// The first `limit` edges, in ``pathOrder(_:_:)``, out of every node with a distance that lead one step closer to
  /// the target (or as close, out of a hub), chosen on every core. ``enumerate(from:to:limit:next:)`` takes at most
  /// `limit` steps out of any node for `limit` paths, since each leads to at least one: these are all it can take.
  func closerSteps(distances: [GraphNode: Int], limit: Int) -> [(GraphNode, [Edge])] {
    let nodes = Array(distances.keys)
    prefetch(nodes)
    let known = cache
    return nodes.concurrentMap { node -> (GraphNode, [Edge])? in
      let closer = (known[node] ?? []).filter { Self.leadsCloser($0, from: distances[node]!, distance: { distances[$0] }) }
      guard !closer.isEmpty else { return nil }
      return (node, Array(closer.sorted(by: Self.pathOrder).prefix(limit)))
    }.compactMap { $0 }
  }

  /// The order paths are walked in: by the node a step leads to, then by primitive, a step that binds a role last
  /// (what a role would give is shown only when nothing more direct does). Fixed, so that the same first
  /// path comes out wherever it is found: at ingest, by a search, or by a diff.
  public static func pathOrder(_ a: Edge, _ b: Edge) -> Bool {
    (a.to.isRoleBound ? 1 : 0, a.to.description, a.primitive) < (b.to.isRoleBound ? 1 : 0, b.to.description, b.primitive)
  }

  /// Whether `edge`, out of a node `steps` from the target, leads one step closer to it.
  public static func leadsCloser(_ edge: Edge, from steps: Int, distance: (GraphNode) -> Int?) -> Bool {
    distance(edge.to) == steps - cost(edge)
  }

  /// Every edge reachable from the identities (and `node`), by the node it leads to: built once, then each target's
  /// distances are one backward search over it.
  private lazy var reverseEdges: [GraphNode: [Edge]] = {
    var reverse: [GraphNode: [Edge]] = [:]
    // Wave by wave, each wave's edges computed on every core: hubs and bound roles are only met on the way.
    var wave = identities + [.node]
    var visited = Set(wave)
    while !wave.isEmpty {
      prefetch(wave)
      var next: [GraphNode] = []
      for node in wave {
        for edge in edges(from: node) {
          reverse[edge.to, default: []].append(edge)
          if visited.insert(edge.to).inserted { next.append(edge.to) }
        }
      }
      wave = next
    }
    return reverse
  }()

  /// How many steps each node needs to reach `target` (absent when it cannot), over the whole graph.
  public func distances(to target: GraphNode) -> [GraphNode: Int] {
    let reverse = reverseEdges
    var distance: [GraphNode: Int] = [target: 0]
    var done = Set<GraphNode>()
    var queue = Deque([target])
    while let node = queue.popFirst() {
      guard done.insert(node).inserted else { continue }
      for edge in reverse[node] ?? [] {
        let next = distance[node]! + Self.cost(edge)
        if let known = distance[edge.from], known <= next { continue }
        distance[edge.from] = next
        if Self.cost(edge) == 0 { queue.pushFirst(edge.from) } else { queue.pushLast(edge.from) }
      }
    }
    return distance
  }
}

/// A double-ended queue for 0/1 breadth-first search.
struct Deque<Element> {
  private var front: [Element] = []
  private var back: [Element]
  private var head = 0

  init(_ items: [Element]) { back = items }

  mutating func pushFirst(_ item: Element) { front.append(item) }

  /// The elements still queued, without removing them.
  var pending: [Element] { front.reversed() + back[head...] }
  mutating func pushLast(_ item: Element) { back.append(item) }

  mutating func popFirst() -> Element? {
    if let item = front.popLast() { return item }
    guard head < back.count else { return nil }
    defer {
      head += 1
      if head > 4096 && head * 2 > back.count {
        back.removeFirst(head)
        head = 0
      }
    }
    return back[head]
  }
}

extension Array where Element == Edge {
  /// The edges with the first of each target kept.
  func uniqued(by key: (Edge) -> GraphNode) -> [Edge] {
    var seen = Set<GraphNode>()
    return filter { seen.insert(key($0)).inserted }
  }
}
