// rolecall — SPDX-License-Identifier: Apache-2.0

/// The answer to "may this identity make this request?", with the reason.
public struct Decision: Sendable, Hashable, Codable {
  /// Why a request is allowed or not.
  public enum Reason: Sendable, Hashable, Codable {
    /// The identity is in `system:masters`; the API server allows it before RBAC is asked.
    case privilegedGroup(String)
    /// These rules allow the request.
    case grants([Grant])
    /// No rule of any binding that applies to the identity allows it. RBAC has no deny rules.
    case noRuleAllows
  }

  public var allowed: Bool
  public var reason: Reason
}

extension Policy {
  /// Whether RBAC (with the privileged-group authorizer in front of it) allows the request; stops at the first
  /// rule that allows it, as upstream's `Authorize` does. This is the hot path of batch evaluation.
  public func allows(_ user: UserInfo, _ request: RequestAttributes) -> Bool {
    if user.isPrivileged { return true }
    var allowed = false
    visitBindings(for: user, namespace: request.namespace) { bound, _ in
      for rule in bound.rules where rule.allows(request) {
        allowed = true
        return false
      }
      return true
    }
    return allowed
  }

  /// The decision with every rule that allows the request, for explanations.
  public func decide(_ user: UserInfo, _ request: RequestAttributes) -> Decision {
    if user.isPrivileged {
      return Decision(allowed: true, reason: .privilegedGroup(UserInfo.mastersGroup))
    }
    let allowing = grants(for: user, namespace: request.namespace).filter { $0.rule.allows(request) }
    return allowing.isEmpty
      ? Decision(allowed: false, reason: .noRuleAllows) : Decision(allowed: true, reason: .grants(allowing))
  }
}
