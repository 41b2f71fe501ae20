// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel

/// What the page's script reads: the ranked identities for the table (filtered, sorted and paged in the browser)
/// and the permissions of the identities worked out ahead. Texts that repeat across thousands of rows (the grant
/// behind a finding, a rule) are written once in `strings` and referred to by index, which keeps the page of a
/// large cluster a few megabytes.
struct PageData {
  /// One identity of the audit. Short keys: a large cluster has tens of thousands of rows.
  struct Row {
    /// Identity, kind key (`sa`, `user`, ...), namespace, rank in the audit, score.
    var i: String
    var k: String
    var n: String
    var r: Int
    var s: Int
    /// Steps to cluster-admin.
    var d: Int?
    /// Findings: index into ``PageData/findings``, index of the evidence in ``PageData/strings``, 1 when accepted.
    var f: [[Int]]
    var t: [String]
    /// The first workloads, and how many there are.
    var w: [String]
    var wn: Int
    /// 1 when a workload runs on every node.
    var e: Int?
    /// The first step of its shortest path to cluster-admin (a string index), and its details' index.
    var fs: Int?
    var x: Int?
  }

  /// One line of `perms -o wide`: scope, resource or URL, names, verbs, and each grant as (via, rule) string indices.
  struct Permission {
    var s: String
    var t: String
    var n: [String]
    var v: [String]
    var g: [[Int]]
  }

  struct Detail {
    var i: String
    /// Nil for an IAM identity, which holds nothing of its own.
    var p: [Permission]?
    /// Lines in all, of which `p` holds the first.
    var pn: Int
    /// In system:masters: allowed everything whatever the lines say.
    var u: Bool
    var notes: [String]
  }

  var strings: [String] = []
  var findings: [[String]]
  var rows: [Row] = []
  var rowsTotal: Int
  var details: [Detail] = []
  var detailLimit: Int

  init(_ report: HTMLReport) {
    findings = IdentityRisk.Finding.allCases.map { [$0.rawValue, AuditReport.describe($0)] }
    rowsTotal = report.audit.entries.count
    detailLimit = report.limits.detailed
    var interned: [String: Int] = [:]
    func intern(_ text: String) -> Int {
      if let known = interned[text] { return known }
      strings.append(text)
      interned[text] = strings.count - 1
      return strings.count - 1
    }
    let findingIndex = Dictionary(uniqueKeysWithValues: IdentityRisk.Finding.allCases.enumerated().map { ($1, $0) })
    var detailIndex: [GraphNode: Int] = [:]
    for (i, d) in report.details.enumerated() { detailIndex[d.identity] = i }
    for (rank, e) in Self.tableEntries(report.audit, limit: report.limits.tableRows) {
      let kind = IdentityKind(e.identity)
      rows.append(
        Row(
          i: e.identity.description, k: kind.key, n: kind.namespace, r: rank, s: e.score, d: e.stepsToClusterAdmin,
          f: e.findings.map { [findingIndex[$0.id]!, intern(PathsReport.describe($0.evidence)), $0.accepted ? 1 : 0] },
          t: e.tags, w: Array(e.workloads.prefix(report.limits.workloadsPerIdentity)), wn: e.workloads.count,
          e: e.onEveryNode ? 1 : nil, fs: e.firstStep.map(intern), x: detailIndex[e.identity]))
    }
    details = report.details.map { d in
      Detail(
        i: d.identity.description,
        p: d.permissions.map { perms in
          perms.permissions.map { p in
            Permission(
              s: p.namespace.isEmpty ? "cluster" : "namespace/" + p.namespace, t: p.target, n: p.resourceNames,
              v: p.verbs, g: p.grants.map { [intern($0.via), intern($0.ruleText)] })
          }
        }, pn: d.permissionLines, u: d.permissions?.unrestricted ?? false, notes: d.permissions?.notes ?? [])
    }
  }

  /// The data as the page's script reads it (`JSON.parse` of the `rc-data` element); absent values are left out.
  func scriptJSON() -> String {
    var json = ScriptJSON()
    json.field("{\"strings\":", strings)
    json.raw(",\"findings\":")
    json.array(findings) { $0.strings($1) }
    json.field(",\"rowsTotal\":", rowsTotal)
    json.field(",\"detailLimit\":", detailLimit)
    json.raw(",\"rows\":")
    json.array(rows) { json, r in
      json.field("{\"i\":", r.i)
      json.field(",\"k\":", r.k)
      json.field(",\"n\":", r.n)
      json.field(",\"r\":", r.r)
      json.field(",\"s\":", r.s)
      json.field(",\"d\":", r.d)
      json.raw(",\"f\":")
      json.array(r.f) { $0.ints($1) }
      json.field(",\"t\":", r.t)
      json.field(",\"w\":", r.w)
      json.field(",\"wn\":", r.wn)
      json.field(",\"e\":", r.e)
      json.field(",\"fs\":", r.fs)
      json.field(",\"x\":", r.x)
      json.raw("}")
    }
    json.raw(",\"details\":")
    json.array(details) { json, d in
      json.field("{\"i\":", d.i)
      if let permissions = d.p {
        json.raw(",\"p\":")
        json.array(permissions) { json, p in
          json.field("{\"s\":", p.s)
          json.field(",\"t\":", p.t)
          json.field(",\"n\":", p.n)
          json.field(",\"v\":", p.v)
          json.raw(",\"g\":")
          json.array(p.g) { $0.ints($1) }
          json.raw("}")
        }
      }
      json.field(",\"pn\":", d.pn)
      json.raw(d.u ? ",\"u\":true" : ",\"u\":false")
      json.field(",\"notes\":", d.notes)
      json.raw("}")
    }
    json.raw("}")
    return json.text
  }

  /// The audit's entries with their rank (1 for the first, as `audit` prints it), the `limit` highest-scoring of them
  /// when there are more, still in audit order.
  static func tableEntries(_ audit: AuditReport, limit: Int) -> [(rank: Int, entry: AuditReport.Entry)] {
    let ranked = audit.entries.enumerated().map { (rank: $0.offset + 1, entry: $0.element) }
    guard ranked.count > limit else { return ranked }
    return ranked.sorted { ($0.entry.score, -$0.rank) > ($1.entry.score, -$1.rank) }.prefix(limit)
      .sorted { $0.rank < $1.rank }
  }
}
