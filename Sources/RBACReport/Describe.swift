// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Short human renderings shared by every report, so that a rule or a grant reads the same everywhere.
public enum Describe {
  /// A rule on one line (``PolicyRule/compactDescription``).
  public static func rule(_ rule: PolicyRule) -> String { rule.compactDescription }

  /// `ServiceAccount kube-system/foo`, `User alice`, `Group devs`.
  public static func subject(_ subject: Subject) -> String {
    subject.kind == .serviceAccount
      ? "ServiceAccount \(subject.namespace)/\(subject.name)" : "\(subject.kind.rawValue) \(subject.name)"
  }

  public static func identity(_ user: UserInfo) -> String {
    user.groups.isEmpty ? "user \"\(user.name)\"" : "user \"\(user.name)\" (groups: \(user.groups.joined(separator: ", ")))"
  }
}
