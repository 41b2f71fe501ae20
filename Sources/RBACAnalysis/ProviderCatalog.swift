// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Yams

/// The provider-managed identities of data/provider-identities.yaml.
public struct ProviderCatalog: Sendable, Decodable {
  public struct Identity: Sendable, Decodable {
    public var provider: String
    /// User, Group, ServiceAccount (`namespace/name`), ClusterRole or ClusterRoleBinding.
    public var kind: String
    /// `*` matches any run of characters.
    public var pattern: String
    public var note: String

    public func matches(kind: String, name: String) -> Bool {
      kind == self.kind && Glob.matches(pattern, name)
    }
  }

  public struct Invisible: Sendable, Decodable {
    public var provider: String
    public var note: String
  }

  public var identities: [Identity]
  public var invisible: [Invisible]

  /// The catalog rolecall ships.
  public static let shipped: ProviderCatalog = {
    do {
      return try YAMLDecoder().decode(ProviderCatalog.self, from: EmbeddedData.providerIdentities)
    } catch {
      // The file is embedded at build time and checked by a test, so this cannot fail in a released binary.
      preconditionFailure("data/provider-identities.yaml does not decode: \(error)")
    }
  }()

  /// The first entry that matches, if any.
  public func match(kind: String, name: String) -> Identity? {
    identities.first { $0.matches(kind: kind, name: name) }
  }
}
