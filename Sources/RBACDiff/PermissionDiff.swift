// rolecall — SPDX-License-Identifier: Apache-2.0

import Dispatch
import RBACGraph
import RBACModel

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
    var text = verbs.joined(separator: ",") + " " + target
    if !resourceNames.isEmpty { text += " [" + resourceNames.joined(separator: ",") + "]" }
    return text + " " + scope
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
  public static func compare(_ old: Policy, _ new: Policy) -> [SubjectChanges] {
    // Both sides are broken into atoms of one vocabulary, each on its own core.
    let vocabulary = AtomVocabulary()
    var sides = [SubjectPermissions?](repeating: nil, count: 2)
    sides.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: 2) { i in
        slots[i] = SubjectPermissions(i == 0 ? old : new, vocabulary: vocabulary)
      }
    }
    return compare(sides[0]!, sides[1]!, words: vocabulary.words)
  }

  static func compare(_ old: SubjectPermissions, _ new: SubjectPermissions, words: Words) -> [SubjectChanges] {
    let subjects = Set(old.atoms.keys).union(new.atoms.keys).sortedByName()
    var results = [SubjectChanges?](repeating: nil, count: subjects.count)
    let chunks = Swift.min(16, Swift.max(subjects.count, 1))
    results.withUnsafeMutableBufferPointer { buffer in
      // Subjects are independent and both sides are only read: each chunk writes its own slots, on every core.
      // Chunks are runs of neighbours (the accounts of a namespace), which share bindings and roles: each chunk
      // formats a grant's evidence once.
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        var formatted = (old: EvidenceCache(), new: EvidenceCache())
        for i in chunk * subjects.count / chunks..<(chunk + 1) * subjects.count / chunks {
          slots[i] = compare(subjects[i], old, new, words, &formatted)
        }
      }
    }
    return results.compactMap { $0 }
  }

  static func compare(
    _ subject: GraphNode, _ old: SubjectPermissions, _ new: SubjectPermissions, _ words: Words,
    _ formatted: inout (old: EvidenceCache, new: EvidenceCache)
  ) -> SubjectChanges? {
    let before = old.atoms[subject] ?? []
    let after = new.atoms[subject] ?? []
    guard before != after else { return nil }
    let gained = minimal(uncovered(after.subtracting(before), by: AtomSet(set: before, words: words)), words)
    let lost = minimal(uncovered(before.subtracting(after), by: AtomSet(set: after, words: words)), words)
    guard !gained.isEmpty || !lost.isEmpty else { return nil }
    var changes = SubjectChanges(subject: subject, gained: [], lost: [])
    if !gained.isEmpty {
      changes.gained = lines(gained, overlapWith: before, rules: new.rules(of: subject), words) {
        formatted.new.evidence(of: $0, in: new)
      }
    }
    if !lost.isEmpty {
      changes.lost = lines(lost, overlapWith: after, rules: old.rules(of: subject), words) {
        formatted.old.evidence(of: $0, in: old)
      }
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
    struct Target: Hashable {
      var namespace: Word, apiGroup: Word, resource: Word, url: Word, name: Word
    }
    struct Line: Hashable {
      var namespace: Word, apiGroup: Word, resource: Word, isURL: Bool, verbs: [Word]
    }
    let changed = AtomSet(atoms, words: words)
    var grantsOf: [InternedAtom: [Int]] = [:]
    for (r, rule) in rules.enumerated() {
      for atom in rule.atoms where changed.atoms.contains(atom) { grantsOf[atom, default: []].append(r) }
    }
    var overlapOf: [InternedAtom: [InternedAtom]] = [:]
    for old in other {
      for atom in changed.atomsCovering(old) { overlapOf[atom, default: []].append(old) }
    }
    var verbs: [Target: [InternedAtom]] = [:]
    for atom in atoms {
      let key = Target(
        namespace: atom.namespace, apiGroup: atom.apiGroup, resource: atom.resource, url: atom.nonResourceURL,
        name: atom.resourceName)
      verbs[key, default: []].append(atom)
    }
    var names: [Line: [(name: Word, url: Word, atoms: [InternedAtom])]] = [:]
    for (target, group) in verbs {
      let line = Line(
        namespace: target.namespace, apiGroup: target.apiGroup, resource: target.resource,
        isURL: target.url != .empty, verbs: group.map(\.verb).sorted(by: words.precedes))
      names[line, default: []].append((target.name, target.url, group))
    }
    return names.map { line, entries in
      var held = Set<InternedAtom>()
      var granting: [Int] = []
      for entry in entries {
        for atom in entry.atoms {
          if let covered = overlapOf[atom] { held.formUnion(covered) }
          if let rules = grantsOf[atom] { granting += rules }
        }
      }
      // A binding that names the subject twice grants each rule twice: the same evidence, shown once.
      var grants: [GrantedRule] = []
      for r in Set(granting).sorted() where !grants.contains(where: { $0.isSameRule(as: rules[r]) }) {
        grants.append(rules[r])
      }
      let namespace = words[line.namespace]
      let change = PermissionChange(
        namespace: namespace.isEmpty ? nil : namespace, verbs: line.verbs.map { words[$0] },
        apiGroup: words[line.apiGroup], resource: words[line.resource],
        resourceNames: entries.compactMap { words.name($0.name) }.sorted(),
        nonResourceURLs: line.isURL ? entries.map { words[$0.url] }.sorted() : [],
        overlap: held.isEmpty ? [] : summaries(Array(held), within: namespace, words),
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

/// Evidence already formatted, by binding and rule of one snapshot: a rule backs many lines (one per resource it
/// names), and a binding often names several subjects.
struct EvidenceCache {
  private struct Key: Hashable {
    var binding: Int
    var rule: Int
  }
  private var known: [Key: Evidence] = [:]

  mutating func evidence(of granted: GrantedRule, in side: SubjectPermissions) -> Evidence {
    let key = Key(binding: granted.binding, rule: granted.rule)
    if let found = known[key] { return found }
    let made = side.evidence(of: granted)
    known[key] = made
    return made
  }
}
