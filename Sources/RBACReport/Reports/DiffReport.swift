// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Parallel
import RBACDiff
import RBACGraph
import RBACModel

/// `diff`: what two snapshots allow differently, permission-level first, objects last.
public struct DiffReport: Report {
  public var diff: SnapshotDiff
  /// Where each binding was read from (`ClusterRoleBinding "x"` → file), for SARIF locations; not encoded.
  public var bindingFiles: [String: String]

  public init(diff: SnapshotDiff, bindingFiles: [String: String] = [:]) {
    self.diff = diff
    self.bindingFiles = bindingFiles
  }

  public func encode(to encoder: any Encoder) throws { try diff.encode(to: encoder) }

  // MARK: - Words shared by every format

  static func pathLine(_ p: PathChange) -> String {
    func steps(_ n: Int?) -> String { n.map { "\($0) step(s)" } ?? "unreachable" }
    var text: String
    switch p.kind {
    case .appeared: text = "\(p.identity) now reaches \(p.target) in \(steps(p.stepsAfter))"
    case .disappeared: text = "\(p.identity) no longer reaches \(p.target) (was \(steps(p.stepsBefore)))"
    case .shorter, .longer:
      text = "\(p.identity) reaches \(p.target) in \(steps(p.stepsAfter)) (was \(steps(p.stepsBefore)))"
    }
    if p.members > 0 { text += membersText(p.members, p.memberExamples) }
    if p.through > 0 {
      text += "; \(p.through) more identit\(p.through == 1 ? "y" : "ies") now \(p.kind == .disappeared ? "lost their path" : "go") "
        + "through it " + examples(p.through, p.throughExamples)
    }
    return text
  }

  static func firstStepLine(_ p: PathChange) -> String? {
    guard let step = p.firstStep else { return nil }
    let evidence = step.evidence.first.map { ": " + PathsReport.describe($0) } ?? ""
    return "first step: \(step)\(evidence)"
  }

  static func adminLine(_ a: AdminChange) -> String {
    (a.became ? "\(a.identity) became allowed everything" : "\(a.identity) is no longer allowed everything")
      + (a.members > 0 ? membersText(a.members, a.memberExamples) : "")
  }

  static func membersText(_ count: Int, _ shown: [GraphNode]) -> String {
    ", and with it \(count) member(s) " + examples(count, shown)
  }

  /// `(a, b, c, ...)`: the first few of `count` identities.
  static func examples(_ count: Int, _ shown: [GraphNode]) -> String {
    "(" + shown.map(\.description).joined(separator: ", ") + (count > shown.count ? ", ..." : "") + ")"
  }

  static func objectLine(_ o: ObjectChange) -> String {
    let sign = o.change == .added ? "+" : o.change == .removed ? "-" : "~"
    return "\(sign) \(o.kind) \(o.qualifiedName)"
  }

  static func sign(gained: Bool) -> String { gained ? "+" : "-" }

  static func changeLine(_ c: PermissionChange, gained: Bool) -> String {
    var text = ""
    appendChangeLine(c, gained: gained, to: &text)
    return text
  }

  /// ``changeLine(_:gained:)`` written at the end of `text`.
  static func appendChangeLine(_ c: PermissionChange, gained: Bool, to text: inout String) {
    text.append(sign(gained: gained))
    text.append(" ")
    c.appendSummary(to: &text)
    guard !c.overlap.isEmpty else { return }
    text.append(gained ? " (already held: " : " (still holds: ")
    for (i, line) in c.overlap.enumerated() {
      if i > 0 { text.append("; ") }
      text.append(line)
    }
    text.append(")")
  }

  static func via(_ e: Evidence) -> String {
    var text = ""
    appendVia(e, to: &text)
    return text
  }

  /// ``via(_:)`` written at the end of `text`.
  static func appendVia(_ e: Evidence, to text: inout String) {
    guard let binding = e.binding, let role = e.role else {
      text.append(e.note ?? "")
      return
    }
    text.append(binding)
    text.append(" -> ")
    text.append(role)
  }

  // MARK: - Table

  public func table(wide: Bool) -> String {
    var out = "diff \"\(diff.from)\" -> \"\(diff.to)\"\n"
    guard !diff.isEmpty else { return out + "no changes\n" }
    if !diff.permissions.isEmpty {
      out += "\npermissions (\(diff.permissions.count) subject(s)):\n"
      // Each subject, path and object is rendered on its own, on every core: a large diff prints half a million lines.
      out += diff.permissions.concurrentMap { s in
        var out = "  \(s.subject)\n"
        for (changes, gained) in [(s.gained, true), (s.lost, false)] {
          for c in changes {
            out.append("    ")
            Self.appendChangeLine(c, gained: gained, to: &out)
            if !wide, let e = c.evidence.first {
              out.append("  via ")
              Self.appendVia(e, to: &out)
              if c.evidence.count > 1 { out.append(" (+\(c.evidence.count - 1))") }
            }
            out.append("\n")
            if wide { for e in c.evidence { out += "        via " + PathsReport.describe(e) + "\n" } }
          }
        }
        return out
      }.joined()
    }
    if !diff.admins.isEmpty {
      out += "\nallowed everything (\(diff.admins.count)):\n"
      for a in diff.admins {
        out += "  \(Self.sign(gained: a.became)) " + Self.adminLine(a) + "\n"
        out += "      " + (wide ? PathsReport.describe(a.evidence) : Self.via(a.evidence)) + "\n"
      }
    }
    if !diff.paths.isEmpty {
      out += "\nescalation paths (\(diff.paths.count)):\n"
      out += diff.paths.concurrentMap { p in
        var out = "  \(p.kind == .disappeared || p.kind == .longer ? "-" : "+") " + Self.pathLine(p) + "\n"
        if let step = Self.firstStepLine(p) { out += "      " + step + "\n" }
        return out
      }.joined()
    }
    if !diff.objects.isEmpty {
      out += "\nobjects (\(diff.objects.count)):\n"
      out += diff.objects.concurrentMap { o in
        var out = "  " + Self.objectLine(o) + "\n"
        for d in o.details { out += "      " + d + "\n" }
        return out
      }.joined()
    }
    return out
  }

  // MARK: - Markdown, SARIF

  public func special(_ format: OutputFormat) -> String? {
    switch format {
    case .markdown: return markdown()
    case .sarif: return sarif()
    default: return nil
    }
  }

  /// A pull-request comment: counts first, then each section; evidence in code spans so that names stay literal.
  func markdown() -> String {
    func code(_ text: String) -> String { "`" + text.replacingOccurrences(of: "`", with: "'") + "`" }
    var out = "### rolecall: RBAC changes from \(code(diff.from)) to \(code(diff.to))\n\n"
    guard !diff.isEmpty else { return out + "No change in permissions, escalation paths or RBAC objects.\n" }
    let gained = diff.permissions.reduce(0) { $0 + $1.gained.count }
    let lost = diff.permissions.reduce(0) { $0 + $1.lost.count }
    let newAdmins = diff.admins.filter(\.became).count
    let newPaths = diff.paths.filter { $0.kind == .appeared || $0.kind == .shorter }.count
    out += "| | |\n|---|---|\n"
    out += "| subjects with changed permissions | \(diff.permissions.count) (\(gained) gained, \(lost) lost) |\n"
    out += "| identities newly allowed everything | \(newAdmins)\(newAdmins > 0 ? " :warning:" : "") |\n"
    out += "| new or shorter escalation paths | \(newPaths)\(newPaths > 0 ? " :warning:" : "") |\n"
    out += "| objects changed | \(diff.objects.count) |\n\n"
    if !diff.admins.isEmpty {
      out += "#### Admin-equivalent\n\n"
      for a in diff.admins { out += "- \(a.became ? "**became**" : "no longer"): \(code(Self.adminLine(a)))  \n  \(code(PathsReport.describe(a.evidence)))\n" }
      out += "\n"
    }
    if !diff.paths.isEmpty {
      out += "#### Escalation paths\n\n"
      for p in diff.paths {
        out += "- \(code(Self.pathLine(p)))"
        if let step = Self.firstStepLine(p) { out += "  \n  \(code(step))" }
        out += "\n"
      }
      out += "\n"
    }
    if !diff.permissions.isEmpty {
      out += "#### Permissions\n\n| subject | change | granted by |\n|---|---|---|\n"
      for s in diff.permissions {
        for (changes, gained) in [(s.gained, true), (s.lost, false)] {
          for c in changes {
            let via = c.evidence.map { code(PathsReport.describe($0)) }.joined(separator: "<br>")
            out += "| \(code(s.subject.description)) | \(code(Self.changeLine(c, gained: gained))) | \(via) |\n"
          }
        }
      }
      out += "\n"
    }
    if !diff.objects.isEmpty {
      out += "<details><summary>\(diff.objects.count) object(s) changed</summary>\n\n"
      for o in diff.objects {
        out += "- \(code(Self.objectLine(o)))\n"
        for d in o.details { out += "  - \(code(d))\n" }
      }
      out += "\n</details>\n"
    }
    return out
  }

  func sarif() -> String? {
    let rules = [
      (id: "admin-gained", text: "An identity became allowed everything"),
      (id: "path-appeared", text: "A new or shorter escalation path"),
      (id: "permission-gained", text: "A subject gained a permission"),
    ]
    var results: [[String: Any]] = []
    for a in diff.admins where a.became {
      results.append([
        "ruleId": "admin-gained", "level": "error",
        "message": ["text": Self.adminLine(a) + ": " + PathsReport.describe(a.evidence)],
        "locations": SARIF.locations([a.evidence], bindingFiles: bindingFiles, identity: a.identity),
      ])
    }
    for p in diff.paths where p.kind == .appeared || p.kind == .shorter {
      results.append([
        "ruleId": "path-appeared", "level": p.target == .clusterAdmin ? "error" : "warning",
        "message": ["text": Self.pathLine(p) + (Self.firstStepLine(p).map { "; " + $0 } ?? "")],
        "locations": SARIF.locations(p.firstStep?.evidence ?? [], bindingFiles: bindingFiles, identity: p.identity),
      ])
    }
    for s in diff.permissions {
      for c in s.gained {
        results.append([
          "ruleId": "permission-gained", "level": "note",
          "message": ["text": "\(s.subject): " + Self.changeLine(c, gained: true)],
          "locations": SARIF.locations(c.evidence, bindingFiles: bindingFiles, identity: s.subject),
        ])
      }
    }
    return SARIF.log(rules: rules, results: results)
  }
}

extension DiffReport: FleetRows {
  public func fleetHeader(wide: Bool) -> [String] {
    ["FROM", "SUBJECTS CHANGED", "ALLOWED EVERYTHING", "NEW PATHS", "OBJECTS"]
  }

  /// The counts of one cluster's changes since the older snapshot; wide, each identity that became allowed
  /// everything and each new or shorter path under them.
  public func fleetRows(wide: Bool) -> [[String]] {
    let gained = diff.admins.filter(\.became)
    let newPaths = diff.paths.filter { $0.kind == .appeared || $0.kind == .shorter }
    let counts = [diff.permissions.count, gained.count, newPaths.count, diff.objects.count].map { "\($0)" }
    var rows = [[diff.from] + counts]
    if wide {
      rows += gained.map { ["", "  \($0.identity) became allowed everything", "", "", ""] }
      rows += newPaths.map { ["", "  " + Self.pathLine($0), "", "", ""] }
    }
    return rows
  }

  public var fleetNotes: [String] { [] }
}
