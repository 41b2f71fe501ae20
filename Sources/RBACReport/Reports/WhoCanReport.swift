// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// The answer to `who-can`: every subject allowed to make the request, and the bindings that allow it.
public struct WhoCanReport: Report {
  public var request: RequestAttributes
  /// `cluster`, a namespace name, or `*` for every namespace.
  public var scope: String
  public var subjects: [AllowedSubject]
  public var notes: [String]

  public init(request: RequestAttributes, scope: NamespaceScope, subjects: [AllowedSubject], notes: [String]) {
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
    var table = TextTable(["KIND", "NAMESPACE", "NAME", wide ? "GRANTED BY" : "VIA"])
    for allowed in subjects {
      let s = allowed.subject
      let row = [s.kind.rawValue, s.kind == .serviceAccount ? s.namespace : "", s.name]
      if allowed.implicit && allowed.via.isEmpty {
        table.add(row + ["(implicit: the API server allows system:masters everything)"])
        continue
      }
      for (i, grant) in allowed.via.enumerated() {
        let via = wide ? grant.via + " " + grant.ruleText : grant.via
        table.add((i == 0 ? row : ["", "", ""]) + [via + (i == 0 && allowed.implicit ? " (and implicitly)" : "")])
      }
    }
    var out = table.text
    for note in notes { out += "note: \(note)\n" }
    return out
  }
}
