// rolecall — SPDX-License-Identifier: Apache-2.0

/// One line of "what can this identity do": verbs on one resource (with the same resource names) or one URL,
/// merged across every rule that grants them.
public struct EffectivePermission: Sendable, Hashable, Codable {
  /// The namespace the permission holds in; empty for cluster-wide (ClusterRoleBindings).
  public var namespace: String
  public var apiGroup: String
  /// `resource` or `resource/subresource`; empty for a non-resource URL.
  public var resource: String
  public var resourceNames: [String]
  /// Empty for a resource permission.
  public var nonResourceURL: String
  /// Sorted; `["*"]` when any rule grants every verb.
  public var verbs: [String]
  public var grants: [Grant]

  /// `resource.group/subresource` as kubectl prints it, or the URL.
  public var target: String {
    nonResourceURL.isEmpty ? Self.target(apiGroup: apiGroup, resource: resource) : nonResourceURL
  }

  /// `resource.group/subresource` as kubectl prints a resource of a group (the core group adds nothing).
  public static func target(apiGroup: String, resource: String) -> String {
    guard !apiGroup.isEmpty else { return resource }
    guard let slash = resource.firstIndex(of: "/") else { return resource + "." + apiGroup }
    return resource[..<slash] + "." + apiGroup + resource[slash...]
  }
}

/// Merges rules into ``EffectivePermission`` lines, as `kubectl auth can-i --list` compacts a rules review.
///
/// Each rule is broken down into one entry per (API group, resource, resource names) or per URL, and entries with
/// the same key have their verbs unioned; a role split in two or a rule repeated by two bindings therefore reads
/// as one line that lists both grants.
public enum PermissionMerger {
  private struct Key: Hashable {
    var namespace: String
    var apiGroup: String
    var resource: String
    var resourceNames: [String]
    var url: String
  }

  /// Only what can be used is listed: a RoleBinding's rules never allow a non-resource URL or a cluster-scoped
  /// resource (`catalog`), as neither request carries the namespace the binding holds in.
  ///
  /// - Parameter namespaceOf: the namespace each grant holds in (e.g. the binding's, or the request's).
  public static func merge(
    _ grants: [Grant], catalog: ResourceCatalog = ResourceCatalog(), namespaceOf: (Grant) -> String
  ) -> [EffectivePermission] {
    var order: [Key] = []
    var verbs: [Key: Set<String>] = [:]
    var sources: [Key: [Grant]] = [:]
    func add(_ key: Key, _ grant: Grant) {
      if verbs[key] == nil { order.append(key) }
      verbs[key, default: []].formUnion(grant.rule.verbs)
      if sources[key]?.contains(grant) != true { sources[key, default: []].append(grant) }
    }
    for grant in grants {
      let ns = namespaceOf(grant)
      let names = Array(Set(grant.rule.resourceNames)).sorted()
      let local = grant.binding.kind == .roleBinding
      for group in grant.rule.apiGroups {
        for resource in grant.rule.resources where !local || catalog.usableThroughRoleBinding(group: group, resource: resource) {
          add(Key(namespace: ns, apiGroup: group, resource: resource, resourceNames: names, url: ""), grant)
        }
      }
      for url in grant.rule.nonResourceURLs where !local {
        add(Key(namespace: ns, apiGroup: "", resource: "", resourceNames: [], url: url), grant)
      }
    }
    return order.map { key in
      let set = verbs[key]!
      return EffectivePermission(
        namespace: key.namespace, apiGroup: key.apiGroup, resource: key.resource,
        resourceNames: key.resourceNames, nonResourceURL: key.url,
        verbs: set.contains(Wildcard.all) ? [Wildcard.all] : set.sorted(), grants: sources[key]!)
    }.sorted {
      ($0.namespace, $0.nonResourceURL.isEmpty ? 0 : 1, $0.target, $0.resourceNames.joined(separator: ","))
        < ($1.namespace, $1.nonResourceURL.isEmpty ? 0 : 1, $1.target, $1.resourceNames.joined(separator: ","))
    }
  }
}
