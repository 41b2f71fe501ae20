// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// `can-i --list -o matrix` and `perms -o matrix`: every resource the snapshot knows against the verbs, yes / no /
/// partial; with `-A`, then each namespace where the identity's answer differs from the first matrix.
public struct AccessMatrixReport: Report {
  public var subject: String
  public var user: String
  public var groups: [String]
  /// The matrix asked for (cluster-wide, or in one namespace).
  public var matrix: AccessMatrix
  /// With `-A`: per namespace, only the namespaced rows whose answer differs from ``matrix``.
  public var namespaces: [AccessMatrix]?
  public var notes: [String]

  public init(subject: String, user: UserInfo, matrix: AccessMatrix, namespaces: [AccessMatrix]?, notes: [String]) {
    self.subject = subject
    self.user = user.name
    self.groups = user.groups
    self.matrix = matrix
    self.namespaces = namespaces
    self.notes = notes
  }

  public func special(_ format: OutputFormat) -> String? {
    format == .matrix ? table(wide: false) : nil
  }

  /// The grid; `wide` adds, under it, the grants behind every yes and partial.
  public func table(wide: Bool) -> String {
    var out = Self.grid(matrix, wide: wide, heading: matrix.namespace.isEmpty
      ? "cluster-wide (namespaced resources in every namespace):" : "in namespace \"\(matrix.namespace)\":")
    if let namespaces {
      if namespaces.isEmpty { out += "\nno namespace differs: no RoleBinding adds to the answer above\n" }
      for other in namespaces {
        out += "\n" + Self.grid(other, wide: wide, heading: "namespace \"\(other.namespace)\" (rows that differ):")
      }
    }
    for note in notes { out += "note: \(note)\n" }
    return out
  }

  static func grid(_ matrix: AccessMatrix, wide: Bool, heading: String) -> String {
    var table = TextTable(["RESOURCE"] + AccessMatrix.verbs.map { $0.uppercased() })
    var behind: [[String]] = []
    for row in matrix.rows {
      table.add([row.resource] + row.access.map(\.rawValue))
      guard wide else { continue }
      for (verb, grants) in zip(AccessMatrix.verbs, row.grants) {
        for grant in grants {
          let names = grant.rule.resourceNames.isEmpty ? "" : " (only \(grant.rule.resourceNames.joined(separator: ", ")))"
          behind.append([row.resource, verb, grant.via + " " + grant.ruleText + names])
        }
      }
    }
    var out = heading + "\n" + table.text
    if !behind.isEmpty {
      var granted = TextTable(["RESOURCE", "VERB", "GRANTED BY"])
      for line in behind { granted.add(line) }
      out += "\n" + granted.text
    }
    return out
  }
}
