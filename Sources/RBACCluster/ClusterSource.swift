// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACIngest
import RBACModel

/// One kind of object rolecall lists from a cluster, and what an analysis misses without it.
public struct ClusterKind: Sendable, Hashable {
  /// The resource as `kubectl get` takes it, group-qualified so that a CRD of the same short name cannot shadow it.
  public var resource: String
  public var namespaced: Bool
  /// The answers that are incomplete when the kind cannot be listed, for the warning.
  public var affects: String

  static let rbac = "every permission answer (can-i, who-can, perms, queries)"
  static let workloads = "which service accounts run where (workload and node-escape paths)"

  /// Every kind rolecall reads, in the order it fetches them: RBAC first, since nothing is answered without it.
  public static let all: [ClusterKind] = [
    ClusterKind(resource: "clusterroles.rbac.authorization.k8s.io", namespaced: false, affects: rbac),
    ClusterKind(resource: "clusterrolebindings.rbac.authorization.k8s.io", namespaced: false, affects: rbac),
    ClusterKind(resource: "roles.rbac.authorization.k8s.io", namespaced: true, affects: rbac),
    ClusterKind(resource: "rolebindings.rbac.authorization.k8s.io", namespaced: true, affects: rbac),
    ClusterKind(
      resource: "serviceaccounts", namespaced: true,
      affects: "which service accounts exist (missing-serviceaccount warnings, token automounting)"),
    ClusterKind(resource: "namespaces", namespaced: false, affects: "namespace labels and existence checks"),
    ClusterKind(resource: "pods", namespaced: true, affects: workloads),
    ClusterKind(resource: "deployments.apps", namespaced: true, affects: workloads),
    ClusterKind(resource: "replicasets.apps", namespaced: true, affects: workloads),
    ClusterKind(resource: "statefulsets.apps", namespaced: true, affects: workloads),
    ClusterKind(resource: "daemonsets.apps", namespaced: true, affects: workloads),
    ClusterKind(resource: "jobs.batch", namespaced: true, affects: workloads),
    ClusterKind(resource: "cronjobs.batch", namespaced: true, affects: workloads),
    ClusterKind(resource: "replicationcontrollers", namespaced: true, affects: workloads),
    ClusterKind(
      resource: "secrets", namespaced: true,
      affects: "token-secret paths (which service accounts have long-lived token secrets)"),
    ClusterKind(
      resource: "configmaps/aws-auth", namespaced: true,
      affects: "EKS IAM-to-Kubernetes identity mappings (kube-system/aws-auth)"),
  ]

  /// The template that prints one line per Secret: namespace, name, type and the service account it belongs to.
  ///
  /// kubectl receives the Secrets from the API server (listing them needs `list secrets` either way) and prints
  /// only these four fields; `data` and `stringData` never leave kubectl, so they never reach rolecall's memory.
  public static let secretTemplate =
    #"jsonpath={range .items[*]}{.metadata.namespace}{"\t"}{.metadata.name}{"\t"}{.type}{"\t"}"#
    + #"{.metadata.annotations.kubernetes\.io/service-account\.name}{"\n"}{end}"#

  /// The `kubectl get` arguments that list this kind cluster-wide, `chunkSize` objects per request.
  func arguments(chunkSize: Int) -> [String] {
    if resource == "configmaps/aws-auth" {
      return ["get", "configmap", "aws-auth", "--namespace", "kube-system", "-o", "json"]
    }
    var arguments = ["get", resource] + (namespaced ? ["--all-namespaces"] : []) + ["--chunk-size", "\(chunkSize)"]
    arguments += ["-o", resource == "secrets" ? Self.secretTemplate : "json"]
    return arguments
  }
}

/// Reads one cluster context through kubectl into decoded documents, ready to become one snapshot.
public enum ClusterSource {
  /// What happens while a context is read, for a progress display.
  public enum Event: Sendable {
    /// Listing `kind` started; it is number `index` (from 1) of `total`.
    case started(kind: String, index: Int, total: Int)
    /// kubectl has printed `bytes` bytes for the kind being listed.
    case received(bytes: Int)
    /// The kind is read: `objects` objects, `total` so far for the context.
    case finished(kind: String, objects: Int, total: Int)
  }

  /// Everything read from one context, decoded but not yet normalized or written.
  public struct Fetched: Sendable {
    public var context: String
    public var server: String
    /// `context`, `server`, `kubernetes-version`, `provider`, `source`, and `partial` when kinds were skipped.
    public var labels: [String: String]
    public var documents: [Ingest.Decoded]
    /// One line per kind that could not be read, naming the answers it affects.
    public var warnings: [String]
    public var objects: Int
    /// Seconds spent waiting for kubectl, and decoding what it printed.
    public var fetchSeconds: Double
    public var decodeSeconds: Double
    public var calls: Int

    /// The snapshot's content: the documents normalized exactly as files would be, with the labels attached.
    public func content() throws -> SnapshotContent {
      var content = try Ingest.normalize(documents)
      content.labels = labels
      return content
    }
  }

  /// The context names of the kubeconfig, as `kubectl config get-contexts -o name` lists them.
  public static func contexts(_ kubectl: Kubectl) async throws -> [String] {
    try checkKubeconfig(kubectl)
    let call = try await kubectl.run(["config", "get-contexts", "-o", "name"], context: nil, contactsServer: false)
    guard call.succeeded else {
      throw call.failed
    }
    let names = String(decoding: call.stdout, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
    guard !names.isEmpty else { throw ClusterError.noContexts }
    return names
  }

  /// Lists every kind of ``ClusterKind/all`` from `context` (nil: the current one) and decodes it.
  ///
  /// Nothing is written here: the caller stores the result as one snapshot, in one transaction. A kind the user
  /// may not list is skipped with a warning; an unreachable server, rejected credentials or an unknown context
  /// stop the whole read.
  public static func fetch(
    context requested: String?, kubectl: Kubectl, chunkSize: Int = 500,
    onEvent: @escaping @Sendable (Event) -> Void = { _ in }
  ) async throws -> Fetched {
    try checkKubeconfig(kubectl)
    let clock = ContinuousClock()
    var fetchTime = Duration.zero
    var decodeTime = Duration.zero
    var calls = 0
    func call(_ arguments: [String], context: String?, contactsServer: Bool = true) async throws -> Kubectl.Call {
      calls += 1
      let start = clock.now
      defer { fetchTime += clock.now - start }
      return try await kubectl.run(arguments, context: context, contactsServer: contactsServer) {
        onEvent(.received(bytes: $0))
      }
    }

    // The kubeconfig alone names the context and its server, so a bad name fails before any network call.
    let view = try await call(["config", "view", "--minify", "-o", "json"], context: requested, contactsServer: false)
    guard view.succeeded else {
      let message = view.stderr.lowercased()
      if let requested, message.contains("context") { throw ClusterError.unknownContext(requested) }
      if message.contains("current-context") { throw ClusterError.noCurrentContext }
      throw view.failed
    }
    // Every later call names the context, so that a `kubectl config use-context` elsewhere cannot switch
    // clusters halfway through the read.
    let (context, server) = try minified(view)
    func failure(_ call: Kubectl.Call) -> ClusterError {
      switch KubectlFailure(call.stderr) {
      case .unauthorized: return .unauthorized(context: context, server: server)
      case .unreachable(let detail): return .unreachable(context: context, server: server, detail: detail)
      default: return call.failed
      }
    }

    // The first call to the server: it fails fast, with one clear line, when the server or credentials are bad.
    let version = try await call(["version", "-o", "json"], context: context)
    var gitVersion = "unknown"
    if version.succeeded {
      gitVersion = serverVersion(version.stdout) ?? "unknown"
    } else if case .forbidden = KubectlFailure(version.stderr) {
      // Some clusters hide /version; the rest of the read does not depend on it.
    } else {
      throw failure(version)
    }
    let groups = try await call(["api-versions"], context: context)
    let apiVersions = groups.succeeded
      ? String(decoding: groups.stdout, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init) : []

    var documents: [Ingest.Decoded] = []
    var warnings: [String] = []
    var skipped: [String] = []
    var objects = 0
    for (i, kind) in ClusterKind.all.enumerated() {
      onEvent(.started(kind: kind.resource, index: i + 1, total: ClusterKind.all.count))
      let listed = try await call(kind.arguments(chunkSize: chunkSize), context: context)
      guard listed.succeeded else {
        func skip(_ reason: String) {
          skipped.append(kind.resource)
          warnings.append(reason + ": the analysis is partial; missing: \(kind.affects)")
        }
        switch KubectlFailure(listed.stderr) {
        case .forbidden: skip("cannot list \(kind.resource) in context \"\(context)\" (Forbidden)")
        case .noResourceType: skip("the server of context \"\(context)\" does not serve \(kind.resource)")
        case .notFound where kind.resource == "configmaps/aws-auth":
          break  // Not an EKS cluster, or one that maps IAM identities with access entries instead.
        default:
          throw failure(listed)
        }
        onEvent(.finished(kind: kind.resource, objects: 0, total: objects))
        continue
      }
      let start = clock.now
      let name = "kubectl:\(context)/\(kind.resource)"
      let data = kind.resource == "secrets" ? try secretList(listed) : listed.stdout
      let decoded = try Ingest.decode(data: data, name: name)
      decodeTime += clock.now - start
      documents.append(decoded)
      objects += decoded.objectCount
      onEvent(.finished(kind: kind.resource, objects: decoded.objectCount, total: objects))
    }

    // `cluster` names the snapshot's cluster for questions asked with --clusters; --label cluster=NAME overrides it.
    var labels = [
      "source": "kubectl", "cluster": context, "context": context, "server": server, "kubernetes-version": gitVersion,
      "provider": provider(gitVersion: gitVersion, server: server, apiVersions: apiVersions),
    ]
    if !skipped.isEmpty { labels["partial"] = skipped.joined(separator: ",") }
    return Fetched(
      context: context, server: server, labels: labels, documents: documents, warnings: warnings, objects: objects,
      fetchSeconds: seconds(fetchTime), decodeSeconds: seconds(decodeTime), calls: calls)
  }

  /// The provider, guessed from facts kubectl reports: EKS, GKE and AKS by their version suffixes and API server
  /// host names, OpenShift by its API groups, else `other`.
  public static func provider(gitVersion: String, server: String, apiVersions: [String]) -> String {
    let host = URLComponents(string: server)?.host?.lowercased() ?? ""
    if gitVersion.contains("-eks-") || host.hasSuffix("eks.amazonaws.com") { return "EKS" }
    if gitVersion.contains("-gke.") || host.hasSuffix("gke.goog") { return "GKE" }
    if host.contains("azmk8s.io") { return "AKS" }
    if apiVersions.contains(where: { $0.hasPrefix("config.openshift.io/") || $0.hasPrefix("route.openshift.io/") }) {
      return "OpenShift"
    }
    return "other"
  }

  // MARK: - Reading kubectl's output

  private static func checkKubeconfig(_ kubectl: Kubectl) throws {
    // kubectl silently treats a missing --kubeconfig as an empty one and then complains about contexts instead.
    if let path = kubectl.kubeconfig, !FileManager.default.fileExists(atPath: path) {
      throw ClusterError.kubeconfigMissing(path: path)
    }
  }

  private struct MinifiedConfig: Decodable {
    struct NamedCluster: Decodable {
      var name: String
      var cluster: Cluster?
    }
    struct Cluster: Decodable { var server: String? }
    var clusters: [NamedCluster]?
    var currentContext: String?

    enum CodingKeys: String, CodingKey {
      case clusters
      case currentContext = "current-context"
    }
  }

  /// The context name and server address from `kubectl config view --minify -o json`.
  private static func minified(_ call: Kubectl.Call) throws -> (context: String, server: String) {
    let config: MinifiedConfig
    do {
      config = try JSONDecoder().decode(MinifiedConfig.self, from: call.stdout)
    } catch {
      throw ClusterError.unreadableOutput(command: call.command, detail: "not a kubeconfig in JSON")
    }
    guard let context = config.currentContext, !context.isEmpty else { throw ClusterError.noCurrentContext }
    return (context, config.clusters?.first?.cluster?.server ?? "unknown")
  }

  private struct VersionInfo: Decodable {
    struct Info: Decodable { var gitVersion: String? }
    var serverVersion: Info?
  }

  private static func serverVersion(_ data: Data) -> String? {
    (try? JSONDecoder().decode(VersionInfo.self, from: data))?.serverVersion?.gitVersion
  }

  /// Turns the Secret template's lines into a JSON `List` of Secrets that carry metadata and type, nothing else.
  static func secretList(_ call: Kubectl.Call) throws -> Data {
    var items: [[String: Any]] = []
    for line in String(decoding: call.stdout, as: UTF8.self).split(separator: "\n") {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 4, !fields[1].isEmpty else {
        throw ClusterError.unreadableOutput(
          command: call.command, detail: "expected namespace, name, type and account separated by tabs")
      }
      var metadata: [String: Any] = ["namespace": fields[0], "name": fields[1]]
      if !fields[3].isEmpty { metadata["annotations"] = ["kubernetes.io/service-account.name": fields[3]] }
      items.append(["apiVersion": "v1", "kind": "Secret", "metadata": metadata, "type": fields[2]])
    }
    return try JSONSerialization.data(withJSONObject: ["apiVersion": "v1", "kind": "List", "items": items])
  }

  private static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }
}

/// What a failed kubectl call means, read from the messages kubectl prints for the API server's status codes.
enum KubectlFailure: Equatable {
  case forbidden
  case unauthorized
  case unreachable(String)
  case notFound
  case noResourceType
  case other

  init(_ stderr: String) {
    let text = stderr.lowercased()
    // Forbidden first: its message quotes the user's name, which may itself contain "unauthorized".
    if text.contains("(forbidden)") || text.contains(" is forbidden") {
      self = .forbidden
    } else if text.contains("must be logged in") || text.contains("(unauthorized)") || text.contains("provide credentials") {
      self = .unauthorized
    } else if text.contains("doesn't have a resource type") {
      self = .noResourceType
    } else if text.contains("(notfound)") {
      self = .notFound
    } else if let detail = Self.unreachableSigns.first(where: { text.contains($0) }) {
      self = .unreachable(detail == "was refused" ? "connection refused" : detail)
    } else {
      self = .other
    }
  }

  /// Phrases of Go's network errors and kubectl's own, as they appear in its messages.
  static let unreachableSigns = [
    "connection refused", "was refused", "no such host", "i/o timeout", "network is unreachable", "no route to host",
    "tls handshake timeout", "client.timeout exceeded", "context deadline exceeded", "connection reset",
    "unable to connect",
  ]
}
