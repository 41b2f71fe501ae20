// rolecall — SPDX-License-Identifier: Apache-2.0

/// The smallest unit a permission diff compares: one verb on one API group, resource and (optional) object name,
/// or one verb on one non-resource URL, in one scope.
///
/// Rules are broken into atoms so that how permissions are packaged (one role or two, one binding or another,
/// a list of verbs or several rules) never shows as a change; only what the API server would allow does. Each
/// field may hold a wildcard or pattern of the RBAC language, and ``covers(_:)`` decides whether one atom allows
/// every request another allows.
public struct PermissionAtom: Sendable, Hashable, Codable {
  /// Where the permission holds: empty for cluster-wide (a ClusterRoleBinding), else the RoleBinding's namespace.
  public let namespace: String
  public let verb: String
  public let apiGroup: String
  /// `resource`, `resource/subresource`, `*` or `*/subresource`; empty for a non-resource URL.
  public let resource: String
  /// One object name, or nil for every name (a rule without resourceNames).
  public let resourceName: String?
  /// A URL path or pattern (`/healthz`, `/api/*`, `*`); empty for a resource permission.
  public let nonResourceURL: String
  /// The fields' hash, computed once: a diff puts each atom in several sets, and hashing six strings each time
  /// was most of its cost.
  private let fieldsHash: Int

  public init(
    namespace: String, verb: String, apiGroup: String = "", resource: String = "", resourceName: String? = nil,
    nonResourceURL: String = ""
  ) {
    self.namespace = namespace
    self.verb = verb
    self.apiGroup = apiGroup
    self.resource = resource
    self.resourceName = resourceName
    self.nonResourceURL = nonResourceURL
    var hasher = Hasher()
    hasher.combine(namespace)
    hasher.combine(verb)
    hasher.combine(apiGroup)
    hasher.combine(resource)
    hasher.combine(resourceName)
    hasher.combine(nonResourceURL)
    fieldsHash = hasher.finalize()
  }

  private enum CodingKeys: String, CodingKey {
    case namespace, verb, apiGroup, resource, resourceName, nonResourceURL
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      namespace: try c.decode(String.self, forKey: .namespace), verb: try c.decode(String.self, forKey: .verb),
      apiGroup: try c.decode(String.self, forKey: .apiGroup), resource: try c.decode(String.self, forKey: .resource),
      resourceName: try c.decodeIfPresent(String.self, forKey: .resourceName),
      nonResourceURL: try c.decode(String.self, forKey: .nonResourceURL))
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(fieldsHash)
  }

  public static func == (a: PermissionAtom, b: PermissionAtom) -> Bool {
    a.fieldsHash == b.fieldsHash && a.verb == b.verb && a.resource == b.resource && a.namespace == b.namespace
      && a.apiGroup == b.apiGroup && a.resourceName == b.resourceName && a.nonResourceURL == b.nonResourceURL
  }

  public var isNonResource: Bool { !nonResourceURL.isEmpty }
}

// MARK: - Breaking rules into atoms

extension PermissionAtom {
  /// The atoms of a rule bound in `namespace` (empty for a ClusterRoleBinding).
  ///
  /// Non-resource URLs are granted only cluster-wide: a non-resource request carries no namespace, so upstream
  /// never consults RoleBindings for it, and the URLs of a rule bound by a RoleBinding grant nothing.
  public static func atoms(of rule: PolicyRule, boundIn namespace: String) -> [PermissionAtom] {
    var atoms: [PermissionAtom] = []
    let names: [String?] = rule.resourceNames.isEmpty ? [nil] : rule.resourceNames.map { $0 }
    for verb in rule.verbs {
      for group in rule.apiGroups {
        for resource in rule.resources {
          for name in names {
            atoms.append(
              PermissionAtom(namespace: namespace, verb: verb, apiGroup: group, resource: resource, resourceName: name))
          }
        }
      }
      guard namespace.isEmpty else { continue }
      for url in rule.nonResourceURLs { atoms.append(PermissionAtom(namespace: "", verb: verb, nonResourceURL: url)) }
    }
    return atoms
  }
}

// MARK: - Covering: does one atom allow every request another allows?

extension PermissionAtom {
  /// Whether every request `other` allows, `self` allows too: the conjunction of the rules below.
  public func covers(_ other: PermissionAtom) -> Bool {
    guard isNonResource == other.isNonResource else { return false }
    guard Self.scopeCovers(namespace, other.namespace), Self.verbCovers(verb, other.verb) else { return false }
    if isNonResource { return Self.nonResourceURLCovers(nonResourceURL, other.nonResourceURL) }
    return Self.apiGroupCovers(apiGroup, other.apiGroup) && Self.resourceCovers(resource, other.resource)
      && Self.resourceNameCovers(resourceName, other.resourceName)
  }

  /// A cluster-wide grant holds in every namespace; a namespace's grant holds only there.
  public static func scopeCovers(_ scope: String, _ other: String) -> Bool {
    scope.isEmpty || scope == other
  }

  /// `*` allows every verb; any other verb only itself.
  public static func verbCovers(_ verb: String, _ other: String) -> Bool {
    verb == Wildcard.all || verb == other
  }

  /// `*` allows every group; any other group only itself.
  public static func apiGroupCovers(_ group: String, _ other: String) -> Bool {
    group == Wildcard.all || group == other
  }

  /// `*` allows every resource and subresource; `*/sub` allows `sub` of every resource (and `*/sub` itself);
  /// anything else only itself: `pods` does not allow `pods/log`, and `pods/*` is a literal upstream.
  public static func resourceCovers(_ resource: String, _ other: String) -> Bool {
    if resource == Wildcard.all || resource == other { return true }
    guard resource.hasPrefix("*/"), let slash = other.firstIndex(of: "/") else { return false }
    return other[other.index(after: slash)...] == resource.dropFirst(2)
  }

  /// No name allows every name; a name allows only itself.
  public static func resourceNameCovers(_ name: String?, _ other: String?) -> Bool {
    guard let name else { return true }
    return name == other
  }

  /// `*` allows every path; `prefix*` every path (or pattern) that starts with the prefix; a path only itself.
  public static func nonResourceURLCovers(_ url: String, _ other: String) -> Bool {
    if url == Wildcard.all || url == other { return true }
    guard url.hasSuffix("*") else { return false }
    var prefix = Substring(url)
    while prefix.last == "*" { prefix = prefix.dropLast() }
    return other.hasPrefix(prefix)
  }
}

/// A set of atoms that answers "does any of them cover this one?" by looking up the few atoms that could, rather
/// than scanning: what covers a resource atom differs from it only by wildcards (`*` namespace-wide scope, verb,
/// group, resource, `*/sub`, every name), so at most a few dozen candidates exist, fewer when the set holds no
/// wildcard of a kind.
public struct AtomSet: Sendable {
  public let atoms: Set<PermissionAtom>
  private let clusterWide: Bool
  private let anyVerb: Bool
  private let anyGroup: Bool
  private let anyResource: Bool
  private let subresourcePatterns: Set<String>
  private let everyName: Bool
  /// Non-resource atoms with a pattern URL (`*`, `/api/*`) or every verb: few, and scanned.
  private let urlPatterns: [PermissionAtom]

  public init<S: Sequence>(_ atoms: S) where S.Element == PermissionAtom {
    self.init(set: Set(atoms))
  }

  /// A set taken as it is (no copy of its storage).
  public init(set: Set<PermissionAtom>) {
    self.atoms = set
    var clusterWide = false, anyVerb = false, anyGroup = false, anyResource = false, everyName = false
    var patterns = Set<String>()
    var urls: [PermissionAtom] = []
    for atom in set {
      if atom.isNonResource {
        if atom.nonResourceURL.hasSuffix(Wildcard.all) || atom.verb == Wildcard.all { urls.append(atom) }
        continue
      }
      clusterWide = clusterWide || atom.namespace.isEmpty
      anyVerb = anyVerb || atom.verb == Wildcard.all
      anyGroup = anyGroup || atom.apiGroup == Wildcard.all
      anyResource = anyResource || atom.resource == Wildcard.all
      everyName = everyName || atom.resourceName == nil
      if atom.resource.hasPrefix("*/") { patterns.insert(atom.resource) }
    }
    (self.clusterWide, self.anyVerb, self.anyGroup, self.anyResource, self.everyName) =
      (clusterWide, anyVerb, anyGroup, anyResource, everyName)
    subresourcePatterns = patterns
    urlPatterns = urls
  }

  public var isEmpty: Bool { atoms.isEmpty }

  /// Whether an atom of the set covers `atom`; with `otherThanItself`, an atom other than `atom` itself.
  public func covers(_ atom: PermissionAtom, otherThanItself: Bool = false) -> Bool {
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
  public func atomsCovering(_ atom: PermissionAtom) -> [PermissionAtom] {
    guard !atoms.isEmpty else { return [] }
    var found: [PermissionAtom] = []
    visitCandidates(of: atom) { candidate in
      if atoms.contains(candidate) { found.append(candidate) }
      return true
    }
    return found
  }

  /// Calls `visit` with every atom that would cover `atom` and could be in the set (URL patterns: those of the
  /// set that do), until it returns false.
  private func visitCandidates(of atom: PermissionAtom, _ visit: (PermissionAtom) -> Bool) {
    if atom.isNonResource {
      guard visit(atom) else { return }
      for pattern in urlPatterns where pattern != atom && pattern.covers(atom) { guard visit(pattern) else { return } }
      return
    }
    let namespaces = clusterWide && !atom.namespace.isEmpty ? [atom.namespace, ""] : [atom.namespace]
    let verbs = anyVerb && atom.verb != Wildcard.all ? [atom.verb, Wildcard.all] : [atom.verb]
    let groups = anyGroup && atom.apiGroup != Wildcard.all ? [atom.apiGroup, Wildcard.all] : [atom.apiGroup]
    var resources = [atom.resource]
    if anyResource && atom.resource != Wildcard.all { resources.append(Wildcard.all) }
    if !atom.resource.hasPrefix("*"), let slash = atom.resource.firstIndex(of: "/") {
      let pattern = "*/" + atom.resource[atom.resource.index(after: slash)...]
      if subresourcePatterns.contains(pattern) { resources.append(pattern) }
    }
    let names: [String?] = everyName && atom.resourceName != nil ? [atom.resourceName, nil] : [atom.resourceName]
    for namespace in namespaces {
      for verb in verbs {
        for group in groups {
          for resource in resources {
            for name in names {
              let candidate = PermissionAtom(
                namespace: namespace, verb: verb, apiGroup: group, resource: resource, resourceName: name)
              guard visit(candidate) else { return }
            }
          }
        }
      }
    }
  }
}
