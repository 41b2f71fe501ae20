// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACModel

/// `lint`: problems in RBAC objects as written, each with the object and the file, document and line it came from.
public struct LintReport: Report {
  public enum Level: String, Encodable, Sendable, CaseIterable {
    /// The API server rejects it, or it can never match.
    case error
    /// Likely a mistake (a misspelled resource), or a grant of an escalation primitive cluster-wide.
    case warning
    /// Worth a look: an escalation primitive granted in one namespace.
    case info

    /// Errors first.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }
  }

  public struct Finding: Encodable, Sendable {
    public var level: Level
    /// A stable rule id, e.g. `resource-unknown`, `risky-grant`.
    public var id: String
    /// `Role "ns/name"`, `ClusterRoleBinding "x"`; empty when the message names it.
    public var object: String
    public var file: String?
    public var document: Int?
    /// The line the object's document starts on (YAML inputs).
    public var line: Int?
    public var message: String

    public init(level: Level, id: String, object: String, source: ObjectSource?, line: Int? = nil, message: String) {
      self.level = level
      self.id = id
      self.object = object
      self.file = source.flatMap { $0.file.isEmpty ? nil : $0.file }
      self.document = source.flatMap { $0.file.isEmpty ? nil : $0.document }
      self.line = line
      self.message = message
    }

    /// Kept for sorting and line lookup, not printed.
    public var source: ObjectSource? { file.map { ObjectSource(file: $0, document: document ?? 0) } }

    private enum CodingKeys: String, CodingKey { case level, id, object, file, document, line, message }

    var place: String {
      guard let file else { return "-" }
      return file + (line.map { ":\($0)" } ?? "") + (document.map { " (document \($0))" } ?? "")
    }
  }

  public var findings: [Finding]

  public init(findings: [Finding]) { self.findings = findings }

  public func table(wide: Bool) -> String {
    guard !findings.isEmpty else { return "no findings\n" }
    var table = TextTable(["LEVEL", "RULE", "WHERE", "OBJECT", "MESSAGE"])
    for f in findings { table.add([f.level.rawValue, f.id, f.place, f.object, f.message]) }
    let counts = Level.allCases.map { level in "\(findings.filter { $0.level == level }.count) \(level.rawValue)" }
    return table.text + counts.joined(separator: ", ") + "\n"
  }

  public func special(_ format: OutputFormat) -> String? {
    guard format == .sarif else { return nil }
    let ids = Array(Set(findings.map(\.id))).sorted()
    let results: [[String: Any]] = findings.map { f in
      var location: [String: Any] = [:]
      if let file = f.file, file != "-" {
        var physical: [String: Any] = ["artifactLocation": ["uri": SARIF.relative(file)]]
        if let line = f.line { physical["region"] = ["startLine": line] }
        location["physicalLocation"] = physical
      }
      if !f.object.isEmpty { location["logicalLocations"] = [["name": f.object, "kind": "object"]] }
      return [
        "ruleId": f.id, "level": f.level == .info ? "note" : f.level.rawValue,
        "message": ["text": (f.object.isEmpty ? "" : f.object + ": ") + f.message],
        "locations": location.isEmpty ? [] : [location],
      ]
    }
    return SARIF.log(rules: ids.map { (id: $0, text: "rolecall lint: \($0)") }, results: results)
  }
}
