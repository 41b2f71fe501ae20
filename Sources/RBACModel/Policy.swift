// rolecall — SPDX-License-Identifier: Apache-2.0

/// The RBAC objects of one snapshot, with every binding's role resolved and subjects indexed for evaluation.
///
/// Building a `Policy` does the work that requests would otherwise repeat: aggregated ClusterRoles must already be
/// resolved (``Aggregation``), each binding's `roleRef` is looked up once, and each binding subject is indexed by the
/// username or group it matches, so that a request visits only the bindings that name its identity.
public struct Policy: Sendable {
  /// A binding with its role resolved.
  public struct Bound: Sendable {
    public var ref: BindingRef
    public var role: RoleKey
    /// False when the referenced role does not exist (a dangling binding), or a ClusterRoleBinding names a Role.
    public var roleFound: Bool
    public var rules: [PolicyRule]
    /// Per rule, the ClusterRole an aggregated rule came from; empty when the role is not aggregated.
    public var ruleOrigins: [String]
    public var subjects: [Subject]

    public func grant(subject: Int, rule: Int) -> Grant {
      var matched = subjects[subject]
      if matched.kind == .serviceAccount && matched.namespace.isEmpty { matched.namespace = ref.namespace }
      return Grant(
        binding: ref, role: role, subject: matched, ruleIndex: rule, rule: rules[rule],
        aggregatedFrom: ruleOrigins.isEmpty ? nil : ruleOrigins[rule])
    }
  }

  /// Where a subject sits: which binding, which entry of its `subjects`.
  struct Site: Sendable {
    var binding: Int
    var subject: Int
  }

  public let clusterRoles: [String: ClusterRole]
  public let roles: [String: [String: Role]]
  public let clusterRoleBindings: [Bound]
  public let roleBindings: [String: [Bound]]
  let clusterIndex: [SubjectKey: [Site]]
  let namespaceIndex: [String: [SubjectKey: [Site]]]
  /// Every RoleBinding subject by key, across namespaces: "everywhere this identity is bound" without visiting
  /// every namespace.
  let roleBindingIndex: [SubjectKey: [(namespace: String, site: Site)]]

  /// - Parameter clusterRoles: ClusterRoles with aggregation already resolved.
  public init(
    clusterRoles: [ClusterRole], roles: [Role], clusterRoleBindings: [ClusterRoleBinding],
    roleBindings: [RoleBinding]
  ) {
    var clusterRoleMap: [String: ClusterRole] = [:]
    for role in clusterRoles { clusterRoleMap[role.name] = role }
    var roleMap: [String: [String: Role]] = [:]
    for role in roles { roleMap[role.namespace, default: [:]][role.name] = role }

    func bound(_ ref: BindingRef, _ roleRef: RoleRef, _ subjects: [Subject]) -> Bound {
      switch roleRef.kind {
      case .clusterRole:
        let role = clusterRoleMap[roleRef.name]
        return Bound(
          ref: ref, role: RoleKey(kind: .clusterRole, name: roleRef.name), roleFound: role != nil,
          rules: role?.rules ?? [], ruleOrigins: role?.ruleOrigins ?? [], subjects: subjects)
      case .role:
        // Upstream looks the Role up in the binding's namespace; a ClusterRoleBinding has none, so it finds nothing.
        let role = roleMap[ref.namespace]?[roleRef.name]
        return Bound(
          ref: ref, role: RoleKey(kind: .role, namespace: ref.namespace, name: roleRef.name),
          roleFound: role != nil, rules: role?.rules ?? [], ruleOrigins: [], subjects: subjects)
      }
    }

    var crbs: [Bound] = []
    var clusterIndex: [SubjectKey: [Site]] = [:]
    for binding in clusterRoleBindings {
      let entry = bound(BindingRef(kind: .clusterRoleBinding, name: binding.name), binding.roleRef, binding.subjects)
      for (s, subject) in binding.subjects.enumerated() {
        guard let key = subject.matchKey(bindingNamespace: "") else { continue }
        clusterIndex[key, default: []].append(Site(binding: crbs.count, subject: s))
      }
      crbs.append(entry)
    }
    var rbs: [String: [Bound]] = [:]
    var namespaceIndex: [String: [SubjectKey: [Site]]] = [:]
    var roleBindingIndex: [SubjectKey: [(namespace: String, site: Site)]] = [:]
    roleBindingIndex.reserveCapacity(roleBindings.reduce(0) { $0 + $1.subjects.count })
    // A namespace's bindings usually come together (the store reads them by namespace), so each run of one
    // namespace is indexed in tables of its own and stored with one lookup, not two per subject.
    var start = roleBindings.startIndex
    while start < roleBindings.endIndex {
      let ns = roleBindings[start].namespace
      var end = start + 1
      while end < roleBindings.endIndex && roleBindings[end].namespace == ns { end += 1 }
      var bounds = rbs.removeValue(forKey: ns) ?? []
      var index = namespaceIndex.removeValue(forKey: ns) ?? [:]
      for binding in roleBindings[start..<end] {
        let position = bounds.count
        for (s, subject) in binding.subjects.enumerated() {
          guard let key = subject.matchKey(bindingNamespace: ns) else { continue }
          let site = Site(binding: position, subject: s)
          index[key, default: []].append(site)
          roleBindingIndex[key, default: []].append((ns, site))
        }
        bounds.append(bound(BindingRef(kind: .roleBinding, namespace: ns, name: binding.name), binding.roleRef, binding.subjects))
      }
      rbs[ns] = bounds
      if !index.isEmpty { namespaceIndex[ns] = index }
      start = end
    }
    self.clusterRoles = clusterRoleMap
    self.roles = roleMap
    self.clusterRoleBindings = crbs
    self.roleBindings = rbs
    self.clusterIndex = clusterIndex
    self.namespaceIndex = namespaceIndex
    self.roleBindingIndex = roleBindingIndex
  }

  // MARK: - Visiting the rules that apply to an identity (upstream VisitRulesFor)

  /// Calls `visit` with every binding that applies to `user` and the subject through which it applies:
  /// ClusterRoleBindings first, then the RoleBindings of `namespace` (none when it is empty). Stops when `visit`
  /// returns false.
  func visitBindings(for user: UserInfo, namespace: String, _ visit: (Bound, Int) -> Bool) {
    // This is the hot path of batch evaluation: look keys up one by one rather than building a key list.
    func each(_ index: [SubjectKey: [Site]], _ bindings: [Bound]) -> Bool {
      for site in index[.user(user.name)] ?? [] where !visit(bindings[site.binding], site.subject) { return false }
      for group in user.groups {
        for site in index[.group(group)] ?? [] where !visit(bindings[site.binding], site.subject) { return false }
      }
      return true
    }
    guard each(clusterIndex, clusterRoleBindings) else { return }
    guard !namespace.isEmpty, let index = namespaceIndex[namespace], let bindings = roleBindings[namespace] else {
      return
    }
    _ = each(index, bindings)
  }

  /// Every rule that applies to `user` in `namespace`, each with its provenance, without duplicates
  /// (a binding naming the user twice, or as user and group, contributes its rules once).
  public func grants(for user: UserInfo, namespace: String) -> [Grant] {
    var seen = Set<BindingRef>()
    var grants: [Grant] = []
    visitBindings(for: user, namespace: namespace) { bound, subject in
      if seen.insert(bound.ref).inserted {
        for r in bound.rules.indices { grants.append(bound.grant(subject: subject, rule: r)) }
      }
      return true
    }
    return grants
  }

  /// Every binding anywhere that applies to the identity: ClusterRoleBindings and the RoleBindings of every
  /// namespace, as grants of each rule.
  public func allGrants(for user: UserInfo) -> [Grant] {
    var grants = self.grants(for: user, namespace: "")
    var sites: [(namespace: String, site: Site)] = roleBindingIndex[.user(user.name)] ?? []
    for group in user.groups { sites += roleBindingIndex[.group(group)] ?? [] }
    var seen = Set<BindingRef>()
    for (ns, site) in sites.sorted(by: { ($0.namespace, $0.site.binding) < ($1.namespace, $1.site.binding) }) {
      let bound = roleBindings[ns]![site.binding]
      guard seen.insert(bound.ref).inserted else { continue }
      for r in bound.rules.indices { grants.append(bound.grant(subject: site.subject, rule: r)) }
    }
    return grants
  }
}

extension Policy {
  /// The bindings that apply to the identity in `namespace` (ClusterRoleBindings and that namespace's
  /// RoleBindings), each once.
  public func bindings(for user: UserInfo, namespace: String) -> [BindingRef] {
    var seen = Set<BindingRef>()
    var refs: [BindingRef] = []
    visitBindings(for: user, namespace: namespace) { bound, _ in
      if seen.insert(bound.ref).inserted { refs.append(bound.ref) }
      return true
    }
    return refs
  }
}
