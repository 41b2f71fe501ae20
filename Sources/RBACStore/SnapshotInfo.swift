// rolecall — SPDX-License-Identifier: Apache-2.0

import GRDB

/// A row of `snapshot`, with the counts of what it holds.
public struct SnapshotInfo: Sendable, Hashable, Codable, FetchableRecord {
  public var id: Int64
  public var name: String
  public var createdAt: String
  public var sources: [String]
  public var skippedKinds: [String: Int]
  public var clusterRoles: Int
  public var roles: Int
  public var clusterRoleBindings: Int
  public var roleBindings: Int
  public var serviceAccounts: Int
  public var namespaces: Int
  public var warnings: Int
  /// Whether `graph_distance` holds the snapshot's escalation distances.
  public var distancesComputed: Bool
  /// Whether `graph_distance` also holds each node's first step.
  public var firstStepsStored: Bool
  /// Facts about the snapshot's origin, from `snapshot_label`.
  public var labels: [String: String] = [:]

  public init(row: Row) {
    id = row["id"]
    name = row["name"]
    createdAt = row["created_at"]
    sources = JSONText.decodeList(row["sources"])
    skippedKinds = JSONText.decode([String: Int].self, row["skipped_kinds"]) ?? [:]
    clusterRoles = row["cluster_roles"]
    roles = row["roles"]
    clusterRoleBindings = row["cluster_role_bindings"]
    roleBindings = row["role_bindings"]
    serviceAccounts = row["service_accounts"]
    namespaces = row["namespaces"]
    warnings = row["warnings"]
    distancesComputed = row["distances_computed"] ?? false
    firstStepsStored = row["first_steps_stored"] ?? false
  }
}
