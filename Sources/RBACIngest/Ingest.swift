// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACModel

/// The ingest pipeline: inputs → decoded manifests → one normalized ``SnapshotContent``.
///
/// Normalizing settles everything a later stage would otherwise redo: namespaces defaulted as `kubectl apply`
/// would, duplicates resolved (the later object wins), aggregated ClusterRoles computed, and the objects checked
/// for the ways RBAC silently grants less than it seems to.
public enum Ingest {
  /// How inputs are read.
  public struct Options: Sendable {
    /// The namespace of namespaced objects that name none.
    public var defaultNamespace: String
    /// A snapshot to build on (`ingest --base`): its objects, replaced by any object of the inputs with the same
    /// kind, namespace and name, and completed by the rest.
    public var base: (name: String, content: SnapshotContent)?
    /// Whether inputs without any object make a snapshot rather than an error.
    public var allowEmpty: Bool

    public init(
      defaultNamespace: String = "default", base: (name: String, content: SnapshotContent)? = nil,
      allowEmpty: Bool = false
    ) {
      self.defaultNamespace = defaultNamespace
      self.base = base
      self.allowEmpty = allowEmpty
    }
  }

  /// Reads and normalizes every input. `standardInput` is read only if `-` is among the paths.
  public static func read(
    paths: [String], options: Options = Options(),
    standardInput: () throws -> Data = { try InputLimits.contents(of: FileHandle.standardInput, name: "-") }
  ) throws -> SnapshotContent {
    let (files, skipped) = try ManifestReader.inputs(paths)
    guard !files.isEmpty else { throw IngestError.noInput(paths: paths) }
    var located: [Located] = []
    for file in files {
      let data = file == "-" ? try standardInput() : try InputLimits.contents(ofFile: file)
      do {
        located += try ManifestReader.manifests(in: data, file: file)
      } catch let error as IngestError {
        // An unrendered template fails somewhere in its YAML: say why, not only where.
        if holdsTemplateAction(data) {
          throw IngestError.unrenderedTemplate(path: file == "-" ? "stdin" : file, detail: "\(error)")
        }
        throw error
      }
    }
    // A CI gate fed by a failed `helm template | rolecall ingest -` must not read "no changes".
    guard !located.isEmpty || options.allowEmpty else { throw IngestError.noObjects(paths: paths) }
    var content = try normalize(located, options: options)
    content.diagnostics += skipped.map { Diagnostic(.skippedFile, "\($0.file): \($0.why): skipped") }
    return content
  }

  /// Whether the bytes hold a Go template action as Helm charts write them: `{{` followed by a space, `-`, `.` or
  /// `/` (`{{ .Values.x }}`, `{{- if }}`, `{{.Release.Name}}`, `{{/* a comment */}}`). EKS's aws-auth holds `{{EC2PrivateDNSName}}` and
  /// `{{SessionName}}` in every cluster, placeholders the authenticator fills: they are not a template left unrendered.
  public static func holdsTemplateAction(_ data: Data) -> Bool {
    let open = Data("{{".utf8)
    var from = data.startIndex
    while let found = data.range(of: open, in: from..<data.endIndex) {
      if found.upperBound < data.endIndex && " -./".utf8.contains(data[found.upperBound]) { return true }
      from = found.lowerBound + 1
    }
    return false
  }

  /// Reads one in-memory document set, as if it were a file named `file`.
  public static func read(data: Data, file: String, options: Options = Options()) throws -> SnapshotContent {
    try normalize(ManifestReader.manifests(in: data, file: file), options: options)
  }

  // MARK: - Normalizing

  static func normalize(_ manifests: [Located], options: Options) throws -> SnapshotContent {
    var builder = Builder(defaultNamespace: options.defaultNamespace)
    if let base = options.base { builder.start(from: base.content, named: base.name) }
    for item in manifests { try builder.add(item.manifest, from: item.source, path: []) }
    return builder.finish()
  }

  /// Accumulates objects keyed by kind/namespace/name so that a later duplicate replaces an earlier one.
  struct Builder {
    let defaultNamespace: String
    var content = SnapshotContent()
    var positions: [String: Int] = [:]
    /// Keys of base objects not yet replaced: replacing one is the point of `--base`, not a duplicate.
    var fromBase: Set<String> = []

    init(defaultNamespace: String) {
      self.defaultNamespace = defaultNamespace
    }

    /// Seeds the builder with a stored snapshot's objects. Its diagnostics are not carried over: they were reported
    /// when it was ingested, and the checks that depend on the whole set of objects run again in ``finish()``.
    mutating func start(from base: SnapshotContent, named name: String) {
      content = base
      content.diagnostics = []
      content.labels["base"] = name
      func seed<T: StoredObject>(_ list: [Sourced<T>]) {
        for (i, item) in list.enumerated() {
          positions[item.object.identityKey] = i
          fromBase.insert(item.object.identityKey)
        }
      }
      seed(content.clusterRoles)
      seed(content.roles)
      seed(content.clusterRoleBindings)
      seed(content.roleBindings)
      seed(content.serviceAccounts)
      seed(content.namespaces)
      seed(content.workloads)
      seed(content.secrets)
      seed(content.customResources)
      content.overlay = SnapshotContent.Overlay(base: name)
    }

    mutating func add(_ manifest: Manifest, from source: ObjectSource, path: [String]) throws {
      switch manifest {
      case .list(let items):
        for (i, item) in items.enumerated() { try add(item, from: source, path: path + ["items[\(i)]"]) }
      case .other(let apiVersion, let kind):
        content.skippedKinds[apiVersion.isEmpty ? kind : apiVersion + "/" + kind, default: 0] += 1
      case .role(let raw):
        let ns = namespace(raw.metadata)
        let name = try required(raw.metadata.name, "metadata.name", source, path)
        let role = Role(namespace: ns, name: name, rules: (raw.rules ?? []).map(\.rule))
        upsert(Sourced(role, from: source), \.roles)
      case .clusterRole(let raw):
        let name = try required(raw.metadata.name, "metadata.name", source, path)
        let aggregation = raw.aggregationRule.map { rule in
          AggregationRule(
            clusterRoleSelectors: (rule.clusterRoleSelectors ?? []).map { selector in
              LabelSelector(
                matchLabels: selector.matchLabels ?? [:],
                matchExpressions: (selector.matchExpressions ?? []).map {
                  .init(key: $0.key, operator: $0.operator, values: $0.values ?? [])
                })
            })
        }
        let role = ClusterRole(
          name: name, labels: raw.metadata.labels ?? [:], rules: (raw.rules ?? []).map(\.rule),
          aggregationRule: aggregation)
        upsert(Sourced(role, from: source), \.clusterRoles)
      case .roleBinding(let raw):
        let ns = namespace(raw.metadata)
        let name = try required(raw.metadata.name, "metadata.name", source, path)
        let binding = RoleBinding(
          namespace: ns, name: name, roleRef: try roleRef(raw, source, path),
          subjects: try subjects(raw, "RoleBinding \"\(ns)/\(name)\"", source, path))
        upsert(Sourced(binding, from: source), \.roleBindings)
      case .clusterRoleBinding(let raw):
        let name = try required(raw.metadata.name, "metadata.name", source, path)
        let binding = ClusterRoleBinding(
          name: name, roleRef: try roleRef(raw, source, path),
          subjects: try subjects(raw, "ClusterRoleBinding \"\(name)\"", source, path))
        upsert(Sourced(binding, from: source), \.clusterRoleBindings)
      case .serviceAccount(let raw):
        let ns = namespace(raw.metadata)
        let name = try required(raw.metadata.name, "metadata.name", source, path)
        let account = ServiceAccount(
          namespace: ns, name: name, automountServiceAccountToken: raw.automountServiceAccountToken)
        upsert(Sourced(account, from: source), \.serviceAccounts)
      case .workload(let kind, let raw):
        let ns = namespace(raw.metadata)
        let name = try required(raw.metadata.name, "metadata.name", source, path)
        let spec = raw.spec
        let account = spec?.serviceAccountName ?? spec?.serviceAccount
        let workload = Workload(
          kind: kind, namespace: ns, name: name,
          serviceAccount: account.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
          automountServiceAccountToken: spec?.automountServiceAccountToken, nodeName: spec?.nodeName,
          onEveryNode: kind == "DaemonSet", privileged: spec?.privileged ?? false,
          hostPath: spec?.volumes?.contains { $0.hostPath != nil } ?? false, hostPID: spec?.hostPID ?? false,
          hostNetwork: spec?.hostNetwork ?? false)
        upsert(Sourced(workload, from: source), \.workloads)
      case .secret(let raw):
        let ns = namespace(raw.metadata)
        let name = try required(raw.metadata.name, "metadata.name", source, path)
        let secret = SecretMetadata(
          namespace: ns, name: name, type: raw.type ?? "Opaque",
          serviceAccountName: raw.metadata.annotations?["kubernetes.io/service-account.name"])
        upsert(Sourced(secret, from: source), \.secrets)
      case .awsAuth(let raw):
        guard namespace(raw.metadata) == "kube-system" else {
          content.skippedKinds["v1/ConfigMap", default: 0] += 1
          return
        }
        if content.overlay != nil && !content.awsAuth.isEmpty {
          content.overlay!.replaced.append("ConfigMap \"kube-system/aws-auth\"")
        }
        content.awsAuth = AWSAuth.mappings(raw.data ?? [:], source: source, diagnostics: &content.diagnostics)
      case .customResourceDefinition(let raw):
        _ = try required(raw.metadata.name, "metadata.name", source, path)
        let group = try required(raw.spec?.group ?? "", "spec.group", source, path)
        let plural = try required(raw.spec?.names?.plural ?? "", "spec.names.plural", source, path)
        let scope = raw.spec?.scope ?? ""
        guard scope == "Namespaced" || scope == "Cluster" else {
          throw invalid(
            source, path, "spec.scope", scope.isEmpty ? "must be Namespaced or Cluster" : "\"\(scope)\" is not Namespaced or Cluster")
        }
        let resource = CustomResource(
          group: group, plural: plural, singular: raw.spec?.names?.singular ?? "", kind: raw.spec?.names?.kind ?? "",
          shortNames: raw.spec?.names?.shortNames ?? [], namespaced: scope == "Namespaced")
        upsert(Sourced(resource, from: source), \.customResources)
      case .namespace(let raw):
        let name = try required(raw.metadata.name, "metadata.name", source, path)
        upsert(Sourced(Namespace(name: name, labels: raw.metadata.labels ?? [:]), from: source), \.namespaces)
      }
    }

    private mutating func upsert<T: StoredObject>(
      _ object: Sourced<T>, _ list: WritableKeyPath<SnapshotContent, [Sourced<T>]>
    ) {
      let key = object.object.identityKey
      let kind = object.object.kindName
      let namespace = object.object.objectNamespace
      let name = object.object.objectName
      let label = namespace.isEmpty ? name : namespace + "/" + name
      if fromBase.remove(key) != nil {
        content.overlay?.replaced.append("\(kind) \"\(label)\"")
        content[keyPath: list][positions[key]!] = object
      } else if let index = positions[key] {
        let earlier = content[keyPath: list][index].source
        content.diagnostics.append(
          Diagnostic(
            .duplicateObject, "\(kind) \"\(label)\" also defined at \(earlier); the later definition wins",
            source: object.source))
        content[keyPath: list][index] = object
      } else {
        positions[key] = content[keyPath: list].count
        content[keyPath: list].append(object)
        if content.overlay != nil { content.overlay!.added += 1 }
      }
    }

    private func invalid(_ source: ObjectSource, _ path: [String], _ field: String, _ message: String) -> IngestError {
      .invalidField(
        file: source.file, document: source.document, field: (path + [field]).joined(separator: "."), message: message)
    }

    private func required(_ value: String, _ field: String, _ source: ObjectSource, _ path: [String]) throws -> String {
      guard !value.isEmpty else { throw invalid(source, path, field, "must not be empty") }
      return value
    }

    /// The object's namespace, or the default one, as `kubectl apply -n` would place it.
    private func namespace(_ metadata: RawMetadata) -> String {
      guard let ns = metadata.namespace, !ns.isEmpty else { return defaultNamespace }
      return ns
    }

    private func roleRef(_ raw: RawBinding, _ source: ObjectSource, _ path: [String]) throws -> RoleRef {
      _ = try required(raw.roleRef.name, "roleRef.name", source, path)
      return raw.roleRef
    }

    private mutating func subjects(
      _ raw: RawBinding, _ label: String, _ source: ObjectSource, _ path: [String]
    ) throws -> [Subject] {
      var subjects: [Subject] = []
      for (i, subject) in (raw.subjects ?? []).enumerated() {
        _ = try required(subject.name, "subjects[\(i)].name", source, path)
        guard let kind = Subject.Kind(rawValue: subject.kind) else {
          content.diagnostics.append(
            Diagnostic(
              .unknownSubjectKind,
              "\(label): subjects[\(i)] has unknown kind \"\(subject.kind)\" (expected User, Group or "
                + "ServiceAccount); it is ignored, as the API server's authorizer ignores it", source: source))
          continue
        }
        subjects.append(Subject(kind: kind, name: subject.name, namespace: subject.namespace ?? ""))
      }
      return subjects
    }

    mutating func finish() -> SnapshotContent {
      let (resolved, invalid) = Aggregation.resolve(content.clusterRoles.map(\.object))
      for i in resolved.indices { content.clusterRoles[i].object = resolved[i] }
      for selector in invalid {
        let source = content.clusterRoles.first { $0.object.name == selector.clusterRole }?.source
        content.diagnostics.append(
          Diagnostic(
            .invalidAggregationSelector,
            "ClusterRole \"\(selector.clusterRole)\": aggregationRule.clusterRoleSelectors[\(selector.selectorIndex)] "
              + "is invalid (\(selector.reason)); it selects nothing", source: source))
      }
      content.diagnostics += BindingChecks.run(content)
      return content
    }
  }
}
