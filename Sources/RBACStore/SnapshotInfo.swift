// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACModel

/// A row of `snapshot`, with the counts of what it holds.
extension SnapshotInfo {
  /// The columns ``init(_:)`` reads, in its order.
  static let columns = """
    id, name, created_at, sources, skipped_kinds, cluster_roles, roles, cluster_role_bindings, role_bindings,
    service_accounts, namespaces, warnings, distances_computed, first_steps_stored, path_steps
    """

  /// ``columns`` of table `s`.
  static let columnsOfS = columns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    .joined(separator: ", ")

  init(_ row: any SQLRow) {
    self.init(
      id: row.int64(0), name: row.text(1), createdAt: row.text(2), sources: JSONText.decodeList(row.text(3)),
      skippedKinds: JSONText.decode([String: Int].self, row.text(4)) ?? [:], clusterRoles: row.int(5),
      roles: row.int(6), clusterRoleBindings: row.int(7), roleBindings: row.int(8), serviceAccounts: row.int(9),
      namespaces: row.int(10), warnings: row.int(11), distancesComputed: row.bool(12), firstStepsStored: row.bool(13),
      pathSteps: row.int(14))
  }
}
