// rolecall — SPDX-License-Identifier: Apache-2.0

/// An object that runs pods as a service account: a Pod, or a controller with a pod template.
///
/// Only what the escalation graph needs is kept: whose token the pods carry, where they run, and whether they
/// can reach the node.
public struct Workload: Sendable, Hashable, Codable {
  /// Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob or ReplicationController.
  public var kind: String
  public var namespace: String
  public var name: String
  /// `serviceAccountName`, `default` when unset.
  public var serviceAccount: String
  /// The pod's `automountServiceAccountToken`; nil when unset (the service account's setting applies).
  public var automountServiceAccountToken: Bool?
  /// `nodeName` when the pod is pinned to a node.
  public var nodeName: String?
  /// True for a DaemonSet: its pods run on every node.
  public var onEveryNode: Bool
  public var privileged: Bool
  public var hostPath: Bool
  public var hostPID: Bool
  public var hostNetwork: Bool

  public init(
    kind: String, namespace: String, name: String, serviceAccount: String = "default",
    automountServiceAccountToken: Bool? = nil, nodeName: String? = nil, onEveryNode: Bool = false,
    privileged: Bool = false, hostPath: Bool = false, hostPID: Bool = false, hostNetwork: Bool = false
  ) {
    self.kind = kind
    self.namespace = namespace
    self.name = name
    self.serviceAccount = serviceAccount
    self.automountServiceAccountToken = automountServiceAccountToken
    self.nodeName = nodeName
    self.onEveryNode = onEveryNode
    self.privileged = privileged
    self.hostPath = hostPath
    self.hostPID = hostPID
    self.hostNetwork = hostNetwork
  }

  /// Whether the pods can break out to their node (privileged, host PID or a hostPath volume).
  public var reachesNode: Bool { privileged || hostPID || hostPath }
}

/// A Secret's metadata. Its data is never decoded, stored or printed.
public struct SecretMetadata: Sendable, Hashable, Codable {
  public var namespace: String
  public var name: String
  public var type: String
  /// `kubernetes.io/service-account.name`: the service account whose token a token secret holds.
  public var serviceAccountName: String?

  public init(namespace: String, name: String, type: String, serviceAccountName: String? = nil) {
    self.namespace = namespace
    self.name = name
    self.type = type
    self.serviceAccountName = serviceAccountName
  }

  public static let serviceAccountTokenType = "kubernetes.io/service-account-token"

  /// The service account whose long-lived token this secret holds, if it is a token secret.
  public var tokenOwner: String? { type == Self.serviceAccountTokenType ? serviceAccountName : nil }
}

/// One entry of the EKS `kube-system/aws-auth` ConfigMap: an IAM role or user and the Kubernetes identity it becomes.
public struct AWSAuthMapping: Sendable, Hashable, Codable {
  /// `mapRoles` or `mapUsers`.
  public var source: String
  public var arn: String
  public var username: String
  public var groups: [String]

  public init(source: String, arn: String, username: String, groups: [String]) {
    self.source = source
    self.arn = arn
    self.username = username
    self.groups = groups
  }
}

/// What the escalation graph reads besides the policy: who exists, what runs where, which token secrets exist.
public struct ClusterObjects: Sendable {
  public var serviceAccounts: [ServiceAccount]
  public var namespaces: [Namespace]
  public var workloads: [Workload]
  public var secrets: [SecretMetadata]
  public var awsAuth: [AWSAuthMapping]

  public init(
    serviceAccounts: [ServiceAccount] = [], namespaces: [Namespace] = [], workloads: [Workload] = [],
    secrets: [SecretMetadata] = [], awsAuth: [AWSAuthMapping] = []
  ) {
    self.serviceAccounts = serviceAccounts
    self.namespaces = namespaces
    self.workloads = workloads
    self.secrets = secrets
    self.awsAuth = awsAuth
  }
}
