// rolecall — SPDX-License-Identifier: Apache-2.0

/// A resource type the API server serves: its plural name, group, short names and scope.
public struct APIResource: Sendable, Hashable {
  public var name: String
  public var group: String
  public var shortNames: [String]
  public var namespaced: Bool
  /// The singular form kubectl also accepts (`pod`, `deployment`).
  public var singular: String
}

/// Turns kubectl-style resource arguments (`po`, `deploy`, `pods/exec`, `deployments.v1.apps`, `foo.example.com`)
/// into request attributes, using the built-in resources of a current Kubernetes release.
///
/// Offline there is no discovery endpoint to ask, so unknown resources are taken at their word: `RES.GROUP` names a
/// group, a bare name means the core group, and both are assumed namespaced (``Resolution/assumed``).
public struct ResourceCatalog: Sendable {
  public let resources: [APIResource]

  /// A parsed resource argument.
  public struct Resolution: Sendable, Hashable {
    public var group: String
    public var resource: String
    public var subresource: String
    public var namespaced: Bool
    /// True when the resource is not built in and its group and scope were assumed.
    public var assumed: Bool
  }

  /// `group/resource` of every cluster-scoped resource.
  private let clusterScoped: Set<String>

  public init(resources: [APIResource] = ResourceCatalog.builtin) {
    self.resources = resources
    clusterScoped = Set(resources.filter { !$0.namespaced }.map { $0.group + "/" + $0.name })
  }

  /// Whether rules on `resource` (or `resource/subresource`) of `group` can only be used through a
  /// ClusterRoleBinding: the resource is known and cluster-scoped, so its requests carry no namespace and no
  /// RoleBinding is consulted for them. Unknown resources and `*` are not.
  public func isClusterScoped(group: String, resource: String) -> Bool {
    let base = resource.split(separator: "/", maxSplits: 1).first.map(String.init) ?? resource
    return clusterScoped.contains(group + "/" + base)
  }

  /// Whether a rule granted by a RoleBinding can allow anything of `group` and `resource`: not for a cluster-scoped
  /// resource, and never a non-resource URL (pass an empty resource).
  public func usableThroughRoleBinding(group: String, resource: String) -> Bool {
    !resource.isEmpty && !isClusterScoped(group: group, resource: resource)
  }

  /// Resolves `argument` (with an optional `--subresource`) to a group, resource and scope.
  public func resolve(_ argument: String, subresource explicitSubresource: String = "") -> Resolution {
    var text = Substring(argument.lowercased())
    var subresource = explicitSubresource
    if let slash = text.firstIndex(of: "/") {
      subresource = String(text[text.index(after: slash)...])
      text = text[..<slash]
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    var name = parts[0]
    var group: String? = nil
    if parts.count >= 3, Self.isVersion(parts[1]) {
      group = parts[2...].joined(separator: ".")
    } else if parts.count >= 2 {
      group = parts[1...].joined(separator: ".")
    }
    let candidates = resources.filter { r in
      (group == nil || r.group == group) && (r.name == name || r.singular == name || r.shortNames.contains(name))
    }
    // kubectl prefers the core group, then the first group in discovery order, when a bare name is ambiguous.
    if let match = candidates.first(where: { $0.group.isEmpty }) ?? candidates.first {
      name = match.name
      return Resolution(
        group: match.group, resource: name, subresource: subresource, namespaced: match.namespaced, assumed: false)
    }
    return Resolution(group: group ?? "", resource: name, subresource: subresource, namespaced: true, assumed: true)
  }

  /// `v1`, `v2beta1`, `v1alpha3`: the version part of `resource.version.group`.
  static func isVersion(_ text: String) -> Bool {
    guard text.hasPrefix("v"), let first = text.dropFirst().first, first.isNumber else { return false }
    let rest = text.dropFirst().drop(while: \.isNumber)
    if rest.isEmpty { return true }
    for stage in ["alpha", "beta"] where rest.hasPrefix(stage) {
      let number = rest.dropFirst(stage.count)
      return !number.isEmpty && number.allSatisfy(\.isNumber)
    }
    return false
  }
}

extension ResourceCatalog {
  /// The resources of the built-in API groups (Kubernetes 1.33), as `kubectl api-resources` lists them:
  /// name, short names, group, namespaced, singular. The last lines are what the API server authorizes without
  /// serving: the `signers` of CSR approval, and the identities of impersonation, which it checks cluster-wide for
  /// users, groups, uids and userextras (only `serviceaccounts` carry a namespace), so only a ClusterRoleBinding
  /// can grant them (upstream endpoints/filters/impersonation.go).
  public static let builtin: [APIResource] = table.split(separator: "\n").map { line in
    let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    return APIResource(
      name: f[0], group: f[2] == "-" ? "" : f[2],
      shortNames: f[1] == "-" ? [] : f[1].split(separator: ",").map(String.init),
      namespaced: f[3] == "true", singular: f[4])
  }

  private static let table = """
    bindings - - true binding
    componentstatuses cs - false componentstatus
    configmaps cm - true configmap
    endpoints ep - true endpoints
    events ev - true event
    limitranges limits - true limitrange
    namespaces ns - false namespace
    nodes no - false node
    persistentvolumeclaims pvc - true persistentvolumeclaim
    persistentvolumes pv - false persistentvolume
    pods po - true pod
    podtemplates - - true podtemplate
    replicationcontrollers rc - true replicationcontroller
    resourcequotas quota - true resourcequota
    secrets - - true secret
    serviceaccounts sa - true serviceaccount
    services svc - true service
    mutatingwebhookconfigurations - admissionregistration.k8s.io false mutatingwebhookconfiguration
    validatingwebhookconfigurations - admissionregistration.k8s.io false validatingwebhookconfiguration
    validatingadmissionpolicies - admissionregistration.k8s.io false validatingadmissionpolicy
    validatingadmissionpolicybindings - admissionregistration.k8s.io false validatingadmissionpolicybinding
    mutatingadmissionpolicies - admissionregistration.k8s.io false mutatingadmissionpolicy
    mutatingadmissionpolicybindings - admissionregistration.k8s.io false mutatingadmissionpolicybinding
    customresourcedefinitions crd,crds apiextensions.k8s.io false customresourcedefinition
    apiservices - apiregistration.k8s.io false apiservice
    controllerrevisions - apps true controllerrevision
    daemonsets ds apps true daemonset
    deployments deploy apps true deployment
    replicasets rs apps true replicaset
    statefulsets sts apps true statefulset
    selfsubjectreviews - authentication.k8s.io false selfsubjectreview
    tokenreviews - authentication.k8s.io false tokenreview
    localsubjectaccessreviews - authorization.k8s.io true localsubjectaccessreview
    selfsubjectaccessreviews - authorization.k8s.io false selfsubjectaccessreview
    selfsubjectrulesreviews - authorization.k8s.io false selfsubjectrulesreview
    subjectaccessreviews - authorization.k8s.io false subjectaccessreview
    horizontalpodautoscalers hpa autoscaling true horizontalpodautoscaler
    cronjobs cj batch true cronjob
    jobs - batch true job
    certificatesigningrequests csr certificates.k8s.io false certificatesigningrequest
    clustertrustbundles - certificates.k8s.io false clustertrustbundle
    leases - coordination.k8s.io true lease
    leasecandidates - coordination.k8s.io true leasecandidate
    endpointslices - discovery.k8s.io true endpointslice
    events ev events.k8s.io true event
    flowschemas - flowcontrol.apiserver.k8s.io false flowschema
    prioritylevelconfigurations - flowcontrol.apiserver.k8s.io false prioritylevelconfiguration
    ingressclasses - networking.k8s.io false ingressclass
    ingresses ing networking.k8s.io true ingress
    ipaddresses ip networking.k8s.io false ipaddress
    networkpolicies netpol networking.k8s.io true networkpolicy
    servicecidrs - networking.k8s.io false servicecidr
    runtimeclasses - node.k8s.io false runtimeclass
    poddisruptionbudgets pdb policy true poddisruptionbudget
    clusterrolebindings - rbac.authorization.k8s.io false clusterrolebinding
    clusterroles - rbac.authorization.k8s.io false clusterrole
    rolebindings - rbac.authorization.k8s.io true rolebinding
    roles - rbac.authorization.k8s.io true role
    deviceclasses - resource.k8s.io false deviceclass
    resourceclaims - resource.k8s.io true resourceclaim
    resourceclaimtemplates - resource.k8s.io true resourceclaimtemplate
    resourceslices - resource.k8s.io false resourceslice
    priorityclasses pc scheduling.k8s.io false priorityclass
    csidrivers - storage.k8s.io false csidriver
    csinodes - storage.k8s.io false csinode
    csistoragecapacities - storage.k8s.io true csistoragecapacity
    storageclasses sc storage.k8s.io false storageclass
    volumeattachments - storage.k8s.io false volumeattachment
    volumeattributesclasses vac storage.k8s.io false volumeattributesclass
    storageversionmigrations - storagemigration.k8s.io false storageversionmigration
    signers - certificates.k8s.io false signer
    users - - false user
    groups - - false group
    uids - authentication.k8s.io false uid
    userextras - authentication.k8s.io false userextra
    """
}
