// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import Synchronization

/// One string of a permission atom (a namespace, verb, API group, resource, object name or URL) as its number in an
/// ``AtomVocabulary``.
struct Word: Hashable, Sendable {
  let index: Int32

  /// The empty string: cluster-wide scope, the core API group, no resource (a URL atom), no URL (a resource atom).
  static let empty = Word(index: 0)
  /// `*`.
  static let all = Word(index: 1)
  /// No resource name: every name.
  static let everyName = Word(index: -1)
}

/// Numbers the strings the atoms of both snapshots of a diff are made of, so that atoms hash, compare and copy as
/// six integers: a diff of two large clusters puts millions of atoms in sets, and with strings most of its time
/// went to hashing, comparing and reference counting them.
///
/// Both sides of a diff are broken into atoms at once, so words are added from two threads; the diff then reads a
/// frozen copy (``words``) with no lock.
final class AtomVocabulary: Sendable {
  /// Which resources are cluster-scoped, which a RoleBinding's rule never grants.
  private let catalog: ResourceCatalog
  private let state: Mutex<Numbering>

  init(catalog: ResourceCatalog = ResourceCatalog()) {
    self.catalog = catalog
    var numbering = Numbering()
    for text in ["", Wildcard.all] { _ = numbering.add(text) }
    state = Mutex(numbering)
  }

  /// The words of one role's rules, numbered in one turn of the lock.
  func intern(_ rules: [PolicyRule]) -> [InternedRule] {
    let catalog = self.catalog
    return state.withLock { n in
      rules.map { rule in
        InternedRule(
          verbs: rule.verbs.map { n.add($0) }, apiGroups: rule.apiGroups.map { n.add($0) },
          resources: rule.resources.map { n.addResource($0) }, resourceNames: rule.resourceNames.map { n.add($0) },
          nonResourceURLs: rule.nonResourceURLs.map { n.add($0) },
          clusterOnly: rule.apiGroups.flatMap { group in
            rule.resources.map { catalog.isClusterScoped(group: group, resource: $0) }
          })
      }
    }
  }

  func intern(_ text: String) -> Word { state.withLock { $0.add(text) } }

  /// The atom of `atom`'s strings, numbering any new one.
  func intern(_ atom: PermissionAtom) -> InternedAtom {
    state.withLock { n in
      InternedAtom(
        namespace: n.add(atom.namespace), verb: n.add(atom.verb), apiGroup: n.add(atom.apiGroup),
        resource: n.addResource(atom.resource), resourceName: atom.resourceName.map { n.add($0) } ?? .everyName,
        nonResourceURL: n.add(atom.nonResourceURL))
    }
  }

  /// Every word numbered so far, to read without the lock once no more are added.
  var words: Words { state.withLock { $0.table } }

  /// The words and their numbers, changed only under the lock.
  private struct Numbering: Sendable {
    var table = Words()
    var numbers: [String: Word] = [:]

    mutating func add(_ text: String) -> Word {
      if let known = numbers[text] { return known }
      let word = Word(index: Int32(table.strings.count))
      numbers[text] = word
      table.strings.append(text)
      table.subresourcePattern.append(nil)
      return word
    }

    /// A resource, and for `resource/sub` the pattern `*/sub` that would cover it: the lookup of what covers an
    /// atom then never builds a string.
    mutating func addResource(_ resource: String) -> Word {
      let word = add(resource)
      if !resource.hasPrefix(Wildcard.all), let slash = resource.firstIndex(of: "/") {
        let pattern = add(Wildcard.all + resource[slash...])
        table.subresourcePattern[Int(word.index)] = pattern
      }
      return word
    }
  }
}

/// The strings of an ``AtomVocabulary``, by number.
struct Words: Sendable {
  fileprivate(set) var strings: [String] = []
  /// Per word of a resource `resource/sub`, the word of the pattern `*/sub`.
  fileprivate(set) var subresourcePattern: [Word?] = []

  subscript(word: Word) -> String { strings[Int(word.index)] }

  func name(_ word: Word) -> String? { word == .everyName ? nil : self[word] }

  /// What two resource atoms both allow, or nil when nothing: per field, the narrower of the two, where one is the
  /// other or covers it (`""` every namespace, `*` every verb, group or resource, `*/sub` every resource's sub, no
  /// name every name).
  func intersection(_ a: InternedAtom, _ b: InternedAtom) -> InternedAtom? {
    guard !a.isNonResource && !b.isNonResource else { return a == b ? a : nil }
    func narrower(_ x: Word, _ y: Word, wide: Word) -> Word? { x == y ? x : x == wide ? y : y == wide ? x : nil }
    func resource(_ x: Word, _ y: Word) -> Word? {
      if let r = narrower(x, y, wide: .all) { return r }
      if subresourcePattern[Int(x.index)] == y { return x }
      if subresourcePattern[Int(y.index)] == x { return y }
      return nil
    }
    guard let namespace = narrower(a.namespace, b.namespace, wide: .empty),
      let verb = narrower(a.verb, b.verb, wide: .all), let group = narrower(a.apiGroup, b.apiGroup, wide: .all),
      let res = resource(a.resource, b.resource), let name = narrower(a.resourceName, b.resourceName, wide: .everyName)
    else { return nil }
    return InternedAtom(
      namespace: namespace, verb: verb, apiGroup: group, resource: res, resourceName: name, nonResourceURL: .empty)
  }

  /// The atom as strings: what the covering rules of ``PermissionAtom`` are written for.
  func atom(_ atom: InternedAtom) -> PermissionAtom {
    PermissionAtom(
      namespace: self[atom.namespace], verb: self[atom.verb], apiGroup: self[atom.apiGroup],
      resource: self[atom.resource], resourceName: name(atom.resourceName),
      nonResourceURL: self[atom.nonResourceURL])
  }
}

/// A ``PolicyRule`` in words.
struct InternedRule: Sendable {
  var verbs: [Word]
  var apiGroups: [Word]
  var resources: [Word]
  var resourceNames: [Word]
  var nonResourceURLs: [Word]
  /// Per (API group, resource) pair, groups major: whether the resource is cluster-scoped.
  var clusterOnly: [Bool]

  /// The atoms of the rule bound in `namespace` (``Word/empty`` for a ClusterRoleBinding).
  ///
  /// Non-resource URLs and cluster-scoped resources are granted only cluster-wide: such a request carries no
  /// namespace, so upstream never consults RoleBindings for it, and a RoleBinding's rule grants nothing of them.
  func atoms(boundIn namespace: Word) -> [InternedAtom] {
    var atoms: [InternedAtom] = []
    let names = resourceNames.isEmpty ? [Word.everyName] : resourceNames
    for verb in verbs {
      for (g, group) in apiGroups.enumerated() {
        for (r, resource) in resources.enumerated() where namespace == .empty || !clusterOnly[g * resources.count + r] {
          for name in names {
            atoms.append(
              InternedAtom(
                namespace: namespace, verb: verb, apiGroup: group, resource: resource, resourceName: name,
                nonResourceURL: .empty))
          }
        }
      }
      guard namespace == .empty else { continue }
      for url in nonResourceURLs {
        atoms.append(
          InternedAtom(
            namespace: .empty, verb: verb, apiGroup: .empty, resource: .empty, resourceName: .everyName,
            nonResourceURL: url))
      }
    }
    return atoms
  }
}

/// A ``PermissionAtom`` in words.
struct InternedAtom: Hashable, Sendable {
  var namespace: Word
  var verb: Word
  var apiGroup: Word
  var resource: Word
  var resourceName: Word
  var nonResourceURL: Word

  var isNonResource: Bool { nonResourceURL != .empty }

  /// Whether both name the same thing in the same scope (every field but the verb).
  func sameTarget(as other: InternedAtom) -> Bool {
    namespace == other.namespace && apiGroup == other.apiGroup && resource == other.resource
      && resourceName == other.resourceName && nonResourceURL == other.nonResourceURL
  }

  /// Whether both may share a line of a diff: the same scope, group and resource, or both URLs.
  func sameLine(as other: InternedAtom) -> Bool {
    namespace == other.namespace && apiGroup == other.apiGroup && resource == other.resource
      && isNonResource == other.isNonResource
  }

  func hash(into hasher: inout Hasher) {
    // Three 64-bit values hash faster than six 32-bit ones.
    func pair(_ a: Word, _ b: Word) -> UInt64 {
      UInt64(UInt32(bitPattern: a.index)) << 32 | UInt64(UInt32(bitPattern: b.index))
    }
    hasher.combine(pair(namespace, verb))
    hasher.combine(pair(apiGroup, resource))
    hasher.combine(pair(resourceName, nonResourceURL))
  }
}

/// A set of atoms that answers "does any of them cover this one?" by looking up the few atoms that could, rather
/// than scanning: what covers a resource atom differs from it only by wildcards (`*` namespace-wide scope, verb,
/// group, resource, `*/sub`, every name), so at most a few dozen candidates exist, fewer when the set holds no
/// wildcard of a kind. Covering itself is decided by ``PermissionAtom/covers(_:)``'s rules; this only finds
/// where to look.
struct AtomSet {
  let atoms: Set<InternedAtom>
  private let words: Words
  private let clusterWide: Bool
  private let anyVerb: Bool
  private let anyGroup: Bool
  private let anyResource: Bool
  private let subresourcePatterns: Set<Word>
  private let everyName: Bool
  /// Non-resource atoms with a pattern URL (`*`, `/api/*`) or every verb: few, and scanned.
  private let urlPatterns: [InternedAtom]

  init<S: Sequence>(_ atoms: S, words: Words) where S.Element == InternedAtom {
    self.init(set: Set(atoms), words: words)
  }

  /// A set taken as it is (no copy of its storage).
  init(set: Set<InternedAtom>, words: Words) {
    self.atoms = set
    self.words = words
    var clusterWide = false, anyVerb = false, anyGroup = false, anyResource = false, everyName = false
    var patterns = Set<Word>()
    var urls: [InternedAtom] = []
    for atom in set {
      if atom.isNonResource {
        if words[atom.nonResourceURL].hasSuffix(Wildcard.all) || atom.verb == .all { urls.append(atom) }
        continue
      }
      clusterWide = clusterWide || atom.namespace == .empty
      anyVerb = anyVerb || atom.verb == .all
      anyGroup = anyGroup || atom.apiGroup == .all
      anyResource = anyResource || atom.resource == .all
      everyName = everyName || atom.resourceName == .everyName
      if words[atom.resource].hasPrefix("*/") { patterns.insert(atom.resource) }
    }
    (self.clusterWide, self.anyVerb, self.anyGroup, self.anyResource, self.everyName) =
      (clusterWide, anyVerb, anyGroup, anyResource, everyName)
    subresourcePatterns = patterns
    urlPatterns = urls
  }

  var isEmpty: Bool { atoms.isEmpty }

  /// Whether an atom of the set covers `atom`; with `otherThanItself`, an atom other than `atom` itself.
  func covers(_ atom: InternedAtom, otherThanItself: Bool = false) -> Bool {
    guard !atoms.isEmpty else { return false }
    var found = false
    visitCandidates(of: atom) { candidate in
      guard !(otherThanItself && candidate == atom), atoms.contains(candidate) else { return true }
      found = true
      return false
    }
    return found
  }

  /// Every atom of the set that covers `atom`, itself included.
  func atomsCovering(_ atom: InternedAtom) -> [InternedAtom] {
    guard !atoms.isEmpty else { return [] }
    var found: [InternedAtom] = []
    visitCandidates(of: atom) { candidate in
      if atoms.contains(candidate) { found.append(candidate) }
      return true
    }
    return found
  }

  /// Calls `visit` with every atom that would cover `atom` and could be in the set (URL patterns: those of the
  /// set that do), until it returns false.
  private func visitCandidates(of atom: InternedAtom, _ visit: (InternedAtom) -> Bool) {
    if atom.isNonResource {
      guard visit(atom) else { return }
      let url = words[atom.nonResourceURL]
      for pattern in urlPatterns where pattern != atom {
        guard PermissionAtom.verbCovers(words[pattern.verb], words[atom.verb]),
          PolicyRule.nonResourceURL(words[pattern.nonResourceURL], matches: url)
        else { continue }
        guard visit(pattern) else { return }
      }
      return
    }
    let namespaces = Choices(atom.namespace, clusterWide && atom.namespace != .empty ? .empty : nil)
    let verbs = Choices(atom.verb, anyVerb && atom.verb != .all ? .all : nil)
    let groups = Choices(atom.apiGroup, anyGroup && atom.apiGroup != .all ? .all : nil)
    let pattern = words.subresourcePattern[Int(atom.resource.index)].flatMap { subresourcePatterns.contains($0) ? $0 : nil }
    let resources = Choices(atom.resource, anyResource && atom.resource != .all ? .all : nil, pattern)
    let names = Choices(atom.resourceName, everyName && atom.resourceName != .everyName ? .everyName : nil)
    for namespace in namespaces {
      for verb in verbs {
        for group in groups {
          for resource in resources {
            for name in names {
              let candidate = InternedAtom(
                namespace: namespace, verb: verb, apiGroup: group, resource: resource, resourceName: name,
                nonResourceURL: .empty)
              guard visit(candidate) else { return }
            }
          }
        }
      }
    }
  }
}

/// Up to three alternatives of one field, without allocating.
private struct Choices: Sequence, IteratorProtocol {
  private var pending: (Word?, Word?, Word?)

  init(_ first: Word, _ second: Word?, _ third: Word? = nil) { pending = (first, second, third) }

  mutating func next() -> Word? {
    while pending.0 != nil || pending.1 != nil || pending.2 != nil {
      let head = pending.0
      pending = (pending.1, pending.2, nil)
      if let head { return head }
    }
    return nil
  }
}
