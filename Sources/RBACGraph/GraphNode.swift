// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// A vertex of the escalation graph: an identity, or one of the two targets (cluster-admin, root on a node).
public enum GraphNode: Sendable, Hashable, Comparable, CustomStringConvertible {
  case user(String)
  case group(String)
  case serviceAccount(namespace: String, name: String)
  /// An IAM role or user mapped by the EKS aws-auth ConfigMap.
  case cloudIdentity(arn: String)
  /// Any service account of a namespace (`sa:NS:*`): where "run a pod as any account of N" leads.
  case namespaceAccounts(String)
  /// Any service account of any namespace (`sa:*:*`): where the same power granted cluster-wide leads.
  case everyAccount
  /// Code in any running pod of a namespace (`pods:NS`): its accounts' tokens, and the node of a privileged pod.
  case namespacePods(String)
  /// Code in any running pod of any namespace (`pods:*`): where the same power granted cluster-wide leads.
  case everyPod
  /// The token Secrets of a namespace (`secrets:NS`): reading them all yields each owner's token.
  case namespaceTokens(String)
  /// The token Secrets of every namespace (`secrets:*`).
  case everyToken
  /// Every existing object of one pod-making kind, cluster-wide (`deployments:*`): rewriting their pod templates
  /// runs pods as any account of the namespaces that hold one.
  case existingWorkloads(resource: String)
  /// The rules of a role as a new binding would grant them: bound cluster-wide (`scope` empty), in one namespace,
  /// or in every namespace (``everyNamespace``). A nil role stands for every rule, as `escalate` writes them.
  /// What `bind` and `escalate` lead to: the role's powers, which its own edges spell out.
  case roleBound(role: RoleKey?, scope: String)
  /// Every role of a kind that `bind` may name in `scope`, all bound at once (`roles:clusterroles@S`: every
  /// ClusterRole; `roles:roles@S`: the Roles of S, or of every namespace each in its own for `*`;
  /// `roles:bindings@S`: the roles that existing bindings of S refer to, which an update of their subjects gives,
  /// `roles:clusterrole-bindings@S` the ClusterRoles among them): one node for a `bind` without resourceNames, however
  /// many roles there are, whose edges are those of their rules combined.
  case anyRole(kind: String, scope: String)
  /// Every user the snapshot knows (`user:*`): where impersonating any user, or signing any client certificate,
  /// leads.
  case everyUser
  /// Every group the snapshot knows but system:masters (`group:*`), which no certificate may carry.
  case everyGroup
  /// Allowed everything: `system:masters`, or every verb on every resource cluster-wide.
  case clusterAdmin
  /// Root on a node, which yields the tokens of the pods that run there.
  case node

  /// `user:alice`, `group:devs`, `sa:ns:name`, `aws:arn:...`, `cluster-admin`, `node`.
  public var description: String {
    switch self {
    case .user(let name): return "user:" + name
    case .group(let name): return "group:" + name
    case .serviceAccount(let ns, let name): return "sa:\(ns):\(name)"
    case .cloudIdentity(let arn): return "aws:" + arn
    case .namespaceAccounts(let ns): return "sa:\(ns):*"
    case .everyAccount: return "sa:*:*"
    case .everyUser: return "user:*"
    case .everyGroup: return "group:*"
    case .namespacePods(let ns): return "pods:" + ns
    case .everyPod: return "pods:*"
    case .namespaceTokens(let ns): return "secrets:" + ns
    case .everyToken: return "secrets:*"
    case .existingWorkloads(let resource): return resource + ":*"
    case .roleBound(let role, let scope):
      let what =
        switch role?.kind {
        case nil: "*"
        case .clusterRole: "clusterrole/" + role!.name
        case .role: "role/" + role!.namespace + "/" + role!.name
        }
      return "bound:" + what + "@" + (scope.isEmpty ? "cluster" : scope)
    case .anyRole(let kind, let scope): return "roles:" + kind + "@" + (scope.isEmpty ? "cluster" : scope)
    case .clusterAdmin: return "cluster-admin"
    case .node: return "node"
    }
  }

  /// Reads `cluster-admin`, `node`, `aws:ARN`, or a subject as `perms` takes it.
  public init?(parsing text: String) {
    switch text {
    case "cluster-admin": self = .clusterAdmin
    case "node": self = .node
    case "sa:*:*": self = .everyAccount
    case "pods:*": self = .everyPod
    case "user:*": self = .everyUser
    case "group:*": self = .everyGroup
    case "secrets:*": self = .everyToken
    default:
      // Counted in bytes (the prefixes are ASCII): counting characters would walk every node's text.
      if text.hasPrefix("sa:") && text.hasSuffix(":*") && text.utf8.count > 5 {
        self = .namespaceAccounts(String(text.dropFirst(3).dropLast(2)))
      } else if text.hasPrefix("pods:") && text.utf8.count > 5 {
        self = .namespacePods(String(text.dropFirst(5)))
      } else if text.hasPrefix("bound:"), let node = GraphNode(boundRole: text.dropFirst(6)) {
        self = node
      } else if text.hasPrefix("roles:"), let at = text.lastIndex(of: "@"),
        ["clusterroles", "roles", "bindings", "clusterrole-bindings"].contains(text[text.index(text.startIndex, offsetBy: 6)..<at])
      {
        let place = text[text.index(after: at)...]
        self = .anyRole(
          kind: String(text[text.index(text.startIndex, offsetBy: 6)..<at]), scope: place == "cluster" ? "" : String(place))
      } else if text.hasPrefix("secrets:") && text.utf8.count > 8 {
        self = .namespaceTokens(String(text.dropFirst(8)))
      } else if text.hasSuffix(":*"), let resource = GraphNode.workloadResources.first(where: { text == $0 + ":*" }) {
        self = .existingWorkloads(resource: resource)
      } else if text.hasPrefix("aws:") {
        self = .cloudIdentity(arn: String(text.dropFirst(4)))
      } else if let sa = ServiceAccountName.split(text) {
        self = .serviceAccount(namespace: sa.namespace, name: sa.name)
      } else {
        // `kind:name`, leading colons skipped (as a split would); the name may hold further colons.
        let body = text.drop(while: { $0 == ":" })
        guard let colon = body.firstIndex(of: ":") else { return nil }
        let name = body[body.index(after: colon)...]
        guard !name.isEmpty else { return nil }
        switch body[..<colon].lowercased() {
        case "user", "u": self = .user(String(name))
        case "group", "g": self = .group(String(name))
        case "sa", "serviceaccount":
          guard let ref = ServiceAccountName.split(reference: name, at: name.contains("/") ? "/" : ":") else {
            return nil
          }
          self = .serviceAccount(namespace: ref.namespace, name: ref.name)
        default: return nil
        }
      }
    }
  }

  /// Reads `*@dev`, `clusterrole/NAME@cluster`, `clusterrole/NAME@dev`, `role/dev/NAME@dev` (after `bound:`).
  private init?(boundRole text: Substring) {
    guard let at = text.lastIndex(of: "@") else { return nil }
    let body = text[..<at]
    let place = text[text.index(after: at)...]
    guard !place.isEmpty else { return nil }
    let scope = place == "cluster" ? "" : String(place)
    if body == "*" {
      self = .roleBound(role: nil, scope: scope)
    } else if body.hasPrefix("clusterrole/"), body.count > 12 {
      self = .roleBound(role: RoleKey(kind: .clusterRole, name: String(body.dropFirst(12))), scope: scope)
    } else if body.hasPrefix("role/"), let slash = body.dropFirst(5).firstIndex(of: "/") {
      let ns = body[body.index(body.startIndex, offsetBy: 5)..<slash]
      let name = body[body.index(after: slash)...]
      guard !ns.isEmpty, !name.isEmpty else { return nil }
      self = .roleBound(role: RoleKey(kind: .role, namespace: String(ns), name: String(name)), scope: scope)
    } else {
      return nil
    }
  }

  /// The identity the API server sees for this node, with the groups it always carries; nil for the targets.
  ///
  /// A user is taken with `system:authenticated` only: its identity provider's groups are unknown offline, and
  /// the graph reaches them through membership edges where the snapshot shows them (aws-auth).
  public var identity: UserInfo? {
    switch self {
    case .user(let name): return .impersonating(name)
    case .serviceAccount(let ns, let name): return .impersonating(ServiceAccountName.username(namespace: ns, name: name))
    case .group(let name): return UserInfo(name: "", groups: [name])
    case .cloudIdentity, .namespaceAccounts, .everyAccount, .namespacePods, .everyPod, .namespaceTokens, .everyToken,
      .existingWorkloads, .roleBound, .anyRole, .everyUser, .everyGroup, .clusterAdmin, .node:
      return nil
    }
  }

  /// The identity a binding subject matches: a user named `system:serviceaccount:NS:NAME` is that account.
  public init(_ key: SubjectKey) {
    switch key {
    case .group(let name): self = .group(name)
    case .user(let name):
      if let sa = ServiceAccountName.split(name) {
        self = .serviceAccount(namespace: sa.namespace, name: sa.name)
      } else {
        self = .user(name)
      }
    }
  }

  /// The identity of a subject whose service-account namespace is resolved (a grant's, a who-can answer's).
  public init(_ subject: Subject) {
    switch subject.kind {
    case .group: self = .group(subject.name)
    case .serviceAccount: self = .serviceAccount(namespace: subject.namespace, name: subject.name)
    case .user: self.init(SubjectKey.user(subject.name))
    }
  }

  /// A node that stands for many (sa:N:*, sa:*:*, pods:N, pods:*, secrets:N, secrets:*, deployments:*), or for a
  /// role's powers once bound (bound:...): leaving it is not a step of its own.
  public var isHub: Bool {
    switch self {
    case .namespaceAccounts, .everyAccount, .namespacePods, .everyPod, .namespaceTokens, .everyToken, .existingWorkloads,
      .roleBound, .anyRole, .everyUser, .everyGroup:
      return true
    default: return false
    }
  }

  public static func < (a: GraphNode, b: GraphNode) -> Bool { a.description < b.description }

  /// What a hop from `from` to `to` counts in steps: see ``EscalationGraph/cost(_:)``.
  public static func stepCost(from: GraphNode, to: GraphNode) -> Int {
    // The roles of every namespace to those of one is the same step, as every account to the accounts of one.
    if case .anyRole(let kind, everyNamespace) = from, case .anyRole(kind, _) = to { return 0 }
    return from.isHub && !to.isRoleBound ? 0 : 1
  }

  /// Whether this is a role's powers once bound, or the roles a `bind` may name (``roleBound(role:scope:)``,
  /// ``anyRole(kind:scope:)``): what a path shows last, when nothing more direct leads on.
  public var isRoleBound: Bool {
    switch self {
    case .roleBound, .anyRole: return true
    default: return false
    }
  }

  /// The resources whose existing objects ``existingWorkloads(resource:)`` stands for.
  public static var workloadResources: [String] { podMakingResources.map(\.resource) }
}

extension Sequence where Element == GraphNode {
  /// The nodes in ``GraphNode/<(_:_:)`` order, each name built once rather than at every comparison: what sorting
  /// every identity of a large cluster costs.
  public func sortedByName() -> [GraphNode] {
    map { (name: $0.description, node: $0) }.sorted { $0.name < $1.name }.map(\.node)
  }
}
