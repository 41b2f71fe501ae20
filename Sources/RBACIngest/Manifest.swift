// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// One decoded Kubernetes object, as far as rolecall reads it: the kinds it stores are decoded field by field,
/// `List` wrappers (`List`, `RoleList`, ...) into their items, and every other kind only as far as its type.
enum Manifest: Decodable {
  case role(RawRole)
  case clusterRole(RawClusterRole)
  case roleBinding(RawBinding)
  case clusterRoleBinding(RawBinding)
  case serviceAccount(RawServiceAccount)
  case namespace(RawNamespace)
  case workload(kind: String, RawWorkload)
  case secret(RawSecret)
  case awsAuth(RawConfigMap)
  case customResourceDefinition(RawCRD)
  case list([Manifest])
  case other(apiVersion: String, kind: String)

  private enum Keys: String, CodingKey { case apiVersion, kind, items }

  static let rbacGroup = "rbac.authorization.k8s.io"

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Keys.self)
    let kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? ""
    let apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? ""
    // kubectl prints `kind: List` (or `RoleList`, ...) around `items`; each item names its own kind.
    if kind == "List" || (kind.hasSuffix("List") && container.contains(.items)) {
      self = .list(try container.decodeIfPresent([Manifest].self, forKey: .items) ?? [])
      return
    }
    if kind.isEmpty && apiVersion.isEmpty {
      throw DecodingError.keyNotFound(
        Keys.kind, .init(codingPath: decoder.codingPath, debugDescription: "not a Kubernetes object: no kind"))
    }
    let group = apiVersion.split(separator: "/").count == 2 ? String(apiVersion.split(separator: "/")[0]) : ""
    switch (group, kind) {
    case (Self.rbacGroup, "Role"): self = .role(try RawRole(from: decoder))
    case (Self.rbacGroup, "ClusterRole"): self = .clusterRole(try RawClusterRole(from: decoder))
    case (Self.rbacGroup, "RoleBinding"): self = .roleBinding(try RawBinding(from: decoder))
    case (Self.rbacGroup, "ClusterRoleBinding"): self = .clusterRoleBinding(try RawBinding(from: decoder))
    case ("", "ServiceAccount") where apiVersion == "v1": self = .serviceAccount(try RawServiceAccount(from: decoder))
    case ("", "Namespace") where apiVersion == "v1": self = .namespace(try RawNamespace(from: decoder))
    case ("", "Pod") where apiVersion == "v1", ("", "ReplicationController") where apiVersion == "v1",
      ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"),
      ("batch", "Job"), ("batch", "CronJob"):
      self = .workload(kind: kind, try RawWorkload(kind: kind, from: decoder))
    // Only a Secret's metadata and type are decoded: its data never becomes a Swift value.
    case ("", "Secret") where apiVersion == "v1": self = .secret(try RawSecret(from: decoder))
    case ("", "ConfigMap") where apiVersion == "v1":
      let map = try RawConfigMap(from: decoder)
      self = map.metadata.name == "aws-auth" ? .awsAuth(map) : .other(apiVersion: apiVersion, kind: kind)
    case ("apiextensions.k8s.io", "CustomResourceDefinition"): self = .customResourceDefinition(try RawCRD(from: decoder))
    default: self = .other(apiVersion: apiVersion, kind: kind)
    }
  }
}

/// A CustomResourceDefinition, as far as its resource's names and scope.
struct RawCRD: Decodable {
  struct Names: Decodable {
    var plural: String?
    var singular: String?
    var kind: String?
    var shortNames: [String]?
  }
  struct Spec: Decodable {
    var group: String?
    var names: Names?
    var scope: String?
  }
  var metadata: RawMetadata
  var spec: Spec?
}

/// `metadata`, as far as rolecall needs it. `name` is required: the API server rejects an object without one.
struct RawMetadata: Decodable {
  var name: String
  var namespace: String?
  var labels: [String: String]?
  var annotations: [String: String]?
}

struct RawRole: Decodable {
  var metadata: RawMetadata
  var rules: [RawRule]?
}

struct RawClusterRole: Decodable {
  var metadata: RawMetadata
  var rules: [RawRule]?
  var aggregationRule: RawAggregationRule?
}

struct RawAggregationRule: Decodable {
  var clusterRoleSelectors: [RawLabelSelector]?
}

struct RawLabelSelector: Decodable {
  var matchLabels: [String: String]?
  var matchExpressions: [RawRequirement]?
}

struct RawRequirement: Decodable {
  var key: String
  var `operator`: LabelSelector.Requirement.Operator
  var values: [String]?
}

struct RawRule: Decodable {
  var verbs: [String]
  var apiGroups: [String]?
  var resources: [String]?
  var resourceNames: [String]?
  var nonResourceURLs: [String]?

  var rule: PolicyRule {
    PolicyRule(
      verbs: verbs, apiGroups: apiGroups ?? [], resources: resources ?? [], resourceNames: resourceNames ?? [],
      nonResourceURLs: nonResourceURLs ?? [])
  }
}

struct RawBinding: Decodable {
  var metadata: RawMetadata
  var roleRef: RoleRef
  var subjects: [RawSubject]?
}

/// A subject with its kind still a string: an unknown kind is a warning for that subject, not an error.
struct RawSubject: Decodable {
  var kind: String
  var name: String
  var namespace: String?
}

struct RawServiceAccount: Decodable {
  var metadata: RawMetadata
  var automountServiceAccountToken: Bool?
}

struct RawNamespace: Decodable {
  var metadata: RawMetadata
}

/// A pod, or a controller with a pod template, reduced to its pod spec.
struct RawWorkload {
  var metadata: RawMetadata
  var spec: RawPodSpec?

  private enum Keys: String, CodingKey { case metadata, spec }
  private struct Template: Decodable { var spec: RawPodSpec? }
  private struct TemplateSpec: Decodable { var template: Template? }
  private struct JobTemplate: Decodable { var spec: TemplateSpec? }
  private struct CronJobSpec: Decodable { var jobTemplate: JobTemplate? }

  init(kind: String, from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Keys.self)
    metadata = try container.decode(RawMetadata.self, forKey: .metadata)
    switch kind {
    case "Pod": spec = try container.decodeIfPresent(RawPodSpec.self, forKey: .spec)
    case "CronJob": spec = try container.decodeIfPresent(CronJobSpec.self, forKey: .spec)?.jobTemplate?.spec?.template?.spec
    default: spec = try container.decodeIfPresent(TemplateSpec.self, forKey: .spec)?.template?.spec
    }
  }
}

struct RawPodSpec: Decodable {
  var serviceAccountName: String?
  /// Deprecated alias of serviceAccountName, still honored by the API server.
  var serviceAccount: String?
  var automountServiceAccountToken: Bool?
  var nodeName: String?
  var hostPID: Bool?
  var hostNetwork: Bool?
  var volumes: [RawVolume]?
  var containers: [RawContainer]?
  var initContainers: [RawContainer]?
  var ephemeralContainers: [RawContainer]?

  struct RawVolume: Decodable {
    var hostPath: HostPath?
    struct HostPath: Decodable { var path: String? }
  }

  struct RawContainer: Decodable {
    var securityContext: SecurityContext?
    struct SecurityContext: Decodable { var privileged: Bool? }
  }

  var privileged: Bool {
    [containers, initContainers, ephemeralContainers].contains { list in
      (list ?? []).contains { $0.securityContext?.privileged == true }
    }
  }
}

struct RawSecret: Decodable {
  var metadata: RawMetadata
  var type: String?
}

struct RawConfigMap: Decodable {
  var metadata: RawMetadata
  var data: [String: String]?
}
