// rolecall — SPDX-License-Identifier: Apache-2.0

import Parallel
import RBACModel

/// The snapshot's facts that primitives look up, indexed once per graph: which service accounts exist where, which
/// run pods, which own token secrets, which users and groups bindings name, and each namespace's Pod Security level.
public struct ClusterIndex: Sendable {
  public let policy: Policy
  public let namespaces: [String]
  public let serviceAccounts: [String: [String]]
  public let workloads: [String: [Workload]]
  /// Per namespace, service account → the token secrets that hold its long-lived token.
  public let tokenSecrets: [String: [String: [String]]]
  public let users: Set<String>
  public let groups: Set<String>
  public let awsAuth: [AWSAuthMapping]
  /// Per namespace, the `pod-security.kubernetes.io/enforce` label (absent means the cluster default, privileged).
  public let podSecurity: [String: String]
  /// ClusterRoles with a rule that allows every verb on every resource of every group.
  public let adminClusterRoles: [String]
  /// ClusterRoles whose rules could give an escalation edge (``grantsPower(_:)``): what `bind` may lead to.
  public let powerfulClusterRoles: Set<String>
  /// Per namespace, its Roles that pass the same test.
  public let powerfulRoles: [String: Set<String>]
  /// The rules of ``powerfulClusterRoles`` that no other of their rules covers (``PolicyRule/covers(_:)``), by
  /// role name and rule index: all those roles bound at once in a namespace can do what these rules can. A bind on
  /// every ClusterRole, held in each of thousands of namespaces, then costs the few rules that matter in each (on a
  /// real cluster, cluster-admin's one rule covers nearly all), not every rule of every role.
  public let uncoveredClusterRoleRules: [(role: String, rule: Int)]
  /// Per Role name, the namespaces that hold a Role of that name.
  public let roleNamespaces: [String: [String]]
  /// ClusterRoleBindings by name, and per RoleBinding name the namespaces that hold one: what an update limited by
  /// resourceNames may change.
  let clusterBindingsByName: [String: [Policy.Bound]]
  let roleBindingNamespaces: [String: [String]]
  /// Per service account username, whether it mounts tokens by default (nil when unknown).
  let automount: [String: Bool]

  // Lookups by name, so that a rule's resourceNames find their objects directly and a grant in one namespace costs
  // work in that namespace only: no primitive walks every namespace, pod or secret for every identity.

  /// Per namespace, its Pods by name (controllers' pods have generated names that no rule names in advance).
  public let pods: [String: [String: Workload]]
  /// Per Pod name, the namespaces that hold a Pod of that name: where a cluster-wide rule's resourceNames lead.
  public let podNamespaces: [String: [String]]
  /// Per kind, per object name, the namespaces that hold one (Deployment "api" in ns1 and ns2).
  public let workloadNamespaces: [String: [String: [String]]]
  /// Per kind, the namespaces that hold at least one object of it, sorted.
  public let namespacesWithKind: [String: [String]]
  /// Per namespace, token Secret name → the service account whose token it holds.
  public let tokenOwners: [String: [String: String]]
  /// Per token Secret name, the namespaces that hold a token Secret of that name.
  public let tokenNamespaces: [String: [String]]
  /// Per Secret name (of any type), the namespaces that hold a Secret of that name, sorted.
  public let secretNamespaces: [String: [String]]
  /// Per service account name, the namespaces that hold an account of that name.
  public let accountNamespaces: [String: [String]]
  /// The first namespace that runs pods and admits privileged ones: where a cluster-wide power over pods reaches
  /// the node.
  public let privilegedWorkloadNamespace: String?
  /// The first namespace that admits privileged pods: where a cluster-wide power to make pods reaches the node.
  public let privilegedNamespace: String?

  public init(policy: Policy, objects: ClusterObjects) {
    // What only the roles and bindings decide is indexed on another core meanwhile.
    let (roles, facts) = inParallel({ RoleFacts(policy) }, while: { ObjectFacts(objects) })
    self.init(policy: policy, objectFacts: facts, roleFacts: roles)
  }

  /// The index over facts indexed beforehand: a caller that reads the objects and the policy on two cores indexes
  /// each side as soon as it is read.
  public init(policy: Policy, objectFacts facts: ObjectFacts, roleFacts roles: RoleFacts) {
    self.policy = policy
    var accounts = facts.accounts
    var namespaces = facts.namespaces
    namespaces.formUnion(policy.roleBindings.keys)
    // A binding may name an account the dump does not hold (a partial export, or one not created yet: whoever may
    // create it inherits the binding), so bound accounts are identities too.
    for (ns, names) in roles.boundAccounts { accounts[ns, default: []].formUnion(names) }
    let users = facts.users.union(roles.boundUsers)
    var groups = facts.groups.union(roles.boundGroups)
    groups.insert(UserInfo.mastersGroup)
    namespaces.formUnion(accounts.keys)
    self.namespaces = namespaces.sorted()
    self.serviceAccounts = accounts.mapValues { $0.sorted() }
    self.users = users
    self.groups = groups
    self.accountNamespaces = Self.namespacesByName(serviceAccounts)
    self.workloads = facts.workloads
    self.tokenSecrets = facts.tokenSecrets
    self.awsAuth = facts.awsAuth
    self.podSecurity = facts.podSecurity
    self.automount = facts.automount
    self.pods = facts.pods
    self.podNamespaces = facts.podNamespaces
    self.workloadNamespaces = facts.workloadNamespaces
    self.namespacesWithKind = facts.namespacesWithKind
    self.tokenOwners = facts.tokenOwners
    self.tokenNamespaces = facts.tokenNamespaces
    self.secretNamespaces = facts.secretNamespaces
    self.privilegedWorkloadNamespace = facts.privilegedWorkloadNamespace
    self.privilegedNamespace = self.namespaces.first { Self.admitsPrivileged(facts.podSecurity[$0]) }
    self.adminClusterRoles = roles.adminClusterRoles
    self.roleNamespaces = roles.roleNamespaces
    self.clusterBindingsByName = roles.clusterBindingsByName
    self.roleBindingNamespaces = roles.roleBindingNamespaces
    self.powerfulClusterRoles = roles.powerfulClusterRoles
    self.powerfulRoles = roles.powerfulRoles
    self.uncoveredClusterRoleRules = roles.uncoveredClusterRoleRules
  }

  /// The indexes that only the objects besides roles and bindings decide: workloads, token secrets, accounts,
  /// namespaces and aws-auth. Built from two halves that a loader may build on two cores as each is read: the
  /// workloads (50,000 pods on a large cluster) and everything else.
  public struct ObjectFacts: Sendable {
    var accounts: [String: Set<String>]
    var automount: [String: Bool]
    var users: Set<String>
    var groups: Set<String>
    var namespaces: Set<String>
    var workloads: [String: [Workload]]
    var tokenSecrets: [String: [String: [String]]]
    var awsAuth: [AWSAuthMapping]
    var podSecurity: [String: String]
    var pods: [String: [String: Workload]]
    var podNamespaces: [String: [String]]
    var workloadNamespaces: [String: [String: [String]]]
    var namespacesWithKind: [String: [String]]
    var tokenOwners: [String: [String: String]]
    var tokenNamespaces: [String: [String]]
    var secretNamespaces: [String: [String]]
    var privilegedWorkloadNamespace: String?

    public init(_ objects: ClusterObjects) {
      self.init(workloads: WorkloadFacts(objects.workloads), others: OtherObjectFacts(objects))
    }

    public init(workloads: WorkloadFacts, others: OtherObjectFacts) {
      accounts = others.accounts
      // Every account a workload runs as is an identity, whether or not the dump holds its ServiceAccount.
      for (ns, names) in workloads.accounts { accounts[ns, default: []].formUnion(names) }
      automount = others.automount
      users = others.users
      groups = others.groups
      namespaces = others.namespaces.union(workloads.workloads.keys)
      self.workloads = workloads.workloads
      tokenSecrets = others.tokenSecrets
      awsAuth = others.awsAuth
      podSecurity = others.podSecurity
      pods = workloads.pods
      podNamespaces = workloads.podNamespaces
      workloadNamespaces = workloads.workloadNamespaces
      namespacesWithKind = workloads.namespacesWithKind
      tokenOwners = others.tokenOwners
      tokenNamespaces = others.tokenNamespaces
      secretNamespaces = others.secretNamespaces
      let podSecurity = others.podSecurity
      privilegedWorkloadNamespace = workloads.workloads.keys.sorted().first {
        ClusterIndex.admitsPrivileged(podSecurity[$0])
      }
    }
  }

  /// The indexes of the workloads: by namespace, pods by name, and where each name of each kind is held.
  public struct WorkloadFacts: Sendable {
    var accounts: [String: Set<String>] = [:]
    var workloads: [String: [Workload]] = [:]
    var pods: [String: [String: Workload]] = [:]
    var podNamespaces: [String: [String]]
    var workloadNamespaces: [String: [String: [String]]]
    var namespacesWithKind: [String: [String]]

    /// - Parameter all: the workloads, in runs of one namespace (the store returns them by kind, then namespace;
    ///   an ingest, as read): each run is indexed at once, and a namespace met again adds to what it has.
    public init(_ all: [Workload]) {
      // Each run of one namespace is indexed with one lookup of each per-namespace table, not one per workload.
      // Names are listed per kind as their namespaces come (sorted, from the store), sorted only where they are
      // not: a set per name would cost one allocation for each of 50,000 pods.
      var byKind: [String: [String: [String]]] = [:]
      var kindNamespaces: [String: [String]] = [:]
      var podNamespaceLists: [String: [String]] = [:]
      var start = 0
      while start < all.count {
        let ns = all[start].namespace
        var end = start
        while end < all.count && all[end].namespace == ns { end += 1 }
        var here = accounts[ns] ?? []
        var podsHere = pods[ns] ?? [:]
        var kindsHere = Set<String>()
        for w in all[start..<end] {
          here.insert(w.serviceAccount)
          if w.kind == "Pod" {
            if podsHere.updateValue(w, forKey: w.name) == nil { podNamespaceLists[w.name, default: []].append(ns) }
          }
          byKind[w.kind, default: [:]][w.name, default: []].append(ns)
          kindsHere.insert(w.kind)
        }
        for kind in kindsHere { kindNamespaces[kind, default: []].append(ns) }
        accounts[ns] = here
        if !podsHere.isEmpty { pods[ns] = podsHere }
        workloads[ns, default: []] += all[start..<end]
        start = end
      }
      // Each namespace's workloads in one order, the store's (kind, then name), whatever order they were read in:
      // the evidence of an edge names the first workload that gives it, and the steps stored at ingest must name
      // the ones a graph loaded from the store names.
      for i in workloads.values.indices {
        let list = workloads.values[i]
        if zip(list, list.dropFirst()).contains(where: { ($0.kind, $0.name) >= ($1.kind, $1.name) }) {
          workloads.values[i].sort { ($0.kind, $0.name) < ($1.kind, $1.name) }
        }
      }
      podNamespaces = podNamespaceLists.mapValues { $0.count > 1 ? $0.sorted() : $0 }
      workloadNamespaces = byKind.mapValues { names in
        names.mapValues { $0.isStrictlyAscending ? $0 : Array(Set($0)).sorted() }
      }
      namespacesWithKind = kindNamespaces.mapValues { $0.isStrictlyAscending ? $0 : Array(Set($0)).sorted() }
    }
  }

  /// The indexes of service accounts, namespaces, secrets and aws-auth (``ClusterObjects/workloads`` is not read).
  public struct OtherObjectFacts: Sendable {
    var accounts: [String: Set<String>] = [:]
    var automount: [String: Bool] = [:]
    var users = Set<String>()
    var groups = Set<String>()
    var namespaces: Set<String>
    var tokenSecrets: [String: [String: [String]]] = [:]
    var awsAuth: [AWSAuthMapping]
    var podSecurity: [String: String]
    var tokenOwners: [String: [String: String]]
    var tokenNamespaces: [String: [String]]
    var secretNamespaces: [String: [String]] = [:]

    public init(_ objects: ClusterObjects) {
      for sa in objects.serviceAccounts {
        accounts[sa.namespace, default: []].insert(sa.name)
        if let value = sa.automountServiceAccountToken {
          automount[ServiceAccountName.username(namespace: sa.namespace, name: sa.name)] = value
        }
      }
      for m in objects.awsAuth {
        users.insert(m.username)
        groups.formUnion(m.groups)
      }
      awsAuth = objects.awsAuth
      namespaces = Set(objects.namespaces.map(\.name))
      for secret in objects.secrets {
        if let owner = secret.tokenOwner { tokenSecrets[secret.namespace, default: [:]][owner, default: []].append(secret.name) }
        secretNamespaces[secret.name, default: []].append(secret.namespace)
      }
      ClusterIndex.sortEachList(&secretNamespaces)
      podSecurity = Dictionary(
        uniqueKeysWithValues: objects.namespaces.compactMap { ns in
          ns.labels["pod-security.kubernetes.io/enforce"].map { (ns.name, $0) }
        })
      tokenOwners = tokenSecrets.mapValues { owners in
        Dictionary(owners.flatMap { owner, secrets in secrets.map { ($0, owner) } }, uniquingKeysWith: { a, _ in a })
      }
      tokenNamespaces = ClusterIndex.namespacesByName(tokenOwners.mapValues { Array($0.keys) })
    }
  }

  /// The indexes that only roles and bindings decide.
  public struct RoleFacts: Sendable {
    var adminClusterRoles: [String]
    var roleNamespaces: [String: [String]]
    var clusterBindingsByName: [String: [Policy.Bound]]
    var roleBindingNamespaces: [String: [String]]
    var powerfulClusterRoles: Set<String>
    var powerfulRoles: [String: Set<String>]
    var uncoveredClusterRoleRules: [(role: String, rule: Int)] = []
    /// The identities bindings name, by kind (accounts per namespace).
    var boundAccounts: [String: Set<String>]
    var boundUsers: Set<String>
    var boundGroups: Set<String>

    public init(_ policy: Policy) {
      // Read from the subjects as written, without building and parsing a username for each account.
      var boundAccounts: [String: Set<String>] = [:]
      var boundUsers = Set<String>()
      var boundGroups = Set<String>()
      func named(in bindings: [Policy.Bound], namespace: String) {
        // Most accounts a RoleBinding names are of its own namespace: they are gathered apart and stored at once.
        var local = Set<String>()
        defer { if !local.isEmpty { boundAccounts[namespace, default: []].formUnion(local) } }
        for bound in bindings {
          for subject in bound.subjects {
            switch subject.kind {
            case .serviceAccount:
              // An account without a namespace is the binding's; in a ClusterRoleBinding it matches no one.
              let ns = subject.namespace.isEmpty ? namespace : subject.namespace
              if ns == namespace && !ns.isEmpty {
                local.insert(subject.name)
              } else if !ns.isEmpty {
                boundAccounts[ns, default: []].insert(subject.name)
              }
            case .user:
              if let sa = ServiceAccountName.split(subject.name) {
                boundAccounts[sa.namespace, default: []].insert(sa.name)
              } else {
                boundUsers.insert(subject.name)
              }
            case .group: boundGroups.insert(subject.name)
            }
          }
        }
      }
      named(in: policy.clusterRoleBindings, namespace: "")
      for (ns, bindings) in policy.roleBindings { named(in: bindings, namespace: ns) }
      (self.boundAccounts, self.boundUsers, self.boundGroups) = (boundAccounts, boundUsers, boundGroups)
      adminClusterRoles = policy.clusterRoles.values.filter { role in
        role.rules.contains(where: \.isFullWildcard)
      }.map(\.name).sorted()
      roleNamespaces = ClusterIndex.namespacesByName(policy.roles.mapValues { Array($0.keys) })
      clusterBindingsByName = Dictionary(grouping: policy.clusterRoleBindings, by: \.ref.name)
      var byName: [String: [String]] = [:]
      for (ns, bindings) in policy.roleBindings { for bound in bindings { byName[bound.ref.name, default: []].append(ns) } }
      roleBindingNamespaces = byName.mapValues { $0.count > 1 ? $0.sorted() : $0 }
      powerfulClusterRoles = Set(policy.clusterRoles.values.filter { ClusterIndex.grantsPower($0.rules) }.map(\.name))
      powerfulRoles = policy.roles.compactMapValues { roles in
        let names = Set(roles.values.filter { ClusterIndex.grantsPower($0.rules) }.map(\.name))
        return names.isEmpty ? nil : names
      }
      let rules = powerfulClusterRoles.sorted().flatMap { name in
        (policy.clusterRoles[name]?.rules ?? []).enumerated().map { (role: name, rule: $0.offset, body: $0.element) }
      }
      uncoveredClusterRoleRules = PolicyRule.uncovered(rules.map(\.body)).map { (rules[$0].role, rules[$0].rule) }
    }
  }

  /// Whether a Pod Security enforce level (nil: no label, the cluster default) admits privileged pods.
  static func admitsPrivileged(_ level: String?) -> Bool {
    let level = level ?? "privileged"
    return level != "baseline" && level != "restricted"
  }

  /// Inverts "namespace → names" into "name → namespaces", each list sorted.
  fileprivate static func namespacesByName(_ names: [String: [String]]) -> [String: [String]] {
    // Namespaces visited in order leave each list sorted: no list is sorted, nor the table copied to sort them.
    var found: [String: [String]] = [:]
    for ns in names.keys.sorted() { for name in names[ns]! { found[name, default: []].append(ns) } }
    return found
  }

  /// Sorts each list of `table` in place, skipping those already sorted (the store reads objects in order).
  fileprivate static func sortEachList(_ table: inout [String: [String]]) {
    for i in table.values.indices where !table.values[i].isStrictlyAscending { table.values[i].sort() }
  }

  /// Whether binding `role` could give any edge (``grantsPower(_:)``).
  func isPowerful(_ role: RoleKey) -> Bool {
    role.kind == .clusterRole ? powerfulClusterRoles.contains(role.name) : powerfulRoles[role.namespace]?.contains(role.name) == true
  }

  /// The RoleBindings named `name`, namespace by namespace in order.
  func roleBindings(named name: String) -> [Policy.Bound] {
    (roleBindingNamespaces[name] ?? []).flatMap { ns in (policy.roleBindings[ns] ?? []).filter { $0.ref.name == name } }
  }

  /// Whether namespace `ns` holds a Secret named `name`.
  func holdsSecret(named name: String, in ns: String) -> Bool {
    secretNamespaces[name]?.sortedContains(ns) ?? false
  }

  /// Whether namespace `ns` holds an object of `kind` named `name`.
  func holds(_ kind: String, _ name: String, in ns: String) -> Bool {
    workloadNamespaces[kind]?[name]?.sortedContains(ns) ?? false
  }

  /// Whether pods of this workload carry its service account's token: the pod's setting wins, then the account's.
  func mountsToken(_ workload: Workload) -> Bool {
    workload.automountServiceAccountToken
      ?? automount[ServiceAccountName.username(namespace: workload.namespace, name: workload.serviceAccount)] ?? true
  }

  /// Whether Pod Security admission lets a privileged pod into the namespace.
  func allowsPrivilegedPods(in namespace: String) -> Bool { Self.admitsPrivileged(podSecurity[namespace]) }
}

extension PolicyRule {
  /// Every verb on every resource of every group, without names: the rule of cluster-admin.
  public var isFullWildcard: Bool {
    verbs.contains(Wildcard.all) && apiGroups.contains(Wildcard.all) && resources.contains(Wildcard.all)
      && resourceNames.isEmpty
  }
}

extension Array where Element == String {
  /// Whether each element is greater than the one before: sorted, without repeats.
  var isStrictlyAscending: Bool {
    zip(self, dropFirst()).allSatisfy { $0 < $1 }
  }

  /// Binary search in a sorted list: a name held in thousands of namespaces (a StatefulSet's `web-0`) is found
  /// without walking them.
  func sortedContains(_ value: String) -> Bool {
    var low = 0
    var high = count
    while low < high {
      let mid = (low + high) / 2
      if self[mid] < value { low = mid + 1 } else { high = mid }
    }
    return low < count && self[low] == value
  }
}
