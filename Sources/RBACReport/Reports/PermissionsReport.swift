// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// What an identity can do: `can-i --list` (one namespace) and `perms` (everywhere), merged, with provenance.
public struct PermissionsReport: Report {
  public var subject: String
  public var user: String
  public var groups: [String]
  /// The namespace of a `can-i --list`; nil for `perms`, which covers every namespace.
  public var namespace: String?
  /// True when the identity is in `system:masters` and may therefore do everything, whatever the lines below say.
  public var unrestricted: Bool
  public var permissions: [EffectivePermission]
  public var notes: [String]

  public init(
    subject: String, user: UserInfo, namespace: String?, permissions: [EffectivePermission], notes: [String]
  ) {
    self.subject = subject
    self.user = user.name
    self.groups = user.groups
    self.namespace = namespace
    self.unrestricted = user.isPrivileged
    self.permissions = permissions
    self.notes = notes
  }

  public func table(wide: Bool) -> String {
    var header = ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
    if namespace == nil { header.insert("Scope", at: 0) }
    if wide { header.append("Granted By") }
    var table = TextTable(header)
    for row in rows(wide: wide, scope: namespace == nil) { table.add(row) }
    var out = ""
    if unrestricted {
      out += "\(user) is in system:masters: the API server allows it everything, whatever RBAC grants below.\n"
    }
    out += permissions.isEmpty ? "no RBAC permissions\n" : table.text
    for note in notes { out += "note: \(note)\n" }
    return out
  }

  /// One row per merged permission, its scope first when `scope`; wide, one per grant behind it.
  func rows(wide: Bool, scope: Bool) -> [[String]] {
    var rows: [[String]] = []
    for p in permissions {
      var row = [
        p.nonResourceURL.isEmpty ? p.target : "", p.nonResourceURL.isEmpty ? "[]" : "[\(p.nonResourceURL)]",
        "[" + p.resourceNames.joined(separator: " ") + "]", "[" + p.verbs.joined(separator: " ") + "]",
      ]
      if scope { row.insert(p.namespace.isEmpty ? "cluster" : "namespace/\(p.namespace)", at: 0) }
      guard wide else {
        rows.append(row)
        continue
      }
      for (i, grant) in p.grants.enumerated() {
        let provenance = grant.via + " rule \(grant.ruleIndex)" + grant.aggregationNote
        rows.append((i == 0 ? row : Array(repeating: "", count: row.count)) + [provenance])
      }
    }
    return rows
  }
}

extension PermissionsReport: FleetRows {
  public func fleetHeader(wide: Bool) -> [String] {
    ["SCOPE", "RESOURCES", "NON-RESOURCE URLS", "RESOURCE NAMES", "VERBS"] + (wide ? ["GRANTED BY"] : [])
  }

  /// The rows of ``table(wide:)`` with their scope; a member of system:masters says so first.
  public func fleetRows(wide: Bool) -> [[String]] {
    let blank = wide ? [""] : []
    let rows = (unrestricted ? [["*", "(system:masters: everything)", "", "", ""] + blank] : [])
      + rows(wide: wide, scope: true)
    return rows.isEmpty ? [["-", "no RBAC permissions", "", "", ""] + blank] : rows
  }

  public var fleetNotes: [String] { notes }
}
