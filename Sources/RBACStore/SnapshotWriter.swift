// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import RBACGraph
import RBACModel

/// Writes one ``SnapshotContent`` inside the caller's transaction. Rows go through cached prepared statements:
/// a large cluster is a few hundred thousand rows.
struct SnapshotWriter {
  let db: Database

  func write(
    _ content: SnapshotContent, name: String, createdAt: Date, sources: [String],
    graphSummary: (() -> GraphSummary)? = nil
  ) throws {
    try db.execute(
      sql: """
        INSERT INTO snapshot (name, created_at, sources, skipped_kinds, cluster_roles, roles, cluster_role_bindings,
          role_bindings, service_accounts, namespaces, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        name, ISO8601DateFormatter().string(from: createdAt), JSONText.encode(sources),
        JSONText.encode(content.skippedKinds), content.clusterRoles.count, content.roles.count,
        content.clusterRoleBindings.count, content.roleBindings.count, content.serviceAccounts.count,
        content.namespaces.count, content.diagnostics.count,
      ])
    let snapshot = db.lastInsertedRowID
    for (key, value) in content.labels.sorted(by: { $0.key < $1.key }) {
      try db.execute(
        sql: "INSERT INTO snapshot_label (snapshot_id, key, value) VALUES (?, ?, ?)", arguments: [snapshot, key, value])
    }

    let insertRole = try db.cachedStatement(
      sql: """
        INSERT INTO role (snapshot_id, kind, namespace, name, labels, aggregation_rule, source_file, source_document)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """)
    let insertRule = try db.cachedStatement(
      sql: """
        INSERT INTO policy_rule (role_id, rule_index, verbs, api_groups, resources, resource_names, non_resource_urls,
          aggregated_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """)
    func rules(_ rules: [PolicyRule], origins: [String], role: Int64) throws {
      for (i, rule) in rules.enumerated() {
        try insertRule.execute(arguments: [
          role, i, JSONText.encode(rule.verbs), JSONText.encode(rule.apiGroups), JSONText.encode(rule.resources),
          JSONText.encode(rule.resourceNames), JSONText.encode(rule.nonResourceURLs),
          origins.isEmpty ? nil : origins[i],
        ])
      }
    }
    for item in content.clusterRoles {
      let role = item.object
      try insertRole.execute(arguments: [
        snapshot, "ClusterRole", "", role.name, JSONText.encode(role.labels),
        role.aggregationRule.map { JSONText.encode($0) }, item.source.file, item.source.document,
      ])
      try rules(role.rules, origins: role.ruleOrigins, role: db.lastInsertedRowID)
    }
    for item in content.roles {
      let role = item.object
      try insertRole.execute(arguments: [
        snapshot, "Role", role.namespace, role.name, "{}", nil, item.source.file, item.source.document,
      ])
      try rules(role.rules, origins: [], role: db.lastInsertedRowID)
    }

    let insertBinding = try db.cachedStatement(
      sql: """
        INSERT INTO binding (snapshot_id, kind, namespace, name, role_kind, role_name, source_file, source_document)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """)
    let insertSubject = try db.cachedStatement(
      sql: """
        INSERT INTO binding_subject (binding_id, subject_index, kind, name, namespace, effective_namespace)
        VALUES (?, ?, ?, ?, ?, ?)
        """)
    func binding(_ ref: BindingRef, _ roleRef: RoleRef, _ subjects: [Subject], _ source: ObjectSource) throws {
      try insertBinding.execute(arguments: [
        snapshot, ref.kind.rawValue, ref.namespace, ref.name, roleRef.kind.rawValue, roleRef.name, source.file,
        source.document,
      ])
      let id = db.lastInsertedRowID
      for (i, subject) in subjects.enumerated() {
        try insertSubject.execute(arguments: [
          id, i, subject.kind.rawValue, subject.name, subject.namespace,
          subject.effectiveNamespace(inBindingNamespace: ref.namespace),
        ])
      }
    }
    for item in content.clusterRoleBindings {
      let b = item.object
      try binding(BindingRef(kind: .clusterRoleBinding, name: b.name), b.roleRef, b.subjects, item.source)
    }
    for item in content.roleBindings {
      let b = item.object
      try binding(BindingRef(kind: .roleBinding, namespace: b.namespace, name: b.name), b.roleRef, b.subjects, item.source)
    }

    let insertAccount = try db.cachedStatement(
      sql: """
        INSERT INTO service_account (snapshot_id, namespace, name, automount_token, source_file, source_document)
        VALUES (?, ?, ?, ?, ?, ?)
        """)
    for item in content.serviceAccounts {
      let sa = item.object
      try insertAccount.execute(arguments: [
        snapshot, sa.namespace, sa.name, sa.automountServiceAccountToken, item.source.file, item.source.document,
      ])
    }
    let insertNamespace = try db.cachedStatement(
      sql: "INSERT INTO namespace (snapshot_id, name, labels, source_file, source_document) VALUES (?, ?, ?, ?, ?)")
    for item in content.namespaces {
      try insertNamespace.execute(arguments: [
        snapshot, item.object.name, JSONText.encode(item.object.labels), item.source.file, item.source.document,
      ])
    }
    let insertWorkload = try db.cachedStatement(
      sql: """
        INSERT INTO workload (snapshot_id, kind, namespace, name, service_account, automount_token, node_name,
          on_every_node, privileged, host_path, host_pid, host_network, source_file, source_document)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for item in content.workloads {
      let w = item.object
      try insertWorkload.execute(arguments: [
        snapshot, w.kind, w.namespace, w.name, w.serviceAccount, w.automountServiceAccountToken, w.nodeName,
        w.onEveryNode, w.privileged, w.hostPath, w.hostPID, w.hostNetwork, item.source.file, item.source.document,
      ])
    }
    let insertCustomResource = try db.cachedStatement(
      sql: """
        INSERT INTO custom_resource (snapshot_id, api_group, plural, singular, kind, short_names, namespaced, source_file,
          source_document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for item in content.customResources {
      let r = item.object
      try insertCustomResource.execute(arguments: [
        snapshot, r.group, r.plural, r.singular, r.kind, JSONText.encode(r.shortNames), r.namespaced, item.source.file,
        item.source.document,
      ])
    }
    let insertSecret = try db.cachedStatement(
      sql: """
        INSERT INTO secret (snapshot_id, namespace, name, type, service_account_name, source_file, source_document)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """)
    for item in content.secrets {
      let s = item.object
      try insertSecret.execute(arguments: [
        snapshot, s.namespace, s.name, s.type, s.serviceAccountName, item.source.file, item.source.document,
      ])
    }
    for (i, m) in content.awsAuth.enumerated() {
      try db.execute(
        sql: "INSERT INTO aws_auth_mapping (snapshot_id, seq, source, arn, username, groups) VALUES (?, ?, ?, ?, ?, ?)",
        arguments: [snapshot, i, m.source, m.arn, m.username, JSONText.encode(m.groups)])
    }
    let insertDiagnostic = try db.cachedStatement(
      sql: """
        INSERT INTO diagnostic (snapshot_id, seq, category, message, source_file, source_document)
        VALUES (?, ?, ?, ?, ?, ?)
        """)
    for (i, diagnostic) in content.diagnostics.enumerated() {
      try insertDiagnostic.execute(arguments: [
        snapshot, i, diagnostic.category.rawValue, diagnostic.message, diagnostic.source?.file,
        diagnostic.source?.document,
      ])
    }
    // Written last: a caller that computes them while the objects are written hands them over only now.
    if let summary = graphSummary?() {
      let insertDistance = try db.cachedStatement(
        sql: """
          INSERT INTO graph_distance (snapshot_id, target, node, steps, next_node, first_step) VALUES (?, ?, ?, ?, ?, ?)
          """)
      for (target, found) in summary.targets.sorted(by: { $0.key < $1.key }) {
        // In key order: each row then lands at the end of the table's B-tree instead of at a random page.
        for (node, n) in found.steps.sorted(by: { $0.key < $1.key }) {
          let step = found.firstSteps[node]
          try insertDistance.execute(arguments: [snapshot, target, node, n, step?.next, step?.step])
        }
      }
      try db.execute(sql: "UPDATE snapshot SET distances_computed = 1 WHERE id = ?", arguments: [snapshot])
      try db.execute(sql: "UPDATE snapshot SET first_steps_stored = 1 WHERE id = ?", arguments: [snapshot])
      if let steps = summary.pathSteps {
        let insertStep = try db.cachedStatement(
          sql: "INSERT INTO graph_step (snapshot_id, node, next_node, step) VALUES (?, ?, ?, ?)")
        for step in steps.sorted(by: { ($0.node, $0.next) < ($1.node, $1.next) }) {
          try insertStep.execute(arguments: [snapshot, step.node, step.next, step.step])
        }
        try db.execute(
          sql: "UPDATE snapshot SET path_steps = ? WHERE id = ?", arguments: [GraphSummary.pathStepsPerNode, snapshot])
      }
    }
  }
}
