// rolecall — SPDX-License-Identifier: Apache-2.0

import GRDB
import RBACModel

extension RolecallDatabase {
  /// Loads the snapshot's service accounts, namespaces, workloads, secret metadata and aws-auth mappings.
  public func clusterObjects(of snapshot: SnapshotInfo) throws -> ClusterObjects {
    try read { db in
      var objects = ClusterObjects()
      let id = snapshot.id
      objects.serviceAccounts = try Row.fetchAll(
        db, sql: "SELECT namespace, name, automount_token FROM service_account WHERE snapshot_id = ?", arguments: [id]
      ).map { ServiceAccount(namespace: $0[0], name: $0[1], automountServiceAccountToken: $0[2]) }
      objects.namespaces = try Row.fetchAll(
        db, sql: "SELECT name, labels FROM namespace WHERE snapshot_id = ?", arguments: [id]
      ).map { Namespace(name: $0[0], labels: JSONText.decodeMap($0[1])) }
      objects.workloads = try Row.fetchAll(
        db,
        sql: """
          SELECT kind, namespace, name, service_account, automount_token, node_name, on_every_node, privileged,
            host_path, host_pid, host_network FROM workload WHERE snapshot_id = ? ORDER BY namespace, kind, name
          """, arguments: [id]
      ).map {
        Workload(
          kind: $0[0], namespace: $0[1], name: $0[2], serviceAccount: $0[3], automountServiceAccountToken: $0[4],
          nodeName: $0[5], onEveryNode: $0[6], privileged: $0[7], hostPath: $0[8], hostPID: $0[9], hostNetwork: $0[10])
      }
      objects.secrets = try Row.fetchAll(
        db, sql: "SELECT namespace, name, type, service_account_name FROM secret WHERE snapshot_id = ?", arguments: [id]
      ).map { SecretMetadata(namespace: $0[0], name: $0[1], type: $0[2], serviceAccountName: $0[3]) }
      objects.awsAuth = try Row.fetchAll(
        db, sql: "SELECT source, arn, username, groups FROM aws_auth_mapping WHERE snapshot_id = ? ORDER BY seq",
        arguments: [id]
      ).map { AWSAuthMapping(source: $0[0], arn: $0[1], username: $0[2], groups: JSONText.decodeList($0[3])) }
      return objects
    }
  }

  /// The stored steps from each graph node to `target` (`cluster-admin` or `node`), or nil when the snapshot was
  /// written without them.
  public func distances(of snapshot: SnapshotInfo, to target: String) throws -> [String: Int]? {
    guard snapshot.distancesComputed else { return nil }
    return try read { db in
      var found: [String: Int] = [:]
      let rows = try Row.fetchCursor(
        db, sql: "SELECT node, steps FROM graph_distance WHERE snapshot_id = ? AND target = ?",
        arguments: [snapshot.id, target])
      while let row = try rows.next() { found[row[0]] = row[1] }
      return found
    }
  }
}
