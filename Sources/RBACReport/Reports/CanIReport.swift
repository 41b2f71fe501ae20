// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// The answer to `can-i`: yes or no, and why.
public struct CanIReport: Report {
  public var user: String
  public var groups: [String]
  public var request: RequestAttributes
  public var allowed: Bool
  /// `system:masters` when the privileged-group authorizer allowed the request.
  public var privilegedGroup: String?
  /// Every rule that allows the request.
  public var grants: [Grant]
  /// How many bindings apply to the identity in the request's scope.
  public var bindingsConsidered: Int
  /// Things the user should know about the question itself (unknown subject, assumed scope, ...).
  public var notes: [String]

  public init(
    user: UserInfo, request: RequestAttributes, decision: Decision, bindingsConsidered: Int, notes: [String]
  ) {
    self.user = user.name
    self.groups = user.groups
    self.request = request
    self.allowed = decision.allowed
    self.bindingsConsidered = bindingsConsidered
    self.notes = notes
    switch decision.reason {
    case .privilegedGroup(let group):
      privilegedGroup = group
      grants = []
    case .grants(let grants):
      privilegedGroup = nil
      self.grants = grants
    case .noRuleAllows:
      privilegedGroup = nil
      grants = []
    }
  }

  public func table(wide: Bool) -> String {
    var out = allowed ? "yes\n" : "no\n"
    guard wide else { return out }
    let who = Describe.identity(UserInfo(name: user, groups: groups))
    if let group = privilegedGroup {
      out += "  allowed: \(who) is in \(group), which the API server's privileged-group authorizer allows "
        + "everything before RBAC is consulted\n"
    } else if allowed {
      out += "  \(request) is allowed for \(who) by:\n"
      for grant in grants {
        out += "    \(grant.via) \(grant.ruleText), bound to \(Describe.subject(grant.subject))\n"
      }
    } else {
      out += "  \(request) is denied for \(who): none of the rules of the \(bindingsConsidered) "
        + "binding(s) that apply allows it (RBAC has no deny rules: only an allowing rule counts)\n"
    }
    for note in notes { out += "  note: \(note)\n" }
    return out
  }
}

extension CanIReport: FleetRows {
  public func fleetHeader(wide: Bool) -> [String] { ["ALLOWED", wide ? "GRANTED BY" : "VIA"] }

  /// The answer, then one row per grant (every grant when wide, the first otherwise).
  public func fleetRows(wide: Bool) -> [[String]] {
    let answer = allowed ? "yes" : "no"
    if let group = privilegedGroup { return [[answer, "\(group) (implicit: the API server allows it everything)"]] }
    guard allowed else { return [[answer, ""]] }
    let shown = wide ? grants : Array(grants.prefix(1))
    if shown.isEmpty { return [[answer, ""]] }
    return shown.enumerated().map { i, grant in
      let via = wide ? "\(grant.via) \(grant.ruleText), bound to \(Describe.subject(grant.subject))" : grant.via
      return [i == 0 ? answer : "", via]
    }
  }

  public var fleetNotes: [String] { notes }
}
