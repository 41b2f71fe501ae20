// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// The answer to `who-can`: every subject allowed to make the request, and the bindings that allow it.
public struct WhoCanReport: Report {
  public var request: RequestAttributes
  /// `cluster`, a namespace name, or `*` for every namespace.
  public var scope: String
  public var subjects: [AllowedSubject]
  /// With `--expand`: the members the snapshot knows of each group among ``subjects``; nil without it.
  public var members: [GroupMember]?
  public var notes: [String]

  public init(
    request: RequestAttributes, scope: NamespaceScope, subjects: [AllowedSubject], members: [GroupMember]? = nil,
    notes: [String]
  ) {
    self.members = members
    self.request = request
    switch scope {
    case .cluster: self.scope = "cluster"
    case .namespace(let ns): self.scope = ns
    case .all: self.scope = "*"
    }
    self.subjects = subjects
    self.notes = notes
  }

  public func table(wide: Bool) -> String {
    var table = TextTable(Self.header(wide: wide))
    for row in rows(wide: wide) { table.add(row) }
    var out = table.text
    for note in notes { out += "note: \(note)\n" }
    return out
  }

  static func header(wide: Bool) -> [String] { ["KIND", "NAMESPACE", "NAME", wide ? "GRANTED BY" : "VIA"] }

  /// One row per grant: the subject on its first, and how it is allowed.
  func rows(wide: Bool) -> [[String]] {
    var rows: [[String]] = []
    func add(_ s: Subject, _ allowed: AllowedSubject, through: String) {
      let row = [s.kind.rawValue, s.kind == .serviceAccount ? s.namespace : "", s.name]
      if allowed.implicit && allowed.via.isEmpty {
        rows.append(row + [through + "(implicit: the API server allows system:masters everything)"])
        return
      }
      for (i, grant) in allowed.via.enumerated() {
        var via = through + grant.via
        if wide { via += " " + grant.ruleText }
        if i == 0 && allowed.implicit { via += " (and implicitly)" }
        rows.append(i == 0 ? [row[0], row[1], row[2], via] : ["", "", "", via])
      }
    }
    for allowed in subjects {
      // Expanded, a group gives way to its known members, each saying how it belongs.
      guard let members, allowed.subject.kind == .group else {
        add(allowed.subject, allowed, through: "")
        continue
      }
      let known = members.filter { $0.group == allowed.subject.name }
      if known.isEmpty {
        add(allowed.subject, allowed, through: "(no member known to the snapshot) ")
      }
      for member in known {
        add(member.subject, allowed, through: "member of \"\(member.group)\" (\(member.through)): ")
      }
    }
    return rows
  }
}

/// The answer to `who-can` asked of several verbs at once (`get,list,watch`): one answer per verb, each under a
/// heading that names the request, and each note once.
public struct WhoCanVerbsReport: Report {
  public var answers: [WhoCanReport]

  public init(answers: [WhoCanReport]) {
    self.answers = answers
  }

  public func table(wide: Bool) -> String {
    var out = ""
    var said = Set<String>()
    for answer in answers {
      var single = answer
      single.notes = []
      if !out.isEmpty { out += "\n" }
      out += (answer.scope == "*" ? answer.request.action + " in any namespace" : answer.request.description) + ":\n"
      out += single.subjects.isEmpty ? "no subject is allowed\n" : single.table(wide: wide)
    }
    for note in answers.flatMap(\.notes) where said.insert(note).inserted { out += "note: \(note)\n" }
    return out
  }
}

extension WhoCanVerbsReport: FleetRows {
  public func fleetHeader(wide: Bool) -> [String] {
    (answers.count > 1 ? ["VERB"] : []) + WhoCanReport.header(wide: wide)
  }

  public func fleetRows(wide: Bool) -> [[String]] {
    answers.flatMap { answer in
      answer.rows(wide: wide).map { answers.count > 1 ? [answer.request.verb] + $0 : $0 }
    }
  }

  public var fleetNotes: [String] { answers.flatMap(\.notes) }
}
