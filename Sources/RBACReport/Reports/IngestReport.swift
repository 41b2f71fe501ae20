// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// What an ingest stored and what it noticed; printed on stderr so that stdout stays clean for pipelines.
public struct IngestReport: Report {
  public var snapshot: SnapshotInfo
  public var diagnostics: [Diagnostic]
  /// With `--base`: what the inputs did to the base snapshot.
  public var overlay: Overlay?
  /// How many diagnostics of one category the table shows before it summarizes the rest.
  public var shownPerCategory = 5

  /// The base snapshot and the objects the inputs replaced or added.
  public struct Overlay: Encodable, Sendable {
    public var base: String
    public var replaced: [String]
    public var added: Int

    public init(_ overlay: SnapshotContent.Overlay) {
      base = overlay.base
      replaced = overlay.replaced
      added = overlay.added
    }
  }

  public init(snapshot: SnapshotInfo, diagnostics: [Diagnostic], overlay: SnapshotContent.Overlay? = nil) {
    self.snapshot = snapshot
    self.diagnostics = diagnostics
    self.overlay = overlay.map(Overlay.init)
  }

  private enum CodingKeys: String, CodingKey { case snapshot, diagnostics, overlay }

  public func table(wide: Bool) -> String {
    let s = snapshot
    var out = "snapshot \"\(s.name)\": \(s.clusterRoles) ClusterRoles, \(s.roles) Roles, "
      + "\(s.clusterRoleBindings) ClusterRoleBindings, \(s.roleBindings) RoleBindings, "
      + "\(s.serviceAccounts) ServiceAccounts, \(s.namespaces) Namespaces\n"
    if let overlay {
      out += "built on snapshot \"\(overlay.base)\": \(overlay.replaced.count) object(s) replaced, \(overlay.added) added\n"
      let shown = wide ? overlay.replaced : Array(overlay.replaced.prefix(shownPerCategory))
      for r in shown { out += "  replaced \(r)\n" }
      if shown.count < overlay.replaced.count { out += "  ... and \(overlay.replaced.count - shown.count) more (--verbose lists them all)\n" }
    }
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
