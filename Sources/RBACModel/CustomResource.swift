// rolecall — SPDX-License-Identifier: Apache-2.0

/// A resource a CustomResourceDefinition adds to the API: what a question needs to know of it (its group, names and
/// scope), so that `clusterissuers.cert-manager.io` is asked cluster-wide like the API server asks it.
public struct CustomResource: Sendable, Hashable, Codable {
  public var group: String
  public var plural: String
  public var singular: String
  public var kind: String
  public var shortNames: [String]
  /// `spec.scope`: Namespaced (true) or Cluster.
  public var namespaced: Bool

  public init(group: String, plural: String, singular: String = "", kind: String = "", shortNames: [String] = [], namespaced: Bool) {
    self.group = group
    self.plural = plural
    self.singular = singular
    self.kind = kind
    self.shortNames = shortNames
    self.namespaced = namespaced
  }

  /// The entry of the resource catalog it makes.
  public var apiResource: APIResource {
    APIResource(
      name: plural, group: group, shortNames: shortNames, namespaced: namespaced,
      singular: singular.isEmpty ? kind.lowercased() : singular)
  }
}

extension CustomResource: StoredObject {
  public var kindName: String { "CustomResourceDefinition" }
  public var objectNamespace: String { "" }
  /// The CRD's own name, which the API server requires to be `PLURAL.GROUP`.
  public var objectName: String { plural + "." + group }
}

extension ResourceCatalog {
  /// The built-in resources and those the snapshot's CustomResourceDefinitions add.
  public init(custom: [CustomResource]) {
    self.init(resources: ResourceCatalog.builtin + custom.map(\.apiResource))
  }
}
