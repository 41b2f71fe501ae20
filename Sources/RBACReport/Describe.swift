// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Short human renderings shared by every report, so that a rule or a grant reads the same everywhere.
public enum Describe {
  /// `{verbs: [get list], apiGroups: [""], resources: [pods], resourceNames: [web]}`, only the fields that are set.
  public static func rule(_ rule: PolicyRule) -> String {
    func list(_ items: [String]) -> String { "[" + items.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: " ") + "]" }
    var parts = ["verbs: " + list(rule.verbs)]
    if !rule.apiGroups.isEmpty { parts.append("apiGroups: " + list(rule.apiGroups)) }
    if !rule.resources.isEmpty { parts.append("resources: " + list(rule.resources)) }
    if !rule.resourceNames.isEmpty { parts.append("resourceNames: " + list(rule.resourceNames)) }
    if !rule.nonResourceURLs.isEmpty { parts.append("nonResourceURLs: " + list(rule.nonResourceURLs)) }
    return "{" + parts.joined(separator: ", ") + "}"
  }

  /// `ClusterRoleBinding "x" -> ClusterRole "y"`: the path from a subject to a role.
  public static func via(_ grant: Grant) -> String {
    "\(grant.binding.kind.rawValue) \"\(grant.binding.qualifiedName)\" -> \(grant.role.kind.rawValue) \"\(grant.role.qualifiedName)\""
  }

  /// The grant with its rule: `ClusterRoleBinding "x" -> ClusterRole "y" rule 2 {verbs: ...}`.
  public static func grantWithRule(_ grant: Grant) -> String {
    var text = via(grant) + " rule \(grant.ruleIndex) " + rule(grant.rule)
    if let origin = grant.aggregatedFrom { text += " (aggregated from ClusterRole \"\(origin)\")" }
    return text
  }

  /// `ServiceAccount kube-system/foo`, `User alice`, `Group devs`.
  public static func subject(_ subject: Subject) -> String {
    subject.kind == .serviceAccount
      ? "ServiceAccount \(subject.namespace)/\(subject.name)" : "\(subject.kind.rawValue) \(subject.name)"
  }

  public static func identity(_ user: UserInfo) -> String {
    user.groups.isEmpty ? "user \"\(user.name)\"" : "user \"\(user.name)\" (groups: \(user.groups.joined(separator: ", ")))"
  }
}
