// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import RBACModel

/// `audit`: identities ranked by risk, service accounts first, then users, groups and IAM identities.
public struct AuditReport: Report {
  public struct Entry: Encodable, Sendable {
    public var identity: GraphNode
    public var score: Int
    public var stepsToClusterAdmin: Int?
    /// ``firstStepEdge``'s description, as the table and JSON show it.
    public private(set) var firstStep: String?
    public var findings: [Finding]
    public var workloads: [String]
    public var onEveryNode: Bool
    /// `kubernetes-default`, `provider:EKS`, ...: who manages the identity. Tagged identities are never hidden.
    public var tags: [String]
    /// The first step as the graph found it: what the report draws, and whose evidence (the bindings behind it)
    /// SARIF locates a finding at when the finding's own evidence names no binding.
    public private(set) var firstStepEdge: Edge?

    public var firstStepEvidence: [Evidence] { firstStepEdge?.evidence ?? [] }

    private enum CodingKeys: String, CodingKey {
      case identity, score, stepsToClusterAdmin, firstStep, findings, workloads, onEveryNode, tags
    }

    public init(
      identity: GraphNode, score: Int, stepsToClusterAdmin: Int?, firstStep: Edge?, findings: [Finding],
      workloads: [String], onEveryNode: Bool, tags: [String]
    ) {
      self.firstStepEdge = firstStep
      self.identity = identity
      self.score = score
      self.stepsToClusterAdmin = stepsToClusterAdmin
      self.firstStep = firstStep?.description
      self.findings = findings
      self.workloads = workloads
      self.onEveryNode = onEveryNode
      self.tags = tags
    }
  }

  public struct Finding: Encodable, Sendable {
    public var id: IdentityRisk.Finding
    public var evidence: Evidence
    /// True when the baseline accepts it: it is listed but neither counted nor reported to SARIF.
    public var accepted: Bool

    public init(id: IdentityRisk.Finding, evidence: Evidence, accepted: Bool) {
      self.id = id
      self.evidence = evidence
      self.accepted = accepted
    }
  }

  public var snapshot: String
  public var entries: [Entry]
  /// Baseline lines that accepted no finding (`line N: TEXT`): fixed since, or a typo that accepts nothing.
  public var staleBaseline: [String]
  /// The file each binding was read from (`ClusterRoleBinding "x"` → file), for SARIF's physical locations.
  public var bindingFiles: [String: String]

  public init(snapshot: String, entries: [Entry], staleBaseline: [String] = [], bindingFiles: [String: String] = [:]) {
    self.snapshot = snapshot
    self.entries = entries
    self.staleBaseline = staleBaseline
    self.bindingFiles = bindingFiles
  }

  private enum CodingKeys: String, CodingKey { case snapshot, entries, staleBaseline }

  /// Whether a finding is left that the baseline does not accept: what makes `audit` exit 1.
  public var hasOpenFindings: Bool { entries.contains { $0.findings.contains { !$0.accepted } } }

  public func table(wide: Bool) -> String {
    var table = TextTable(["RANK", "IDENTITY", "SCORE", "TO ADMIN", "FINDINGS", "WORKLOADS", "TAGS"])
    for (i, e) in entries.enumerated() {
      let open = e.findings.filter { !$0.accepted }
      guard !open.isEmpty || wide else { continue }
      let findings = e.findings.map { $0.id.rawValue + ($0.accepted ? " (accepted)" : "") }.joined(separator: ",")
      let workloads = e.workloads.isEmpty ? "" : "\(e.workloads.count)" + (e.onEveryNode ? " (every node)" : "")
      table.add([
        "\(i + 1)", e.identity.description, "\(e.score)", e.stepsToClusterAdmin.map { "\($0) step(s)" } ?? "-",
        findings, workloads, e.tags.joined(separator: ","),
      ])
      if wide {
        if let step = e.firstStep { table.add(["", "  first step: " + step, "", "", "", "", ""]) }
        for w in e.workloads { table.add(["", "  runs: " + w, "", "", "", "", ""]) }
      }
    }
    let accepted = entries.reduce(0) { $0 + $1.findings.filter(\.accepted).count }
    var out = table.rows.isEmpty ? (entries.isEmpty ? "no findings\n" : "no open findings\n") : table.text
    if accepted > 0 { out += "\(accepted) finding(s) accepted by the baseline (-o wide lists them)\n" }
    if !staleBaseline.isEmpty {
      out += "\(staleBaseline.count) baseline entr\(staleBaseline.count == 1 ? "y accepts" : "ies accept") nothing "
        + "(fixed since, or a typo):\n"
      for entry in staleBaseline { out += "  " + entry + "\n" }
    }
    return out
  }

  public func special(_ format: OutputFormat) -> String? {
    guard format == .sarif else { return nil }
    let rules = IdentityRisk.Finding.allCases.map { (id: $0.rawValue, text: Self.describe($0)) }
    var results: [[String: Any]] = []
    for e in entries {
      for f in e.findings where !f.accepted {
        var message = "\(e.identity): \(Self.describe(f.id))"
        let evidence = PathsReport.describe(f.evidence)
        if !evidence.isEmpty { message += " (\(evidence))" }
        results.append([
          "ruleId": f.id.rawValue,
          "level": f.id == .adminEquivalent || f.id == .reachesClusterAdmin ? "error" : "warning",
          "message": ["text": message],
          "locations": SARIF.locations([f.evidence] + e.firstStepEvidence, bindingFiles: bindingFiles, identity: e.identity),
          "properties": ["score": e.score, "tags": e.tags],
        ])
      }
    }
    return SARIF.log(rules: rules, results: results)
  }

  static func describe(_ finding: IdentityRisk.Finding) -> String {
    switch finding {
    case .adminEquivalent: return "is cluster-admin equivalent (one step)"
    case .reachesClusterAdmin: return "can escalate to cluster-admin"
    case .readsAllSecrets: return "can list every Secret in every namespace"
    case .createsPodsEverywhere: return "can create pods in every namespace"
    case .wildcardRule: return "holds a rule with a wildcard verb or resource"
    case .reachesNode: return "can get root on a node"
    }
  }
}

/// `backdoors`: provider-managed identities in the snapshot, their power, and the admins RBAC cannot show.
public struct BackdoorsReport: Report {
  public struct Entry: Encodable, Sendable {
    public var provider: String
    public var kind: String
    public var name: String
    public var note: String
    /// What the snapshot's rules let it do towards escalation: for an identity, the primitives of its own edges
    /// (`impersonate`, `pod-exec`, ...); for a ClusterRole, whether it allows everything. Read from the snapshot,
    /// never from the catalog's note.
    public var power: [String]
    /// Steps to cluster-admin for identities; nil when it cannot get there or is not an identity.
    public var stepsToClusterAdmin: Int?
    /// The shortest path to cluster-admin, as `a -[primitive]-> b` steps.
    public var path: [String]

    public init(
      provider: String, kind: String, name: String, note: String, power: [String] = [], stepsToClusterAdmin: Int?,
      path: [String]
    ) {
      self.provider = provider
      self.kind = kind
      self.name = name
      self.note = note
      self.power = power
      self.stepsToClusterAdmin = stepsToClusterAdmin
      self.path = path
    }
  }

  public struct Invisible: Encodable, Sendable {
    public var provider: String
    public var note: String

    public init(provider: String, note: String) {
      self.provider = provider
      self.note = note
    }
  }

  public var entries: [Entry]
  /// Administrators that RBAC cannot show, for the providers the snapshot shows signs of (all when none).
  public var invisible: [Invisible]

  public init(entries: [Entry], invisible: [Invisible]) {
    self.entries = entries
    self.invisible = invisible
  }

  public func table(wide: Bool) -> String {
    var out = ""
    if entries.isEmpty {
      out += "no provider-managed identities found\n"
    } else {
      var table = TextTable(["PROVIDER", "KIND", "NAME", "TO ADMIN", "POWER", "NOTE"])
      for row in rows(wide: wide, note: true) { table.add(row) }
      out += table.text
    }
    out += "\nadmins that RBAC cannot show:\n"
    for i in invisible { out += "  \(i.provider): \(i.note)\n" }
    return out
  }
}

extension AuditReport {
  /// The report with each identity's findings and nothing else: no evidence, workloads, first step or binding files.
  public var findingsOnly: AuditReport {
    AuditReport(
      snapshot: snapshot,
      entries: entries.compactMap { e in
        e.findings.isEmpty
          ? nil
          : Entry(
            identity: e.identity, score: e.score, stepsToClusterAdmin: e.stepsToClusterAdmin, firstStep: nil,
            findings: e.findings.map { Finding(id: $0.id, evidence: Evidence(), accepted: $0.accepted) }, workloads: [],
            onEveryNode: e.onEveryNode, tags: e.tags)
      },
      staleBaseline: staleBaseline)
  }
}

extension AuditReport: FleetRows {
  /// A fleet audit is a summary: per cluster, how many identities have each open finding.
  public func fleetHeader(wide: Bool) -> [String] {
    ["IDENTITIES WITH OPEN FINDINGS"] + IdentityRisk.Finding.allCases.map { $0.rawValue.uppercased() }
  }

  public func fleetRows(wide: Bool) -> [[String]] {
    var counts: [IdentityRisk.Finding: Int] = [:]
    var identities = 0
    for entry in entries {
      let open = Set(entry.findings.filter { !$0.accepted }.map(\.id))
      if !open.isEmpty { identities += 1 }
      for finding in open { counts[finding, default: 0] += 1 }
    }
    return [["\(identities)"] + IdentityRisk.Finding.allCases.map { "\(counts[$0] ?? 0)" }]
  }

  public var fleetNotes: [String] {
    guard !staleBaseline.isEmpty else { return [] }
    return ["\(staleBaseline.count) baseline entries accept nothing (audit --snapshot cluster=NAME lists them)"]
  }
}

extension BackdoorsReport: FleetRows {
  /// One row per identity (with its note when `note`); wide, its path's steps under it.
  func rows(wide: Bool, note: Bool) -> [[String]] {
    var rows: [[String]] = []
    for e in entries {
      let toAdmin = e.stepsToClusterAdmin.map { "\($0) step(s)" } ?? "-"
      let power = e.power.isEmpty ? "-" : e.power.joined(separator: ", ")
      rows.append([e.provider, e.kind, e.name, toAdmin, power] + (note ? [e.note] : []))
      guard wide else { continue }
      for step in e.path { rows.append(["", "", "  " + step, "", ""] + (note ? [""] : [])) }
    }
    return rows
  }

  public func fleetHeader(wide: Bool) -> [String] { ["PROVIDER", "KIND", "NAME", "TO ADMIN", "POWER"] }

  public func fleetRows(wide: Bool) -> [[String]] {
    entries.isEmpty ? [["-", "", "no provider-managed identities found", "", ""]] : rows(wide: wide, note: false)
  }

  public var fleetNotes: [String] { invisible.map { "admins RBAC cannot show: \($0.provider): \($0.note)" } }
}
