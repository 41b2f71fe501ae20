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
    case .namespacePods(let ns): return "pods:" + ns
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
    default:
      // Counted in bytes (the prefixes are ASCII): counting characters would walk every node's text.
      if text.hasPrefix("sa:") && text.hasSuffix(":*") && text.utf8.count > 5 {
        self = .namespaceAccounts(String(text.dropFirst(3).dropLast(2)))
      } else if text.hasPrefix("pods:") && text.utf8.count > 5 {
        self = .namespacePods(String(text.dropFirst(5)))
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

  /// The identity the API server sees for this node, with the groups it always carries; nil for the targets.
  ///
  /// A user is taken with `system:authenticated` only: its identity provider's groups are unknown offline, and
  /// the graph reaches them through membership edges where the snapshot shows them (aws-auth).
  public var identity: UserInfo? {
    switch self {
    case .user(let name): return .impersonating(name)
    case .serviceAccount(let ns, let name): return .impersonating(ServiceAccountName.username(namespace: ns, name: name))
    case .group(let name): return UserInfo(name: "", groups: [name])
    case .cloudIdentity, .namespaceAccounts, .everyAccount, .namespacePods, .clusterAdmin, .node: return nil
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

  /// A node that stands for many (sa:N:*, sa:*:*, pods:N): leaving it is not a step of its own.
  public var isHub: Bool {
    switch self {
    case .namespaceAccounts, .everyAccount, .namespacePods: return true
    default: return false
    }
  }

  public static func < (a: GraphNode, b: GraphNode) -> Bool { a.description < b.description }
}

extension Sequence where Element == GraphNode {
  /// The nodes in ``GraphNode/<(_:_:)`` order, each name built once rather than at every comparison: what sorting
  /// every identity of a large cluster costs.
  public func sortedByName() -> [GraphNode] {
    map { (name: $0.description, node: $0) }.sorted { $0.name < $1.name }.map(\.node)
  }
}
