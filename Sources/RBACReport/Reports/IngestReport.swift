// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import RBACStore

/// What an ingest stored and what it noticed; printed on stderr so that stdout stays clean for pipelines.
public struct IngestReport: Report {
  public var snapshot: SnapshotInfo
  public var diagnostics: [Diagnostic]
  /// How many diagnostics of one category the table shows before it summarizes the rest.
  public var shownPerCategory = 5

  public init(snapshot: SnapshotInfo, diagnostics: [Diagnostic]) {
    self.snapshot = snapshot
    self.diagnostics = diagnostics
  }

  private enum CodingKeys: String, CodingKey { case snapshot, diagnostics }

  public func table(wide: Bool) -> String {
    let s = snapshot
    var out = "snapshot \"\(s.name)\": \(s.clusterRoles) ClusterRoles, \(s.roles) Roles, "
      + "\(s.clusterRoleBindings) ClusterRoleBindings, \(s.roleBindings) RoleBindings, "
      + "\(s.serviceAccounts) ServiceAccounts, \(s.namespaces) Namespaces\n"
    if !s.skippedKinds.isEmpty {
      let skipped = s.skippedKinds.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }
      out += "skipped \(s.skippedKinds.values.reduce(0, +)) objects of other kinds: \(skipped.joined(separator: ", "))\n"
    }
    for category in Diagnostic.Category.allCases {
      let found = diagnostics.filter { $0.category == category }
      guard !found.isEmpty else { continue }
      out += "warning: \(found.count) \(category.rawValue):\n"
      let shown = wide ? found : Array(found.prefix(shownPerCategory))
      for d in shown { out += "  \(d)\n" }
      if shown.count < found.count {
        out += "  ... and \(found.count - shown.count) more (--verbose lists them all; all are kept in the table diagnostic)\n"
      }
    }
    return out
  }
}
