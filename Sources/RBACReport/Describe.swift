// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Short human renderings shared by every report, so that a rule or a grant reads the same everywhere.
public enum Describe {
  /// A rule on one line (``PolicyRule/compactDescription``).
  public static func rule(_ rule: PolicyRule) -> String { rule.compactDescription }

  /// `ClusterRoleBinding "x" -> ClusterRole "y"`: the path from a subject to a role.
  public static func via(_ grant: Grant) -> String { grant.via }

  /// The grant with its rule: `ClusterRoleBinding "x" -> ClusterRole "y" rule 2 {verbs: ...}`.
  public static func grantWithRule(_ grant: Grant) -> String { grant.via + " " + grant.ruleText }

  /// `ServiceAccount kube-system/foo`, `User alice`, `Group devs`.
  public static func subject(_ subject: Subject) -> String {
    subject.kind == .serviceAccount
      ? "ServiceAccount \(subject.namespace)/\(subject.name)" : "\(subject.kind.rawValue) \(subject.name)"
  }

  public static func identity(_ user: UserInfo) -> String {
    user.groups.isEmpty ? "user \"\(user.name)\"" : "user \"\(user.name)\" (groups: \(user.groups.joined(separator: ", ")))"
  }
}
