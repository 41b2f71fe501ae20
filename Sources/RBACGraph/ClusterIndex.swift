// rolecall — SPDX-License-Identifier: Apache-2.0

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
  /// ClusterRoles that, bound in a namespace, let their holder run pods or mint tokens there.
  public let podPowerClusterRoles: [String]
  /// Per namespace, its Roles with the same power: settled once, not for every identity that may bind in it.
  public let podPowerRoles: [String: [String]]
  /// Per service account username, whether it mounts tokens by default (nil when unknown).
  let automount: [String: Bool]

  public init(policy: Policy, objects: ClusterObjects) {
    self.policy = policy
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
    self.adminClusterRoles = policy.clusterRoles.values.filter { role in
      role.rules.contains(where: \.isFullWildcard)
    }.map(\.name).sorted()
    self.podPowerClusterRoles = policy.clusterRoles.values.filter { Self.hasPodPower($0.rules) }.map(\.name).sorted()
    self.podPowerRoles = policy.roles.compactMapValues { roles in
      let names = roles.values.filter { Self.hasPodPower($0.rules) }.map(\.name).sorted()
      return names.isEmpty ? nil : names
    }
    self.automount = automount
  }

  /// Whether pods of this workload carry its service account's token: the pod's setting wins, then the account's.
  func mountsToken(_ workload: Workload) -> Bool {
    workload.automountServiceAccountToken
      ?? automount[ServiceAccountName.username(namespace: workload.namespace, name: workload.serviceAccount)] ?? true
  }

  /// Whether Pod Security admission lets a privileged pod into the namespace.
  func allowsPrivilegedPods(in namespace: String) -> Bool {
    let level = podSecurity[namespace] ?? "privileged"
    return level != "baseline" && level != "restricted"
  }
}

extension PolicyRule {
  /// Every verb on every resource of every group, without names: the rule of cluster-admin.
  public var isFullWildcard: Bool {
    verbs.contains(Wildcard.all) && apiGroups.contains(Wildcard.all) && resources.contains(Wildcard.all)
      && resourceNames.isEmpty
  }
}
