// rolecall — SPDX-License-Identifier: Apache-2.0

/// A stored snapshot as the store describes it: its name, where it was read from, and the counts of what it holds.
/// Plain values, so that reports can print it without knowing how it is stored.
public struct SnapshotInfo: Sendable, Hashable, Codable {
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
  /// How many shortest-path steps per node and target `graph_step` holds (0: none).
  public var pathSteps: Int = 0
  /// Facts about the snapshot's origin, from `snapshot_label`.
  public var labels: [String: String] = [:]

  /// The label that names the cluster a snapshot was taken of: `ingest --cluster` sets it to the context, `--label
  /// cluster=NAME` names it for files. Fleet questions (`--clusters`) and references such as `cluster=prod-eu` go by
  /// it; a snapshot without it belongs to no cluster.
  public static let clusterLabel = "cluster"

  /// The snapshot's cluster, if it has one.
  public var cluster: String? { labels[Self.clusterLabel] }

  public init(
    id: Int64, name: String, createdAt: String, sources: [String], skippedKinds: [String: Int], clusterRoles: Int,
    roles: Int, clusterRoleBindings: Int, roleBindings: Int, serviceAccounts: Int, namespaces: Int, warnings: Int,
    distancesComputed: Bool, firstStepsStored: Bool, pathSteps: Int = 0, labels: [String: String] = [:]
  ) {
    (self.id, self.name, self.createdAt, self.sources, self.skippedKinds) = (id, name, createdAt, sources, skippedKinds)
    (self.clusterRoles, self.roles, self.clusterRoleBindings, self.roleBindings) =
      (clusterRoles, roles, clusterRoleBindings, roleBindings)
    (self.serviceAccounts, self.namespaces, self.warnings) = (serviceAccounts, namespaces, warnings)
    (self.distancesComputed, self.firstStepsStored, self.labels) = (distancesComputed, firstStepsStored, labels)
    self.pathSteps = pathSteps
  }
}

/// A query rolecall ships (queries/*.sql): its name and the first line of its leading comment.
public struct ShippedQuery: Sendable, Hashable, Codable {
  public var name: String
  public var summary: String

  public init(name: String, summary: String) {
    self.name = name
    self.summary = summary
  }
}

/// The result of a query: column names and rows of text (NULL as nil).
public struct QueryResult: Sendable, Hashable {
  public var columns: [String]
  public var rows: [[String?]]

  public init(columns: [String], rows: [[String?]]) {
    self.columns = columns
    self.rows = rows
  }
}
