// rolecall — SPDX-License-Identifier: Apache-2.0

/// A Kubernetes label selector: `matchLabels` and `matchExpressions`, all of which must hold.
public struct LabelSelector: Sendable, Hashable, Codable {
  /// One `matchExpressions` entry.
  public struct Requirement: Sendable, Hashable, Codable {
    /// The set-based operators of `metav1.LabelSelectorOperator`.
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
      case `in` = "In"
      case notIn = "NotIn"
      case exists = "Exists"
      case doesNotExist = "DoesNotExist"
    }

    public var key: String
    public var `operator`: Operator
    public var values: [String]

    public init(key: String, operator: Operator, values: [String] = []) {
      self.key = key
      self.operator = `operator`
      self.values = values
    }

    /// Whether the labels satisfy the requirement (upstream `labels.Requirement.Matches`);
    /// `NotIn` holds for a missing key.
    public func matches(_ labels: [String: String]) -> Bool {
      switch `operator` {
      case .in:
        guard let value = labels[key] else { return false }
        return values.contains(value)
      case .notIn:
        guard let value = labels[key] else { return true }
        return !values.contains(value)
      case .exists: return labels[key] != nil
      case .doesNotExist: return labels[key] == nil
      }
    }

    /// Why the requirement is invalid, as `metav1.LabelSelectorAsSelector` would reject it, or nil.
    public var invalidReason: String? {
      switch `operator` {
      case .in, .notIn:
        return values.isEmpty ? "operator \(`operator`.rawValue) needs at least one value" : nil
      case .exists, .doesNotExist:
        return values.isEmpty ? nil : "operator \(`operator`.rawValue) takes no values"
      }
    }
  }

  public var matchLabels: [String: String]
  public var matchExpressions: [Requirement]

  public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
    self.matchLabels = matchLabels
    self.matchExpressions = matchExpressions
  }

  /// Whether the labels satisfy the selector. An empty selector selects everything, as upstream's
  /// `LabelSelectorAsSelector` turns it into `labels.Everything()`.
  public func matches(_ labels: [String: String]) -> Bool {
    for (key, value) in matchLabels where labels[key] != value { return false }
    return matchExpressions.allSatisfy { $0.matches(labels) }
  }
}
