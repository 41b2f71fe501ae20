// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACAnalysis
import RBACModel
import Testing

private func snapshot(_ id: Int64, _ cluster: String?, _ createdAt: String) -> SnapshotInfo {
  SnapshotInfo(
    id: id, name: "s\(id)", createdAt: createdAt, sources: [], skippedKinds: [:], clusterRoles: 0, roles: 0,
    clusterRoleBindings: 0, roleBindings: 0, serviceAccounts: 0, namespaces: 0, warnings: 0, distancesComputed: true,
    firstStepsStored: true, labels: cluster.map { [SnapshotInfo.clusterLabel: $0] } ?? [:])
}

private let history = [
  snapshot(1, "a", "2026-09-15T10:00:00Z"), snapshot(2, "a", "2026-10-01T10:00:00Z"),
  snapshot(3, "a", "2026-10-20T10:00:00Z"), snapshot(4, "a", "2026-11-30T08:00:00Z"),
  snapshot(5, "a", "2026-11-30T20:00:00Z"), snapshot(6, "a", "2026-12-01T09:00:00Z"),
  snapshot(7, "a", "2026-12-02T09:00:00Z"), snapshot(8, "a", "2026-12-02T18:00:00Z"),
  snapshot(9, "b", "2026-12-02T10:00:00Z"), snapshot(10, "b", "2026-12-02T11:00:00Z"),
  // Two snapshots of no cluster, older than everything: never pruned.
  snapshot(11, nil, "2026-01-01T00:00:00Z"), snapshot(12, nil, "2026-01-02T00:00:00Z"),
]

/// Per cluster, newest first: the latest of each of the last N days and M months that have a snapshot is kept.
@Test(arguments: [
  // a: 8 (Dec 2, Dec), 6 (Dec 1), 5 (Nov) kept; b: 10 kept.
  (2, 2, [1, 2, 3, 4, 7, 9] as [Int64]),
  // Only each cluster's latest.
  (0, 0, [1, 2, 3, 4, 5, 6, 7, 9]),
  // a: the latest of Dec, Nov, Oct and Sep.
  (0, 12, [2, 4, 6, 7, 9]),
  // a: the latest of its last 30 days with a snapshot: Dec 2, Dec 1, Nov 30, Oct 20, Oct 1, Sep 15.
  (30, 0, [4, 7, 9]),
])
func pruneKeepsTheLatestOfEachDayAndMonthPerCluster(daily: Int, monthly: Int, removed: [Int64]) {
  #expect(Fleet.prunable(history, keepDaily: daily, keepMonthly: monthly).map(\.id) == removed)
}
