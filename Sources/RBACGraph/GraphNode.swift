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
      } else if let stored = Self.parsingDescription(text) {
        self = stored
      } else if let sa = ServiceAccountName.split(text) {
        self = .serviceAccount(namespace: sa.namespace, name: sa.name)
      } else {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        switch parts[0].lowercased() {
        case "user", "u": self = .user(parts[1])
        case "group", "g": self = .group(parts[1])
        case "sa", "serviceaccount":
          let ref = parts[1].split(separator: parts[1].contains("/") ? "/" : ":", omittingEmptySubsequences: false)
          guard ref.count == 2, !ref[0].isEmpty, !ref[1].isEmpty else { return nil }
          self = .serviceAccount(namespace: String(ref[0]), name: String(ref[1]))
        default: return nil
        }
      }
    }
  }

  /// `sa:NS:NAME`, `user:NAME` and `group:NAME` as ``description`` writes them, read without the general parser's
  /// splitting: stored distances and first steps hold tens of thousands of them. Anything else (another spelling,
  /// a `/`, more colons) is left to the general parser, which reads these the same way.
  private static func parsingDescription(_ text: String) -> GraphNode? {
    let bytes = text.utf8
    if bytes.starts(with: "sa:".utf8) {
      let rest = bytes.dropFirst(3)
      guard let colon = rest.firstIndex(of: UInt8(ascii: ":")), colon != rest.startIndex else { return nil }
      let name = rest[rest.index(after: colon)...]
      guard !name.isEmpty, !name.contains(UInt8(ascii: ":")), !rest.contains(UInt8(ascii: "/")) else { return nil }
      return .serviceAccount(namespace: String(Substring(rest[..<colon])), name: String(Substring(name)))
    }
    if bytes.starts(with: "user:".utf8), bytes.count > 5 { return .user(String(text.dropFirst(5))) }
    if bytes.starts(with: "group:".utf8), bytes.count > 6 { return .group(String(text.dropFirst(6))) }
    return nil
  }

  /// The identity the API server sees for this node, with the groups it always carries; nil for the targets.
  ///
  /// A user is taken with `system:authenticated` only: its identity provider's groups are unknown offline, and
  /// the graph reaches them through membership edges where the snapshot shows them (aws-auth).
  public var identity: UserInfo? {
    switch self {
    case .user(let name): return .impersonating(name)
    case .serviceAccount(let ns, let name):
      let username = ServiceAccountName.username(namespace: ns, name: name)
      // What `impersonating` gives an account's username, without splitting the name it has just joined: a diff
      // asks this of every account of both snapshots. A name it would not split back (a colon) goes the long way.
      guard !ns.isEmpty, !name.isEmpty, !ns.contains(":"), !name.contains(":") else { return .impersonating(username) }
      return UserInfo(
        name: username,
        groups: [ServiceAccountName.allGroup, ServiceAccountName.namespaceGroup(ns), UserInfo.authenticatedGroup])
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
