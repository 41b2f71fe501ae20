// rolecall — SPDX-License-Identifier: Apache-2.0

import Parallel
import RBACGraph
import RBACModel
import Synchronization

/// One line of what a subject gained or lost: verbs on one resource (with the same names) or one URL, in one scope.
public struct PermissionChange: Sendable, Hashable, Codable {
  /// The namespace it holds in; nil for cluster-wide.
  public var namespace: String?
  public var verbs: [String]
  public var apiGroup: String
  /// `resource` or `resource/subresource` (patterns included); empty for a URL.
  public var resource: String
  /// Empty for every name.
  public var resourceNames: [String]
  /// The URLs of a non-resource line (empty for a resource line): URLs with the same verbs share a line.
  public var nonResourceURLs: [String]
  /// Within this line, what the subject already held (a gain) or still holds (a loss): a wildcard that replaced
  /// a list gains exactly the line minus these.
  public var overlap: [String]
  /// The grants behind the line: in the new snapshot for a gain, in the old one for a loss.
  public var evidence: [Evidence]

  /// `verbs target [names] scope`, as the table prints it.
  public var summary: String { summary(target: target) }

  /// ``summary`` with ``target`` already made.
  func summary(target: String) -> String {
    var text = ""
    appendSummary(target: target, to: &text)
    return text
  }

  /// Writes ``summary`` at the end of `text`, without the pieces a concatenation would make: the table of a diff of
  /// two large clusters is half a million of them.
  public func appendSummary(to text: inout String) { appendSummary(target: target, to: &text) }

  func appendSummary(target: String, to text: inout String) {
    for (i, verb) in verbs.enumerated() {
      if i > 0 { text.append(",") }
      text.append(verb)
    }
    text.append(" ")
    text.append(target)
    if !resourceNames.isEmpty {
      text.append(" [")
      for (i, name) in resourceNames.enumerated() {
        if i > 0 { text.append(",") }
        text.append(name)
      }
      text.append("]")
    }
    text.append(" ")
    if let namespace {
      text.append("in ")
      text.append(namespace)
    } else {
      text.append("cluster-wide")
    }
  }

  /// `resource.group/subresource` as kubectl prints it, or the URLs.
  public var target: String {
    nonResourceURLs.isEmpty
      ? EffectivePermission.target(apiGroup: apiGroup, resource: resource)
      : "nonResourceURLs [" + nonResourceURLs.joined(separator: " ") + "]"
  }

  public var scope: String { namespace.map { "in " + $0 } ?? "cluster-wide" }
}

/// What one subject gained and lost.
public struct SubjectChanges: Sendable, Hashable, Codable {
  public var subject: GraphNode
  public var gained: [PermissionChange]
  public var lost: [PermissionChange]
}

/// Compares what subjects are granted in two snapshots, atom by atom, so that only what the API server would allow
/// differently shows: a role split in two or a binding renamed is no change.
public enum PermissionDiff {
  public static func compare(_ old: Policy, _ new: Policy, catalog: ResourceCatalog = ResourceCatalog()) -> [SubjectChanges] {
    // Both sides are broken into atoms of one vocabulary, each on its own core.
    let vocabulary = AtomVocabulary(catalog: catalog)
    let sides = [old, new].concurrentMap { SubjectPermissions($0, vocabulary: vocabulary) }
    return compare(sides[0], sides[1], words: vocabulary.words)
  }

  static func compare(_ old: SubjectPermissions, _ new: SubjectPermissions, words: Words) -> [SubjectChanges] {
    // Subjects are independent and both sides are only read. The API server allows system:masters everything
    // before RBAC is consulted: a role bound to it changing changes nothing it can do.
    let masters = GraphNode.group(UserInfo.mastersGroup)
    let subjects = Set(old.atoms.keys).union(new.atoms.keys).subtracting([masters]).sortedByName()
    return subjects.concurrentMap { compare($0, old, new, words) }.compactMap { $0 }
  }

  static func compare(_ subject: GraphNode, _ old: SubjectPermissions, _ new: SubjectPermissions, _ words: Words)
    -> SubjectChanges?
  {
    let before = old.atoms[subject] ?? []
    let after = new.atoms[subject] ?? []
    guard before != after else { return nil }
    let gained = minimal(uncovered(after.subtracting(before), by: AtomSet(set: before, words: words)), words)
    let lost = minimal(uncovered(before.subtracting(after), by: AtomSet(set: after, words: words)), words)
    guard !gained.isEmpty || !lost.isEmpty else { return nil }
    var changes = SubjectChanges(subject: subject, gained: [], lost: [])
    if !gained.isEmpty {
      changes.gained = lines(gained, overlapWith: before, rules: new.rules(of: subject), words, evidence: new.evidence)
    }
    if !lost.isEmpty {
      changes.lost = lines(lost, overlapWith: after, rules: old.rules(of: subject), words, evidence: old.evidence)
    }
    return changes
  }

  /// The atoms that no atom of `other` covers: a `get` next to an old `*` is nothing new.
  static func uncovered(_ atoms: Set<InternedAtom>, by other: AtomSet) -> [InternedAtom] {
    other.isEmpty ? Array(atoms) : atoms.filter { !other.covers($0) }
  }

  /// Drops every atom another atom of the set covers: a new `*` on pods says all a new `get` on pods would.
  static func minimal(_ atoms: [InternedAtom], _ words: Words) -> [InternedAtom] {
    let set = AtomSet(atoms, words: words)
    return atoms.filter { !set.covers($0, otherThanItself: true) }
  }

  /// Merges atoms into lines: verbs of the same target and name together, then names (or URLs) of the same verbs
  /// together. Each line carries what of `other` it covers (the overlap) and the rules of `rules` it comes from.
  ///
  /// Evidence is found by exact lookup: a line's atom is an atom of the rule that grants it, since any other atom
  /// of the same snapshot covering it would have made it redundant (``minimal(_:_:)``) or no change at all.
  static func lines(
    _ atoms: [InternedAtom], overlapWith other: Set<InternedAtom>, rules: [GrantedRule] = [], _ words: Words,
    evidence: (GrantedRule) -> Evidence = { _ in preconditionFailure("no rules, no evidence") }
  ) -> [PermissionChange] {
    // Grouped by sorting, not hashing: a diff of two large clusters makes half a million lines.
    // First the verbs of each target (scope, group, resource, URL, name)...
    let sorted = atoms.sorted { a, b in
      (a.namespace.index, a.apiGroup.index, a.resource.index, a.nonResourceURL.index, a.resourceName.index, a.verb.index)
        < (b.namespace.index, b.apiGroup.index, b.resource.index, b.nonResourceURL.index, b.resourceName.index, b.verb.index)
    }
    struct Target {
      var atom: InternedAtom
      var verbs: [Word]
      var atoms: Range<Int>
    }
    var targets: [Target] = []
    var start = 0
    for i in sorted.indices {
      let a = sorted[i]
      guard i + 1 == sorted.count || !a.sameTarget(as: sorted[i + 1]) else { continue }
      targets.append(Target(atom: a, verbs: sorted[start...i].map(\.verb), atoms: start..<(i + 1)))
      start = i + 1
    }
    // ...then the targets that differ only by name (or URL) and have the same verbs, one line.
    let order = targets.indices.sorted { x, y in
      let a = targets[x], b = targets[y]
      if !a.atom.sameLine(as: b.atom) {
        return (a.atom.namespace.index, a.atom.apiGroup.index, a.atom.resource.index, a.atom.isNonResource ? 1 : 0)
          < (b.atom.namespace.index, b.atom.apiGroup.index, b.atom.resource.index, b.atom.isNonResource ? 1 : 0)
      }
      return a.verbs.lexicographicallyPrecedes(b.verbs, by: { $0.index < $1.index })
    }
    var lineOf = [Int](repeating: 0, count: targets.count)
    var members: [[Int]] = []
    for (k, t) in order.enumerated() {
      if k > 0, case let p = order[k - 1], targets[p].atom.sameLine(as: targets[t].atom), targets[p].verbs == targets[t].verbs {
        members[members.count - 1].append(t)
      } else {
        members.append([t])
      }
      lineOf[t] = members.count - 1
    }
    var lineOfAtom: [InternedAtom: Int] = [:]
    lineOfAtom.reserveCapacity(sorted.count)
    for (t, target) in targets.enumerated() { for a in sorted[target.atoms] { lineOfAtom[a] = lineOf[t] } }
    // What each line's atoms are granted by, and what of `other` they cover.
    var granting = [[Int]](repeating: [], count: members.count)
    for (r, rule) in rules.enumerated() {
      for atom in rule.atoms {
        if let l = lineOfAtom[atom], granting[l].last != r { granting[l].append(r) }
      }
    }
    var held = [[InternedAtom]](repeating: [], count: members.count)
    if !other.isEmpty {
      let changed = AtomSet(set: Set(lineOfAtom.keys), words: words)
      // By resource, for the grants that overlap a line without lying inside it.
      var byResource: [Word: [InternedAtom]] = [:]
      for atom in lineOfAtom.keys where !atom.isNonResource { byResource[atom.resource, default: []].append(atom) }
      let wideResources = byResource.keys.filter { $0 == .all || words[$0].hasPrefix("*/") }
      for old in other {
        let inside = changed.atomsCovering(old)
        for atom in inside { held[lineOfAtom[atom]!].append(old) }
        // A grant broader in one respect and narrower in another (get pods cluster-wide, against * pods in ns1)
        // holds part of the line too: that part (get pods in ns1).
        guard !old.isNonResource else { continue }
        let candidates =
          old.resource == .all || words[old.resource].hasPrefix("*/")
          ? Array(lineOfAtom.keys) : (byResource[old.resource] ?? []) + wideResources.flatMap { byResource[$0]! }
        for atom in candidates where !inside.contains(atom) {
          if let part = words.intersection(old, atom), part != atom { held[lineOfAtom[atom]!].append(part) }
        }
      }
    }
    return members.indices.map { l in
      let first = targets[members[l][0]]
      // A binding that names the subject twice grants each rule twice: the same evidence, shown once.
      var grants: [GrantedRule] = []
      for r in granting[l] where !grants.contains(where: { $0.isSameRule(as: rules[r]) }) { grants.append(rules[r]) }
      let namespace = words[first.atom.namespace]
      let covered = Array(Set(held[l]))
      let change = PermissionChange(
        namespace: namespace.isEmpty ? nil : namespace, verbs: first.verbs.map { words[$0] }.sorted(),
        apiGroup: words[first.atom.apiGroup], resource: words[first.atom.resource],
        resourceNames: members[l].compactMap { words.name(targets[$0].atom.resourceName) }.sorted(),
        nonResourceURLs: first.atom.isNonResource ? members[l].map { words[targets[$0].atom.nonResourceURL] }.sorted() : [],
        overlap: covered.isEmpty ? [] : summaries(covered, within: namespace, words),
        evidence: grants.map(evidence))
      let target = change.target
      return (key: [namespace, target, change.summary(target: target)], change: change)
    }.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.change)
  }

  /// Atoms as short lines (`get,list pods`), for the overlap of a change whose scope is `namespace`: a line of
  /// another scope (a namespace's, within a cluster-wide change) says where it holds.
  static func summaries(_ atoms: [InternedAtom], within namespace: String, _ words: Words) -> [String] {
    lines(atoms, overlapWith: [], words).map { line in
      var text = line.verbs.joined(separator: ",") + " " + line.target
      if !line.resourceNames.isEmpty { text += " [" + line.resourceNames.joined(separator: ",") + "]" }
      if (line.namespace ?? "") != namespace { text += " " + line.scope }
      return text
    }
  }

}

/// Evidence already formatted, by binding and rule of one snapshot, and each role's rules written out once: a rule
/// backs many lines (one per resource it names), a binding often names several subjects, many bindings share a
/// role, and subjects are compared on every core at once.
final class EvidenceBook: Sendable {
  private struct Key: Hashable {
    var of: Int
    var rule: Int
  }
  private struct Tables {
    var known: [Key: Evidence] = [:]
    var ruleTexts: [Key: String] = [:]
  }
  private let tables = Mutex(Tables())

  func evidence(of granted: GrantedRule, _ format: (GrantedRule) -> Evidence) -> Evidence {
    remembered(Key(of: granted.binding, rule: granted.rule), in: \.known) { format(granted) }
  }

  func ruleText(role: Int, rule: Int, _ write: () -> String) -> String {
    remembered(Key(of: role, rule: rule), in: \.ruleTexts, write)
  }

  /// Made outside the lock: two cores that race make the same text twice, which is harmless.
  private func remembered<T: Sendable>(_ key: Key, in table: WritableKeyPath<Tables, [Key: T]> & Sendable, _ make: () -> T)
    -> T
  {
    if let found = tables.withLock({ $0[keyPath: table][key] }) { return found }
    let made = make()
    tables.withLock { $0[keyPath: table][key] = made }
    return made
  }
}
