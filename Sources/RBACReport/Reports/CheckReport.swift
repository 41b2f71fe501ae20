// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph

/// `check`: each assertion of a policy file, held or failed, every failure with its evidence.
public struct CheckReport: Report {
  public struct Result: Encodable, Sendable {
    /// The 1-based position in the policy file.
    public var index: Int
    /// `can`, `cannot`, `only`, `no-path` or `max-risk`.
    public var assertion: String
    /// The assertion restated (or its `name:`).
    public var statement: String
    public var passed: Bool
    public var failures: [Failure]

    public init(index: Int, assertion: String, statement: String, failures: [Failure]) {
      self.index = index
      self.assertion = assertion
      self.statement = statement
      self.passed = failures.isEmpty
      self.failures = failures
    }
  }

  /// One way the assertion does not hold, and why: the bindings, roles and rules, or the path.
  public struct Failure: Encodable, Sendable {
    public var message: String
    public var evidence: [Evidence]
    /// For `no-path`: one shortest path, step by step.
    public var path: [Edge]
    /// What was assumed in reading the request (a resource rolecall does not know, ...).
    public var notes: [String]

    public init(message: String, evidence: [Evidence] = [], path: [Edge] = [], notes: [String] = []) {
      self.message = message
      self.evidence = evidence
      self.path = path
      self.notes = notes
    }

    /// The lines under the message: each grant, each step, each note.
    var lines: [String] {
      evidence.map(PathsReport.describe)
        + PathsReport.stepLines(path.map { ($0.from, $0.to, $0.primitive, $0.evidence) }).map { String($0.dropFirst(2)) }
        + notes.map { "note: " + $0 }
    }
  }

  public var policy: String
  public var snapshot: String
  public var results: [Result]
  /// How many failures of one assertion the table shows before it summarizes the rest (-o wide shows all).
  public var shownPerAssertion = 10

  public init(policy: String, snapshot: String, results: [Result]) {
    self.policy = policy
    self.snapshot = snapshot
    self.results = results
  }

  private enum CodingKeys: String, CodingKey { case policy, snapshot, results, passed }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(policy, forKey: .policy)
    try container.encode(snapshot, forKey: .snapshot)
    try container.encode(results, forKey: .results)
    try container.encode(passed, forKey: .passed)
  }

  public var passed: Bool { results.allSatisfy(\.passed) }

  public func table(wide: Bool) -> String {
    let failed = results.filter { !$0.passed }.count
    var out = "check \(policy) against snapshot \"\(snapshot)\": \(results.count - failed) held, \(failed) failed\n"
    for r in results {
      out += "\(r.passed ? "PASS" : "FAIL")  \(r.index)  \(r.statement)\n"
      let shown = wide ? r.failures : Array(r.failures.prefix(shownPerAssertion))
      for f in shown {
        out += "        \(f.message)\n"
        for line in f.lines { out += "          \(line)\n" }
      }
      if shown.count < r.failures.count {
        out += "        ... and \(r.failures.count - shown.count) more (-o wide or -o json lists them all)\n"
      }
    }
    return out
  }

  public func special(_ format: OutputFormat) -> String? {
    switch format {
    case .junit: return junit()
    case .sarif: return sarif()
    default: return nil
    }
  }

  /// One test case per assertion, so that CI shows which rule of the policy broke.
  func junit() -> String {
    func escape(_ text: String) -> String {
      text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    let failed = results.filter { !$0.passed }.count
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites name=\"rolecall check\" tests=\"\(results.count)\" failures=\"\(failed)\">\n"
    out += "  <testsuite name=\"\(escape(policy))\" tests=\"\(results.count)\" failures=\"\(failed)\">\n"
    for r in results {
      let name = escape("\(r.index): \(r.statement)")
      out += "    <testcase classname=\"\(escape(policy))\" name=\"\(name)\""
      if r.passed {
        out += "/>\n"
        continue
      }
      out += ">\n      <failure message=\"\(escape(r.failures.count == 1 ? r.failures[0].message : "\(r.failures.count) failures"))\">"
      out += escape(r.failures.map { ([$0.message] + $0.lines.map { "  " + $0 }).joined(separator: "\n") }.joined(separator: "\n"))
      out += "</failure>\n    </testcase>\n"
    }
    out += "  </testsuite>\n</testsuites>\n"
    return out
  }

  func sarif() -> String? {
    let rules = ["can", "cannot", "only", "no-path", "max-risk"].map { (id: $0, text: "rolecall policy assertion: \($0)") }
    var results: [[String: Any]] = []
    for r in self.results {
      for f in r.failures {
        results.append([
          "ruleId": r.assertion, "level": "error",
          "message": ["text": "\(r.statement): \(f.message)" + (f.lines.isEmpty ? "" : " (\(f.lines.joined(separator: "; ")))")],
          "locations": [["physicalLocation": ["artifactLocation": ["uri": SARIF.relative(policy)]]]],
        ])
      }
    }
    return SARIF.log(rules: rules, results: results)
  }
}

extension CheckReport: FleetRows {
  public func fleetHeader(wide: Bool) -> [String] { ["RESULT", "#", "ASSERTION"] }

  /// Each assertion's result; wide, each failure's message under it.
  public func fleetRows(wide: Bool) -> [[String]] {
    results.flatMap { r in
      let failures = wide ? r.failures.map { ["", "", "  " + $0.message] } : []
      return [[r.passed ? "PASS" : "FAIL", "\(r.index)", r.statement]] + failures
    }
  }

  public var fleetNotes: [String] { [] }
}
