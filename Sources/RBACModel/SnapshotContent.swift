// rolecall — SPDX-License-Identifier: Apache-2.0

/// Where an object was read from: a file (or `-` for standard input) and the 1-based document in it.
public struct ObjectSource: Sendable, Hashable, Codable, CustomStringConvertible {
  public var file: String
  public var document: Int

  public init(file: String, document: Int) {
    self.file = file
    self.document = document
  }

  public var description: String { "\(file), document \(document)" }
}

/// An object together with where it was read from.
public struct Sourced<Object: Sendable & Hashable>: Sendable, Hashable {
  public var object: Object
  public var source: ObjectSource

  public init(_ object: Object, from source: ObjectSource) {
    self.object = object
    self.source = source
  }
}

/// Something about the input worth telling the user that does not stop an ingest.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The kinds of finding, each a known way for RBAC objects to silently grant less than they seem to.
  public enum Category: String, Sendable, Hashable, Codable, CaseIterable {
    case danglingBinding = "dangling-binding"
    case bindingWithoutSubjects = "binding-without-subjects"
    case serviceAccountWithoutNamespace = "serviceaccount-without-namespace"
    case missingServiceAccount = "missing-serviceaccount"
    case clusterRoleBindingToRole = "clusterrolebinding-to-role"
    case unknownSubjectKind = "unknown-subject-kind"
    case invalidAggregationSelector = "invalid-aggregation-selector"
    case duplicateObject = "duplicate-object"
    case unreadableAWSAuth = "unreadable-aws-auth"
    /// A file left out by its name: a Helm chart's `Chart.yaml` or values, a `kustomization.yaml`.
    case skippedFile = "skipped-file"
  }

  public var category: Category
  public var message: String
  public var source: ObjectSource?

  public init(_ category: Category, _ message: String, source: ObjectSource? = nil) {
    self.category = category
    self.message = message
    self.source = source
  }

  public var description: String {
    (source.map { "\($0): " } ?? "") + message
  }
}

/// Everything one ingest settles: the RBAC objects with aggregation resolved, the kinds skipped and the diagnostics.
public struct SnapshotContent: Sendable {
  /// ClusterRoles with aggregated rules already resolved.
  public var clusterRoles: [Sourced<ClusterRole>] = []
  public var roles: [Sourced<Role>] = []
  public var roleBindings: [Sourced<RoleBinding>] = []
  public var clusterRoleBindings: [Sourced<ClusterRoleBinding>] = []
  public var serviceAccounts: [Sourced<ServiceAccount>] = []
  public var namespaces: [Sourced<Namespace>] = []
  public var workloads: [Sourced<Workload>] = []
  /// Secret metadata only: names, types and the service account a token secret belongs to.
  public var secrets: [Sourced<SecretMetadata>] = []
  /// The entries of the EKS `kube-system/aws-auth` ConfigMap.
  public var awsAuth: [AWSAuthMapping] = []
  /// The resources CustomResourceDefinitions add, with their scope.
  public var customResources: [Sourced<CustomResource>] = []
  /// Objects of kinds rolecall does not use, counted by `apiVersion/kind`.
  public var skippedKinds: [String: Int] = [:]
  public var diagnostics: [Diagnostic] = []
  /// Facts about the snapshot's origin (`context`, `server`, `kubernetes-version`, `provider`, ...).
  public var labels: [String: String] = [:]
  /// Set when the content was built on a stored snapshot (`ingest --base`).
  public var overlay: Overlay? = nil

  /// What the inputs did to the base snapshot they were laid over.
  public struct Overlay: Sendable, Hashable {
    /// The base snapshot's name.
    public var base: String
    /// The base objects an input replaced, as `Kind "namespace/name"`.
    public var replaced: [String] = []
    /// How many input objects the base did not have.
    public var added = 0

    public init(base: String) {
      self.base = base
    }
  }

  public init() {}

  /// The objects the escalation graph reads besides the policy.
  public var clusterObjects: ClusterObjects {
    ClusterObjects(
      serviceAccounts: serviceAccounts.map(\.object), namespaces: namespaces.map(\.object),
      workloads: workloads.map(\.object), secrets: secrets.map(\.object), awsAuth: awsAuth)
  }

  /// The policy these objects define, ready for evaluation.
  public func policy() -> Policy {
    Policy(
      clusterRoles: clusterRoles.map(\.object), roles: roles.map(\.object),
      clusterRoleBindings: clusterRoleBindings.map(\.object), roleBindings: roleBindings.map(\.object))
  }
}

extension SnapshotContent {
  /// Where each binding was read from: what a finding about a binding points at.
  public var bindingSources: [BindingRef: ObjectSource] {
    var sources: [BindingRef: ObjectSource] = [:]
    for b in clusterRoleBindings { sources[BindingRef(kind: .clusterRoleBinding, name: b.object.name)] = b.source }
    for b in roleBindings { sources[BindingRef(kind: .roleBinding, namespace: b.object.namespace, name: b.object.name)] = b.source }
    return sources
  }
}
