// rolecall — SPDX-License-Identifier: Apache-2.0

import GRDB
import RBACModel

/// A row of `snapshot`, with the counts of what it holds.
extension SnapshotInfo: FetchableRecord {
  public init(row: Row) {
    self.init(
      id: row["id"], name: row["name"], createdAt: row["created_at"], sources: JSONText.decodeList(row["sources"]),
      skippedKinds: JSONText.decode([String: Int].self, row["skipped_kinds"]) ?? [:],
      clusterRoles: row["cluster_roles"], roles: row["roles"], clusterRoleBindings: row["cluster_role_bindings"],
      roleBindings: row["role_bindings"], serviceAccounts: row["service_accounts"], namespaces: row["namespaces"],
      warnings: row["warnings"], distancesComputed: row["distances_computed"] ?? false,
      firstStepsStored: row["first_steps_stored"] ?? false, pathSteps: row["path_steps"] ?? 0)
  }
}
