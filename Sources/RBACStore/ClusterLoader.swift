// rolecall — SPDX-License-Identifier: Apache-2.0

import GRDB
import RBACModel

extension RolecallDatabase {
  /// Loads the snapshot's service accounts, namespaces, workloads, secret metadata and aws-auth mappings.
  public func clusterObjects(of snapshot: SnapshotInfo) throws -> ClusterObjects {
    try read { db in
      let rows = ClusterRows(db: db, snapshot: snapshot.id)
      return ClusterObjects(
        serviceAccounts: try rows.serviceAccounts().map(\.object), namespaces: try rows.namespaces().map(\.object),
        workloads: try rows.workloads().map(\.object), secrets: try rows.secrets().map(\.object),
        awsAuth: try rows.awsAuth())
    }
  }

  /// The stored steps from each graph node to `target` (`cluster-admin` or `node`), or nil when the snapshot was
  /// written without them; with `firstSteps`, each row's first step too where the snapshot has them (v5 on).
  public func distances(of snapshot: SnapshotInfo, to target: String, firstSteps: Bool = false) throws
    -> [StoredDistance]?
  {
    guard snapshot.distancesComputed else { return nil }
    let steps = firstSteps && snapshot.firstStepsStored
    return try read { db in
      var found: [StoredDistance] = []
      let rows = try Row.fetchCursor(
        db,
        sql: steps
          ? "SELECT node, steps, next_node, first_step FROM graph_distance WHERE snapshot_id = ? AND target = ?"
          : "SELECT node, steps FROM graph_distance WHERE snapshot_id = ? AND target = ?",
        arguments: [snapshot.id, target])
      while let row = try rows.next() {
        var distance = StoredDistance(node: row[0], steps: row[1])
        if steps, let next: String = row[2] {
          distance.firstStep = StoredStep(next: next, step: row[3])
        }
        found.append(distance)
      }
      return found
    }
  }
}

/// One row of `graph_distance`: a node, its steps to the target (-1: an identity that cannot reach it), and the
/// first step of one shortest path when it was asked for and stored.
public struct StoredDistance: Sendable {
  public var node: String
  public var steps: Int
  public var firstStep: StoredStep?
}

/// The rows of the objects besides roles and bindings, each with where it was read from: one decoder for the graph's
/// load (``RolecallDatabase/clusterObjects(of:)``) and the whole snapshot's (``RolecallDatabase/content(of:)``).
struct ClusterRows {
  let db: Database
  let snapshot: Int64

  static func source(_ row: Row, _ file: Int) -> ObjectSource {
    ObjectSource(file: row[file] ?? "", document: row[file + 1] ?? 0)
  }

  func serviceAccounts() throws -> [Sourced<ServiceAccount>] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT namespace, name, automount_token, source_file, source_document FROM service_account
        WHERE snapshot_id = ? ORDER BY namespace, name
        """, arguments: [snapshot]
    ).map {
      Sourced(ServiceAccount(namespace: $0[0], name: $0[1], automountServiceAccountToken: $0[2]), from: Self.source($0, 3))
    }
  }

  func namespaces() throws -> [Sourced<Namespace>] {
    try Row.fetchAll(
      db, sql: "SELECT name, labels, source_file, source_document FROM namespace WHERE snapshot_id = ? ORDER BY name",
      arguments: [snapshot]
    ).map { Sourced(Namespace(name: $0[0], labels: JSONText.decodeMap($0[1])), from: Self.source($0, 2)) }
  }

  func workloads() throws -> [Sourced<Workload>] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT kind, namespace, name, service_account, automount_token, node_name, on_every_node, privileged,
          host_path, host_pid, host_network, source_file, source_document FROM workload WHERE snapshot_id = ?
        ORDER BY namespace, kind, name
        """, arguments: [snapshot]
    ).map {
      Sourced(
        Workload(
          kind: $0[0], namespace: $0[1], name: $0[2], serviceAccount: $0[3], automountServiceAccountToken: $0[4],
          nodeName: $0[5], onEveryNode: $0[6], privileged: $0[7], hostPath: $0[8], hostPID: $0[9],
          hostNetwork: $0[10]), from: Self.source($0, 11))
    }
  }

  func secrets() throws -> [Sourced<SecretMetadata>] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT namespace, name, type, service_account_name, source_file, source_document FROM secret
        WHERE snapshot_id = ? ORDER BY namespace, name
        """, arguments: [snapshot]
    ).map {
      Sourced(SecretMetadata(namespace: $0[0], name: $0[1], type: $0[2], serviceAccountName: $0[3]), from: Self.source($0, 4))
    }
  }

  func awsAuth() throws -> [AWSAuthMapping] {
    try Row.fetchAll(
      db, sql: "SELECT source, arn, username, groups FROM aws_auth_mapping WHERE snapshot_id = ? ORDER BY seq",
      arguments: [snapshot]
    ).map { AWSAuthMapping(source: $0[0], arn: $0[1], username: $0[2], groups: JSONText.decodeList($0[3])) }
  }
}
