// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import RBACIngest
import RBACModel
import RBACReport

/// `lint`: what the API server will never match, what it rejects, and what grants an escalation primitive, in the
/// objects as written. Each finding names the object and where it was read from.
public enum Lint {
  /// The findings, each pointed at the line its object's document starts on.
  public static func report(_ content: SnapshotContent) -> LintReport {
    var lines: [String: [Int: Int]] = [:]
    let findings = run(content).map { finding -> LintReport.Finding in
      var finding = finding
      if let file = finding.file, let document = finding.document {
        if lines[file] == nil { lines[file] = ManifestReader.documentLines(ofFile: file) }
        finding.line = lines[file]?[document]
      }
      return finding
    }
    return LintReport(findings: findings)
  }

  /// Checks the decoded objects, knowing the built-in resources and those the input's CustomResourceDefinitions add.
  public static func run(_ content: SnapshotContent) -> [LintReport.Finding] {
    let catalog = ResourceCatalog(custom: content.customResources.map(\.object))
    var findings: [LintReport.Finding] = []
    func add(_ level: LintReport.Level, _ id: String, _ object: String, _ source: ObjectSource?, _ message: String) {
      findings.append(LintReport.Finding(level: level, id: id, object: object, source: source, message: message))
    }
    // The rules as written. An aggregated ClusterRole's rules are its sources', each checked where it is written.
    var roles: [(label: String, rules: [PolicyRule], source: ObjectSource)] = []
    for item in content.clusterRoles where item.object.aggregationRule == nil {
      roles.append(("ClusterRole \"\(item.object.name)\"", item.object.rules, item.source))
    }
    for item in content.roles {
      roles.append(("Role \"\(item.object.namespace)/\(item.object.name)\"", item.object.rules, item.source))
    }
    for role in roles {
      for (i, rule) in role.rules.enumerated() {
        for (level, id, message) in ruleProblems(rule, catalog) {
          add(level, id, role.label, role.source, "rule \(i) \(rule.compactDescription): \(message)")
        }
      }
    }
    // Grants of an escalation primitive, where a binding gives them to someone: the graph's own table of the
    // requests each primitive acts on.
    for (bound, source) in bindings(content) where bound.roleFound && !bound.subjects.isEmpty {
      let clusterWide = bound.ref.kind == .clusterRoleBinding
      let scope = clusterWide ? "cluster-wide" : "in namespace \(bound.ref.namespace)"
      for (i, rule) in bound.rules.enumerated() {
        let primitives =
          clusterWide && rule.isFullWildcard
          ? ["wildcard-admin"] : ClusterIndex.primitives(of: rule, in: clusterWide ? "" : bound.ref.namespace, catalog: catalog)
        for primitive in primitives {
          add(
            clusterWide ? .warning : .info, "risky-grant", bound.ref.displayName, source,
            "escalation primitive \(primitive) \(scope) through \(bound.role.displayName) "
              + "rule \(i) \(rule.compactDescription) (rolecall primitives explains it)")
        }
      }
    }
    // What ingest noticed about bindings, subjects and aggregation.
    for diagnostic in content.diagnostics {
      guard let (level, id) = diagnosticRule[diagnostic.category] else { continue }
      add(level, id, "", diagnostic.source, diagnostic.message)
    }
    for item in content.clusterRoles {
      guard let rule = item.object.aggregationRule, !rule.clusterRoleSelectors.isEmpty else { continue }
      let others = content.clusterRoles.filter { $0.object.name != item.object.name }
      if !rule.clusterRoleSelectors.contains(where: { selector in others.contains { selector.matches($0.object.labels) } }) {
        add(
          .warning, "aggregation-selects-nothing", "ClusterRole \"\(item.object.name)\"", item.source,
          "no ClusterRole of the input carries the labels its aggregationRule selects: it aggregates no rule")
      }
    }
    return findings.sorted {
      ($0.source?.file ?? "", $0.source?.document ?? 0, $0.level.rank, $0.id)
        < ($1.source?.file ?? "", $1.source?.document ?? 0, $1.level.rank, $1.id)
    }
  }

  /// Each binding with its role resolved, and where it was read from.
  private static func bindings(_ content: SnapshotContent) -> [(Policy.Bound, ObjectSource)] {
    let policy = content.policy()
    let sources = content.bindingSources
    let all = policy.clusterRoleBindings + policy.roleBindings.keys.sorted().flatMap { policy.roleBindings[$0]! }
    return all.map { ($0, sources[$0.ref] ?? ObjectSource(file: "", document: 0)) }
  }

  /// Ingest's diagnostics that lint reports, with their level and rule id.
  static let diagnosticRule: [Diagnostic.Category: (LintReport.Level, String)] = [
    .danglingBinding: (.error, "binding-to-missing-role"),
    .clusterRoleBindingToRole: (.error, "clusterrolebinding-to-role"),
    .bindingWithoutSubjects: (.warning, "binding-without-subjects"),
    .missingServiceAccount: (.warning, "binding-to-missing-serviceaccount"),
    .serviceAccountWithoutNamespace: (.error, "serviceaccount-subject-without-namespace"),
    .unknownSubjectKind: (.error, "unknown-subject-kind"),
    .invalidAggregationSelector: (.error, "invalid-aggregation-selector"),
  ]

  /// What in one rule the API server rejects or never matches.
  static func ruleProblems(_ rule: PolicyRule, _ catalog: ResourceCatalog) -> [(LintReport.Level, String, String)] {
    var problems: [(LintReport.Level, String, String)] = []
    if !rule.resources.isEmpty && rule.apiGroups.isEmpty {
      problems.append((.error, "rule-without-apigroups", "a resource rule needs apiGroups ([\"\"] for the core group): the API server rejects it"))
    }
    if !rule.resources.isEmpty && !rule.nonResourceURLs.isEmpty {
      problems.append((.error, "rule-mixes-resources-and-urls", "resources and nonResourceURLs in one rule: the API server rejects it"))
    }
    for verb in rule.verbs where !RequestArgument.knownVerbs.contains(verb) {
      if RequestArgument.knownVerbs.contains(verb.lowercased()) {
        problems.append((.error, "verb-case", "verb \"\(verb)\" never matches: verbs are lowercase (\(verb.lowercased()))"))
      } else {
        problems.append((.warning, "verb-unknown", "verb \"\(verb)\" is not one the API server checks: it never matches a request"))
      }
    }
    for resource in rule.resources where resource != Wildcard.all && !resource.hasPrefix("*/") {
      let base = resource.split(separator: "/", maxSplits: 1).first.map(String.init) ?? resource
      if resource.hasSuffix("/*") {
        problems.append((.warning, "resource-pattern", "\"\(resource)\" is not a pattern upstream (only * and */SUBRESOURCE are): it matches only a resource literally named so"))
        continue
      }
      if resource != resource.lowercased() {
        problems.append((.error, "resource-case", "resource \"\(resource)\" never matches: resources are lowercase"))
        continue
      }
      // The catalog knows every resource of the built-in groups: a name it lacks there is misspelled.
      for group in rule.apiGroups where group != Wildcard.all && catalog.knowsGroup(group) {
        if !catalog.knows(group: group, resource: base) {
          let suggestion = catalog.closest(to: base, in: group).map { " (did you mean \($0)?)" } ?? ""
          problems.append((.warning, "resource-unknown", "group \"\(group)\" has no resource \"\(base)\"\(suggestion): it never matches"))
        }
      }
    }
    if !rule.resourceNames.isEmpty {
      let never = ["create", "deletecollection"].filter { rule.verbs.contains($0) }
      if !never.isEmpty {
        problems.append((.warning, "resourcenames-with-collection-verb", "\(never.joined(separator: ", ")) with resourceNames never matches: the request carries no name"))
      }
    }
    return problems
  }
}

extension ResourceCatalog {
  /// Whether the catalog knows every resource of the group: a built-in group, or one a CRD of the input adds to.
  func knowsGroup(_ group: String) -> Bool { resources.contains { $0.group == group } }

  func knows(group: String, resource: String) -> Bool { resources.contains { $0.group == group && $0.name == resource } }

  /// The group's resource nearest to a misspelled name (at most two edits), for the message.
  func closest(to name: String, in group: String) -> String? {
    resources.filter { $0.group == group }.map { ($0.name, editDistance($0.name, name)) }.filter { $0.1 <= 2 }
      .min { $0.1 < $1.1 }?.0
  }
}

/// Levenshtein distance, for "did you mean".
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.utf8)
  let b = Array(b.utf8)
  var previous = Array(0...b.count)
  for i in 1...max(a.count, 1) where !a.isEmpty {
    var current = [i] + Array(repeating: 0, count: b.count)
    for j in 1...max(b.count, 1) where !b.isEmpty {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return a.isEmpty ? b.count : previous[b.count]
}
