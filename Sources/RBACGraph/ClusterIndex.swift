// rolecall — SPDX-License-Identifier: Apache-2.0

import Dispatch
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
  /// Per Role name, the namespaces that hold a Role of that name.
  public let roleNamespaces: [String: [String]]
  /// ClusterRoleBindings and RoleBindings by name: what an update limited by resourceNames may change.
  let clusterBindingsByName: [String: [Policy.Bound]]
  let roleBindingsByName: [String: [Policy.Bound]]
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
  /// Per service account name, the namespaces that hold an account of that name.
  public let accountNamespaces: [String: [String]]
  /// The first namespace that runs pods and admits privileged ones: where a cluster-wide power over pods reaches
  /// the node.
  public let privilegedWorkloadNamespace: String?
  /// The first namespace that admits privileged pods: where a cluster-wide power to make pods reaches the node.
  public let privilegedNamespace: String?

  public init(policy: Policy, objects: ClusterObjects) {
    self.policy = policy
    // What only the roles and bindings decide is indexed on another core meanwhile.
    nonisolated(unsafe) var roleFacts: RoleFacts?
    let rolesIndexed = DispatchGroup()
    DispatchQueue.global().async(group: rolesIndexed) { roleFacts = RoleFacts(policy) }
    var accounts: [String: Set<String>] = [:]
    var automount: [String: Bool] = [:]
    for sa in objects.serviceAccounts {
      accounts[sa.namespace, default: []].insert(sa.name)
      if let value = sa.automountServiceAccountToken {
        automount[ServiceAccountName.username(namespace: sa.namespace, name: sa.name)] = value
      }
    }
    for w in objects.workloads { accounts[w.namespace, default: []].insert(w.serviceAccount) }
    var users = Set<String>()
    var groups = Set<String>()
    var namespaces = Set(objects.namespaces.map(\.name))
    let bindings = policy.clusterRoleBindings + policy.roleBindings.values.flatMap { $0 }
    for bound in bindings {
      if !bound.ref.namespace.isEmpty { namespaces.insert(bound.ref.namespace) }
      for subject in bound.subjects {
        // A binding may name an account the dump does not hold (a partial export, or one not created yet: whoever
        // may create it inherits the binding), so bound accounts are identities too.
        guard let key = subject.matchKey(bindingNamespace: bound.ref.namespace) else { continue }
        switch GraphNode(key) {
        case .serviceAccount(let ns, let name): accounts[ns, default: []].insert(name)
        case .user(let name): users.insert(name)
        case .group(let name): groups.insert(name)
        default: continue
        }
      }
    }
    for m in objects.awsAuth {
      users.insert(m.username)
      groups.formUnion(m.groups)
    }
    groups.insert(UserInfo.mastersGroup)
    namespaces.formUnion(accounts.keys)
    namespaces.formUnion(objects.workloads.map(\.namespace))
    var tokens: [String: [String: [String]]] = [:]
    for secret in objects.secrets {
      if let owner = secret.tokenOwner { tokens[secret.namespace, default: [:]][owner, default: []].append(secret.name) }
    }
    self.namespaces = namespaces.sorted()
    self.serviceAccounts = accounts.mapValues { $0.sorted() }
    self.workloads = Dictionary(grouping: objects.workloads, by: \.namespace)
    self.tokenSecrets = tokens
    self.users = users
    self.groups = groups
    self.awsAuth = objects.awsAuth
    self.podSecurity = Dictionary(
      uniqueKeysWithValues: objects.namespaces.compactMap { ns in
        ns.labels["pod-security.kubernetes.io/enforce"].map { (ns.name, $0) }
      })
    self.automount = automount
    var pods: [String: [String: Workload]] = [:]
    var byKind: [String: [String: Set<String>]] = [:]
    for w in objects.workloads {
      if w.kind == "Pod" { pods[w.namespace, default: [:]][w.name] = w }
      byKind[w.kind, default: [:]][w.name, default: []].insert(w.namespace)
    }
    self.pods = pods
    self.podNamespaces = Self.namespacesByName(pods.mapValues { Array($0.keys) })
    self.workloadNamespaces = byKind.mapValues { $0.mapValues { $0.sorted() } }
    self.namespacesWithKind = byKind.mapValues { Set($0.values.joined()).sorted() }
    self.tokenOwners = tokens.mapValues { owners in
      Dictionary(owners.flatMap { owner, secrets in secrets.map { ($0, owner) } }, uniquingKeysWith: { a, _ in a })
    }
    self.tokenNamespaces = Self.namespacesByName(tokenOwners.mapValues { Array($0.keys) })
    self.accountNamespaces = Self.namespacesByName(serviceAccounts)
    let podSecurity = self.podSecurity
    func admits(_ ns: String) -> Bool { Self.admitsPrivileged(podSecurity[ns]) }
    self.privilegedWorkloadNamespace = self.workloads.keys.sorted().first(where: admits)
    self.privilegedNamespace = self.namespaces.first(where: admits)
    rolesIndexed.wait()
    let facts = roleFacts!
    self.adminClusterRoles = facts.adminClusterRoles
    self.roleNamespaces = facts.roleNamespaces
    self.clusterBindingsByName = facts.clusterBindingsByName
    self.roleBindingsByName = facts.roleBindingsByName
    self.powerfulClusterRoles = facts.powerfulClusterRoles
    self.powerfulRoles = facts.powerfulRoles
  }

  /// The indexes that only roles and bindings decide.
  private struct RoleFacts {
    var adminClusterRoles: [String]
    var roleNamespaces: [String: [String]]
    var clusterBindingsByName: [String: [Policy.Bound]]
    var roleBindingsByName: [String: [Policy.Bound]]
    var powerfulClusterRoles: Set<String>
    var powerfulRoles: [String: Set<String>]

    init(_ policy: Policy) {
      adminClusterRoles = policy.clusterRoles.values.filter { role in
        role.rules.contains(where: \.isFullWildcard)
      }.map(\.name).sorted()
      roleNamespaces = ClusterIndex.namespacesByName(policy.roles.mapValues { Array($0.keys) })
      clusterBindingsByName = Dictionary(grouping: policy.clusterRoleBindings, by: \.ref.name)
      roleBindingsByName = Dictionary(grouping: policy.roleBindings.values.flatMap { $0 }, by: \.ref.name)
      powerfulClusterRoles = Set(policy.clusterRoles.values.filter { ClusterIndex.grantsPower($0.rules) }.map(\.name))
      powerfulRoles = policy.roles.compactMapValues { roles in
        let names = Set(roles.values.filter { ClusterIndex.grantsPower($0.rules) }.map(\.name))
        return names.isEmpty ? nil : names
      }
    }
  }

  /// Whether a Pod Security enforce level (nil: no label, the cluster default) admits privileged pods.
  static func admitsPrivileged(_ level: String?) -> Bool {
    let level = level ?? "privileged"
    return level != "baseline" && level != "restricted"
  }

  /// Inverts "namespace → names" into "name → namespaces", each list sorted.
  fileprivate static func namespacesByName(_ names: [String: [String]]) -> [String: [String]] {
    var found: [String: [String]] = [:]
    for (ns, list) in names { for name in list { found[name, default: []].append(ns) } }
    return found.mapValues { $0.sorted() }
  }

  /// Whether binding `role` could give any edge (``grantsPower(_:)``).
  func isPowerful(_ role: RoleKey) -> Bool {
    role.kind == .clusterRole ? powerfulClusterRoles.contains(role.name) : powerfulRoles[role.namespace]?.contains(role.name) == true
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
