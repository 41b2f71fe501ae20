// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel

/// An identity whose shortest escalation path to a target appeared, disappeared, or changed length.
public struct PathChange: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable {
    case appeared, disappeared, shorter, longer
  }

  public var identity: GraphNode
  public var target: GraphNode
  public var kind: Kind
  public var stepsBefore: Int?
  public var stepsAfter: Int?
  /// The first step of a shortest path: in the new snapshot, or in the old one for a path that disappeared.
  public var firstStep: Edge?
  /// Identities whose path changed the same way only because they are members of this group.
  public var members: Int
  /// The first few of them, by name.
  public var memberExamples: [GraphNode]
  /// Identities whose changed path runs through this identity's changed path: it is the cause, they follow.
  public var through: Int
  /// The first few of them, by name.
  public var throughExamples: [GraphNode]
}

/// An identity that became, or stopped being, allowed everything without escalating.
public struct AdminChange: Sendable, Hashable, Codable {
  public var identity: GraphNode
  public var became: Bool
  /// The full-wildcard grant (or system:masters) behind it: new for `became`, old otherwise.
  public var evidence: Evidence
  public var members: Int
  public var memberExamples: [GraphNode]
}

/// Compares reachability and admin-equivalence of every identity either snapshot knows.
///
/// A change a group brings to all its members is reported once, on the group, with the number of members it
/// carries: a binding that lets `system:serviceaccounts` escalate is one line, not one per account.
public enum PathDiff {
  static let examples = 5

  /// - Parameter only: when given, just these identities, each on its own line (nothing folded into a group or a
  ///   cause outside the set): what `diff --subject` and `--namespace` ask for.
  public static func compare(_ old: DiffSide, _ new: DiffSide, only: Set<GraphNode>? = nil) -> [PathChange] {
    let identities = (only ?? old.identities.union(new.identities)).sortedByName()
    // An identity one snapshot does not know takes its distance there from the edges its groups give it: those are
    // computed on every core first, once per set of groups.
    old.graph.prefetchUnknown(identities)
    new.graph.prefetchUnknown(identities)
    // First every identity's change of distance, then the graph edges its path needs, computed on every core.
    var kinds: [GraphNode: [(node: GraphNode, kind: PathChange.Kind, before: Int?, after: Int?)]] = [:]
    for target in DiffSide.targets {
      for node in identities {
        let before = old.steps(node, to: target)
        let after = new.steps(node, to: target)
        guard let kind = kind(before, after) else { continue }
        kinds[target, default: []].append((node, kind, before, after))
      }
    }
    let all = kinds.values.flatMap { $0 }
    old.prepareRoutes(from: all.filter { $0.kind == .disappeared }.map(\.node))
    new.prepareRoutes(from: all.filter { $0.kind != .disappeared }.map(\.node))
    var changes: [PathChange] = []
    for target in DiffSide.targets {
      var found: [GraphNode: PathChange] = [:]
      var through: [GraphNode: [GraphNode]] = [:]
      var order: [GraphNode] = []
      for (node, kind, before, after) in kinds[target] ?? [] {
        let route = (kind == .disappeared ? old : new).route(node, to: target)
        through[node] = route.through
        found[node] = PathChange(
          identity: node, target: target, kind: kind, stepsBefore: before, stepsAfter: after, firstStep: route.first,
          members: 0, memberExamples: [], through: 0, throughExamples: [])
        order.append(node)
      }
      // Who explains whom: a group its members, then an identity further along the path everyone before it.
      var cause: [GraphNode: (node: GraphNode, asMember: Bool)] = [:]
      for node in order where only == nil {
        if let group = explainingGroup(of: node, found[node]!, in: found) {
          cause[node] = (group, true)
        } else if let next = through[node]!.first(where: { $0 != node && found[$0]?.kind == found[node]!.kind }) {
          cause[node] = (next, false)
        }
      }
      func root(_ node: GraphNode) -> GraphNode {
        var current = node
        // Every cause is closer to the target or a group (which has no group of its own): the chain ends.
        while let next = cause[current]?.node { current = next }
        return current
      }
      for node in order {
        guard let direct = cause[node] else { continue }
        let origin = direct.asMember ? direct.node : root(node)
        let top = root(origin)
        if direct.asMember && top == origin {
          found[origin]!.members += 1
          if found[origin]!.memberExamples.count < examples { found[origin]!.memberExamples.append(node) }
        } else {
          found[top]!.through += 1
          if found[top]!.throughExamples.count < examples { found[top]!.throughExamples.append(node) }
        }
      }
      changes += order.filter { cause[$0] == nil }.map { found[$0]! }
    }
    return changes
  }

  /// A group whose own change explains this identity's: the identity is always in it (or its first step is to
  /// join it) and the group's path changed the same way with the same steps. An identity acts with its groups'
  /// grants directly, so it then holds nothing the group's line does not already say.
  static func explainingGroup(of node: GraphNode, _ change: PathChange, in found: [GraphNode: PathChange])
    -> GraphNode?
  {
    var candidates = (node.identity?.groups ?? []).map(GraphNode.group)
    if let step = change.firstStep, step.primitive == "membership", case .group = step.to { candidates.append(step.to) }
    return candidates.first { group in
      guard group != node, let other = found[group] else { return false }
      return other.kind == change.kind && other.stepsBefore == change.stepsBefore && other.stepsAfter == change.stepsAfter
    }
  }

  static func kind(_ before: Int?, _ after: Int?) -> PathChange.Kind? {
    switch (before, after) {
    case (nil, nil): return nil
    case (nil, .some): return .appeared
    case (.some, nil): return .disappeared
    case (.some(let b), .some(let a)): return a < b ? .shorter : a > b ? .longer : nil
    }
  }

  public static func compareAdmins(_ old: DiffSide, _ new: DiffSide, only: Set<GraphNode>? = nil) -> [AdminChange] {
    var found: [GraphNode: AdminChange] = [:]
    var via: [GraphNode: SubjectKey] = [:]
    var order: [GraphNode] = []
    for node in (only ?? old.identities.union(new.identities)).sortedByName() {
      let before = old.adminReason(node)
      let after = new.adminReason(node)
      guard (before == nil) != (after == nil), let reason = after ?? before else { continue }
      found[node] = AdminChange(
        identity: node, became: after != nil, evidence: reason.evidence, members: 0, memberExamples: [])
      via[node] = reason.via
      order.append(node)
    }
    for node in order where only == nil {
      guard case .group(let name) = via[node]!, case let group = GraphNode.group(name), group != node,
        found[group]?.became == found[node]!.became
      else { continue }
      found[group]!.members += 1
      if found[group]!.memberExamples.count < examples { found[group]!.memberExamples.append(node) }
      found[node] = nil
    }
    return order.compactMap { found[$0] }
  }
}
