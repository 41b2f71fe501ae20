// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Everything a primitive needs to decide the edges out of one identity: its grants, every binding that applies to
/// it anywhere, and the cluster's facts.
///
/// Permissions are the union over all the identity's bindings (its own and its groups'), as the API server unions
/// them: a `create` from one binding and a `bind` from another combine.
public final class IdentityContext {
  public let node: GraphNode
  public let user: UserInfo
  public let grants: [Grant]
  public let cluster: ClusterIndex
  /// Where the identity can make pods, computed once for the primitives that need it.
  lazy var podMakingScopes: PodMaking = podMaking()
  /// The namespaces whose Pod Security labels the identity may change, computed once.
  lazy var relabelling: (everywhere: Grant?, namespaces: [String: Grant]) = namespaceRelabelling()

  private let givenHeld: [Grant]?

  /// One grant per binding and role the context holds: what a primitive that rewrites held roles looks at.
  func heldRoles() -> [Grant] {
    if let givenHeld { return givenHeld }
    var seen = Set<BindingRef>()
    return allGrants { seen.insert($0.binding).inserted }
  }

  /// Every verb and resource the grants name: most identities name few, and most questions are then answered
  /// "no" without a loop.
  private let verbs: Set<String>
  private let resources: Set<String>

  convenience init(node: GraphNode, user: UserInfo, cluster: ClusterIndex) {
    self.init(node: node, user: user, grants: cluster.policy.allGrants(for: user), cluster: cluster)
  }

  /// A context over given grants: an identity's, or the rules a new binding would give (``GraphNode/roleBound``).
  /// `held`: one grant per binding and role held, when `grants` leave some out (``ClusterIndex/anyRoleGrants``).
  init(node: GraphNode, user: UserInfo, grants: [Grant], cluster: ClusterIndex, held: [Grant]? = nil) {
    self.node = node
    self.givenHeld = held
    self.user = user
    self.cluster = cluster
    self.grants = grants
    var verbs = Set<String>()
    var resources = Set<String>()
    for i in grants.indices {
      verbs.formUnion(grants[i].rule.verbs)
      resources.formUnion(grants[i].rule.resources)
    }
    self.verbs = verbs
    self.resources = resources
  }

  /// False when no grant can allow the verb on the resource; true means "maybe", to be checked rule by rule.
  func mayAllow(_ verb: String, _ resource: String, subresource: String) -> Bool {
    guard verbs.contains(verb) || verbs.contains(Wildcard.all) else { return false }
    if resources.contains(Wildcard.all) { return true }
    if subresource.isEmpty { return resources.contains(resource) }
    return resources.contains(resource + "/" + subresource) || resources.contains("*/" + subresource)
  }

  // The hot loops over the grants go by index and read fields in place: iterating an array of grants, or passing
  // one to a closure, copies it (a dozen retains), which dominated the time of a whole-graph search.

  /// The first grant that satisfies the predicate, without copying the ones that do not.
  @inline(__always)
  public func firstGrant(where predicate: (Grant) -> Bool) -> Grant? {
    for i in grants.indices where predicate(grants[i]) { return grants[i] }
    return nil
  }

  /// Every grant that satisfies the predicate.
  public func allGrants(where predicate: (Grant) -> Bool) -> [Grant] {
    var found: [Grant] = []
    for i in grants.indices where predicate(grants[i]) { found.append(grants[i]) }
    return found
  }

  /// The first grant that allows the request in `namespace` (empty: cluster-wide, so only ClusterRoleBindings).
  public func grant(
    _ verb: String, _ group: String, _ resource: String, subresource: String = "", name: String = "",
    in namespace: String
  ) -> Grant? {
    guard mayAllow(verb, resource, subresource: subresource) else { return nil }
    let request = RequestAttributes.resource(
      verb, group: group, resource, subresource: subresource, name: name, namespace: namespace)
    for i in grants.indices {
      if grants[i].holds(in: namespace) && grants[i].rule.allows(request) { return grants[i] }
    }
    return nil
  }

  /// The first of several verbs that is allowed, with its grant.
  public func anyGrant(
    _ verbs: [String], _ group: String, _ resource: String, subresource: String = "", name: String = "",
    in namespace: String
  ) -> Grant? {
    for verb in verbs {
      if let g = grant(verb, group, resource, subresource: subresource, name: name, in: namespace) { return g }
    }
    return nil
  }

  /// Where a request of this shape is allowed for every name: cluster-wide (a ClusterRoleBinding's rule without
  /// resourceNames), and per namespace (a RoleBinding's). Rules with resourceNames are left to per-name checks.
  public func unrestrictedScopes(_ verbs: [String], _ group: String, _ resource: String, subresource: String = "")
    -> (cluster: Grant?, namespaces: [(namespace: String, grant: Grant)])
  {
    guard verbs.contains(where: { mayAllow($0, resource, subresource: subresource) }) else { return (nil, []) }
    var namespaces: [String: Grant] = [:]
    let combined = subresource.isEmpty ? resource : resource + "/" + subresource
    for i in grants.indices
    where grants[i].rule.resourceNames.isEmpty && verbs.contains(where: grants[i].rule.matchesVerb) {
      guard grants[i].rule.matchesAPIGroup(group), grants[i].rule.matchesResource(combined, subresource: subresource)
      else { continue }
      if grants[i].holdsInEveryNamespace { return (grants[i], []) }
      if namespaces[grants[i].binding.namespace] == nil { namespaces[grants[i].binding.namespace] = grants[i] }
    }
    return (nil, namespaces.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
  }

  /// Whether any grant names this verb on this resource at all: a cheap test before checking names one by one.
  public func mentions(_ verb: String, _ group: String, _ resource: String, subresource: String = "") -> Bool {
    guard mayAllow(verb, resource, subresource: subresource) else { return false }
    let combined = subresource.isEmpty ? resource : resource + "/" + subresource
    for i in grants.indices
    where grants[i].rule.matchesVerb(verb) && grants[i].rule.matchesAPIGroup(group)
      && grants[i].rule.matchesResource(combined, subresource: subresource)
    {
      return true
    }
    return false
  }

  /// The grants whose rule allows one of `verbs` on the resource, whatever their names, in grant order: each one's
  /// scope (a ClusterRoleBinding's everywhere, a RoleBinding's namespace) and resourceNames are the caller's to
  /// read. Primitives start from these rather than from the cluster's objects, so that an identity costs work in
  /// proportion to its own grants.
  public func matching(_ verbs: [String], _ group: String, _ resource: String, subresource: String = "") -> [Grant] {
    guard verbs.contains(where: { mayAllow($0, resource, subresource: subresource) }) else { return [] }
    let combined = subresource.isEmpty ? resource : resource + "/" + subresource
    return allGrants { g in
      verbs.contains(where: g.rule.matchesVerb) && g.rule.matchesAPIGroup(group)
        && g.rule.matchesResource(combined, subresource: subresource)
    }
  }

  /// The namespaces a grant's named objects are looked up in: every namespace holding the name for a
  /// ClusterRoleBinding, the binding's own namespace otherwise.
  func namespaces(of grant: Grant, holding name: String, in index: [String: [String]]) -> [String] {
    let holders = index[name] ?? []
    if grant.holdsInEveryNamespace { return holders }
    return holders.sortedContains(grant.binding.namespace) ? [grant.binding.namespace] : []
  }

  /// Edges for a namespaced power over service accounts by name (TokenRequest, impersonation): to "any account"
  /// where a rule without resourceNames allows it, else to each account its resourceNames allow.
  func accountEdges(_ verb: String, _ resource: String, subresource: String = "", _ primitive: String) -> [Edge] {
    let found = matching([verb], "", resource, subresource: subresource)
    guard !found.isEmpty else { return [] }
    let scopes = unrestrictedScopes([verb], "", resource, subresource: subresource)
    if let grant = scopes.cluster { return [toAccounts(of: nil, primitive, [Evidence(grant)])] }
    var edges = scopes.namespaces.map { toAccounts(of: $0.namespace, primitive, [Evidence($0.grant)]) }
    let covered = Set(scopes.namespaces.map(\.namespace))
    var seen = Set<GraphNode>()
    for grant in found where !grant.rule.resourceNames.isEmpty {
      for name in grant.rule.resourceNames {
        for ns in namespaces(of: grant, holding: name, in: cluster.accountNamespaces) where !covered.contains(ns) {
          let target = GraphNode.serviceAccount(namespace: ns, name: name)
          if target != node && seen.insert(target).inserted { edges.append(edge(to: target, primitive, [Evidence(grant)])) }
        }
      }
    }
    return edges
  }

  /// Where the identity may update or patch a Namespace object, and so lift its Pod Security level: everywhere (a
  /// ClusterRoleBinding without resourceNames), the named namespaces, and the namespace of a RoleBinding, which
  /// covers its own Namespace object (a request on namespace N carries N as its namespace).
  private func namespaceRelabelling() -> (everywhere: Grant?, namespaces: [String: Grant]) {
    var found: [String: Grant] = [:]
    for grant in matching(["update", "patch"], "", "namespaces") {
      if grant.binding.kind == .clusterRoleBinding {
        if grant.rule.resourceNames.isEmpty { return (grant, [:]) }
        for name in grant.rule.resourceNames where found[name] == nil { found[name] = grant }
      } else if grant.binding.namespace != everyNamespace,
        grant.rule.resourceNames.isEmpty || grant.rule.resourceNames.contains(grant.binding.namespace)
      {
        if found[grant.binding.namespace] == nil { found[grant.binding.namespace] = grant }
      }
    }
    return (nil, found)
  }

  /// The evidence that `grant` runs a privileged pod in `ns` (`action` says how): the namespace's Pod Security
  /// level where it admits one, else the grant that lets the identity lift that level; nil when neither holds.
  func privilegedPod(_ grant: Grant, in ns: String, action: String? = nil) -> [Evidence]? {
    let prefix = action.map { $0 + ": " } ?? ""
    if cluster.allowsPrivilegedPods(in: ns) {
      let level = cluster.podSecurity[ns].map { "enforce=\($0)" } ?? "no enforce label"
      return [Evidence(grant, note: prefix + "namespace \(ns) admits privileged pods (\(level))")]
    }
    guard let relabel = relabelling.everywhere ?? relabelling.namespaces[ns] else { return nil }
    return [
      Evidence(grant, note: prefix + "a privileged pod in \(ns) once its Pod Security level is lifted"),
      Evidence(relabel, note: "patch Namespace \(ns) to lift its Pod Security level"),
    ]
  }

  /// Where a power held in every namespace runs a privileged pod: the pool's first namespace that admits one
  /// (`firstAdmitting`), else the first of the pool whose level the identity may lift; nil when there is none.
  func namespaceForPrivilegedPod(firstAdmitting: String?, firstOfPool: String?, inPool: (String) -> Bool) -> String? {
    if let firstAdmitting { return firstAdmitting }
    if relabelling.everywhere != nil { return firstOfPool }
    return relabelling.namespaces.keys.sorted().first(where: inPool)
  }

  /// The edge to "any service account of the namespace", or of every namespace when `namespace` is nil.
  func toAccounts(of namespace: String?, _ primitive: String, _ evidence: [Evidence]) -> Edge {
    edge(to: namespace.map(GraphNode.namespaceAccounts) ?? .everyAccount, primitive, evidence)
  }

  func edge(to target: GraphNode, _ primitive: String, _ evidence: [Evidence]) -> Edge {
    Edge(from: node, to: target, primitive: primitive, evidence: evidence)
  }
}

/// The namespace of the RoleBindings "in every namespace" that a cluster-wide right to write RoleBindings creates:
/// they grant a role's namespaced rules everywhere, and nothing cluster-scoped.
public let everyNamespace = "*"

extension Grant {
  /// Whether the grant holds in every namespace: a ClusterRoleBinding, or RoleBindings in all of them.
  var holdsInEveryNamespace: Bool { binding.kind == .clusterRoleBinding || binding.namespace == everyNamespace }

  /// Whether the grant applies to a request in `namespace` ("" for a cluster-scoped one, which only a
  /// ClusterRoleBinding grants): the one scope rule every primitive checks.
  func holds(in namespace: String) -> Bool {
    binding.kind == .clusterRoleBinding
      || (!namespace.isEmpty && (binding.namespace == namespace || binding.namespace == everyNamespace))
  }
}
