// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import RBACModel

/// Writes one ``SnapshotContent`` into a PostgreSQL store inside the caller's transaction, each table's rows in one
/// COPY. The rows are those ``SnapshotWriter`` writes into SQLite, column for column.
struct PostgresWriter {
  let session: PostgresSession

  /// Inserts the snapshot's row under `name`, or under a fresh name made from the time when `name` is nil, and
  /// returns its id. Concurrent writers that choose the same fresh name both get one: the later one waits for the
  /// earlier to commit, finds the name taken, and takes the next.
  func insertSnapshot(_ content: SnapshotContent, name: String?, createdAt: Date, sources: [String]) throws -> (Int64, String) {
    let created = ISO8601DateFormatter().string(from: createdAt)
    var attempt = 1
    while true {
      let candidate = name ?? (attempt == 1 ? created : "\(created)-\(attempt)")
      try session.execute("SAVEPOINT snapshot_name", [])
      do {
        let id = try session.one(
          """
          INSERT INTO snapshot (name, created_at, sources, skipped_kinds, cluster_roles, roles, cluster_role_bindings,
            role_bindings, service_accounts, namespaces, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          RETURNING id
          """,
          [
            candidate, created, JSONText.encode(sources), JSONText.encode(content.skippedKinds),
            content.clusterRoles.count, content.roles.count, content.clusterRoleBindings.count,
            content.roleBindings.count, content.serviceAccounts.count, content.namespaces.count,
            content.diagnostics.count,
          ]
        ) { $0.int64(0) }
        try session.execute("RELEASE SAVEPOINT snapshot_name", [])
        return (id!, candidate)
      } catch where PostgresStore.sqlState(error) == "23505" {
        try session.execute("ROLLBACK TO SAVEPOINT snapshot_name", [])
        if name != nil { throw StoreError.snapshotExists(name: candidate) }
        attempt += 1
      }
    }
  }

  /// `count` fresh ids of `table`'s identity column, for rows whose children COPY must name.
  private func reserveIDs(_ table: String, _ count: Int) throws -> [Int64] {
    guard count > 0 else { return [] }
    return try session.all(
      "SELECT nextval(pg_get_serial_sequence('\(table)', 'id')) FROM generate_series(1, ?)", [count]) { $0.int64(0) }
  }

  func write(_ content: SnapshotContent, snapshot: Int64, graphSummary: (() -> GraphSummary)?) throws {
    let s = SQLValue.int(snapshot)
    func text(_ value: String) -> SQLValue { .text(value) }
    func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    func int(_ value: Int) -> SQLValue { .int(Int64(value)) }
    func flag(_ value: Bool) -> SQLValue { .int(value ? 1 : 0) }
    func flag(_ value: Bool?) -> SQLValue { value.map { .int($0 ? 1 : 0) } ?? .null }
    func list(_ value: [String]) -> SQLValue { .text(JSONText.encode(value)) }

    var labels = CopyLines()
    for (key, value) in content.labels.sorted(by: { $0.key < $1.key }) { labels.row(s, text(key), text(value)) }
    try session.copy(into: "snapshot_label", columns: ["snapshot_id", "key", "value"], labels)

    let roleIDs = try reserveIDs("role", content.clusterRoles.count + content.roles.count)
    var roles = CopyLines()
    var rules = CopyLines()
    func addRules(_ written: [PolicyRule], origins: [String], role: Int64) {
      for (i, rule) in written.enumerated() {
        rules.row(
          .int(role), int(i), list(rule.verbs), list(rule.apiGroups), list(rule.resources), list(rule.resourceNames),
          list(rule.nonResourceURLs), origins.isEmpty ? .null : text(origins[i]))
      }
    }
    for (i, item) in content.clusterRoles.enumerated() {
      let role = item.object
      roles.row(
        .int(roleIDs[i]), s, text("ClusterRole"), text(""), text(role.name), text(JSONText.encode(role.labels)),
        text(role.aggregationRule.map { JSONText.encode($0) }), text(item.source.file), int(item.source.document))
      addRules(role.rules, origins: role.ruleOrigins, role: roleIDs[i])
    }
    for (i, item) in content.roles.enumerated() {
      let role = item.object
      let id = roleIDs[content.clusterRoles.count + i]
      roles.row(
        .int(id), s, text("Role"), text(role.namespace), text(role.name), text("{}"), .null, text(item.source.file),
        int(item.source.document))
      addRules(role.rules, origins: [], role: id)
    }
    try session.copy(
      into: "role",
      columns: ["id", "snapshot_id", "kind", "namespace", "name", "labels", "aggregation_rule", "source_file", "source_document"],
      roles)
    try session.copy(
      into: "policy_rule",
      columns: [
        "role_id", "rule_index", "verbs", "api_groups", "resources", "resource_names", "non_resource_urls",
        "aggregated_from",
      ], rules)

    let bindingIDs = try reserveIDs("binding", content.clusterRoleBindings.count + content.roleBindings.count)
    var bindings = CopyLines()
    var subjects = CopyLines()
    func addBinding(_ id: Int64, _ ref: BindingRef, _ roleRef: RoleRef, _ named: [Subject], _ source: ObjectSource) {
      bindings.row(
        .int(id), s, text(ref.kind.rawValue), text(ref.namespace), text(ref.name), text(roleRef.kind.rawValue),
        text(roleRef.name), text(source.file), int(source.document))
      for (i, subject) in named.enumerated() {
        subjects.row(
          .int(id), int(i), text(subject.kind.rawValue), text(subject.name), text(subject.namespace),
          text(subject.effectiveNamespace(inBindingNamespace: ref.namespace)))
      }
    }
    for (i, item) in content.clusterRoleBindings.enumerated() {
      let b = item.object
      addBinding(bindingIDs[i], BindingRef(kind: .clusterRoleBinding, name: b.name), b.roleRef, b.subjects, item.source)
    }
    for (i, item) in content.roleBindings.enumerated() {
      let b = item.object
      addBinding(
        bindingIDs[content.clusterRoleBindings.count + i],
        BindingRef(kind: .roleBinding, namespace: b.namespace, name: b.name), b.roleRef, b.subjects, item.source)
    }
    try session.copy(
      into: "binding",
      columns: ["id", "snapshot_id", "kind", "namespace", "name", "role_kind", "role_name", "source_file", "source_document"],
      bindings)
    try session.copy(
      into: "binding_subject",
      columns: ["binding_id", "subject_index", "kind", "name", "namespace", "effective_namespace"], subjects)

    var accounts = CopyLines()
    for item in content.serviceAccounts {
      let sa = item.object
      accounts.row(
        s, text(sa.namespace), text(sa.name), flag(sa.automountServiceAccountToken), text(item.source.file),
        int(item.source.document))
    }
    try session.copy(
      into: "service_account",
      columns: ["snapshot_id", "namespace", "name", "automount_token", "source_file", "source_document"], accounts)
    var namespaces = CopyLines()
    for item in content.namespaces {
      namespaces.row(
        s, text(item.object.name), text(JSONText.encode(item.object.labels)), text(item.source.file),
        int(item.source.document))
    }
    try session.copy(
      into: "namespace", columns: ["snapshot_id", "name", "labels", "source_file", "source_document"], namespaces)
    var workloads = CopyLines()
    for item in content.workloads {
      let w = item.object
      workloads.row(
        s, text(w.kind), text(w.namespace), text(w.name), text(w.serviceAccount), flag(w.automountServiceAccountToken),
        text(w.nodeName), flag(w.onEveryNode), flag(w.privileged), flag(w.hostPath), flag(w.hostPID),
        flag(w.hostNetwork), text(item.source.file), int(item.source.document))
    }
    try session.copy(
      into: "workload",
      columns: [
        "snapshot_id", "kind", "namespace", "name", "service_account", "automount_token", "node_name", "on_every_node",
        "privileged", "host_path", "host_pid", "host_network", "source_file", "source_document",
      ], workloads)
    var customResources = CopyLines()
    for item in content.customResources {
      let r = item.object
      customResources.row(
        s, text(r.group), text(r.plural), text(r.singular), text(r.kind), list(r.shortNames), flag(r.namespaced),
        text(item.source.file), int(item.source.document))
    }
    try session.copy(
      into: "custom_resource",
      columns: [
        "snapshot_id", "api_group", "plural", "singular", "kind", "short_names", "namespaced", "source_file",
        "source_document",
      ], customResources)
    var secrets = CopyLines()
    for item in content.secrets {
      let secret = item.object
      secrets.row(
        s, text(secret.namespace), text(secret.name), text(secret.type), text(secret.serviceAccountName),
        text(item.source.file), int(item.source.document))
    }
    try session.copy(
      into: "secret",
      columns: ["snapshot_id", "namespace", "name", "type", "service_account_name", "source_file", "source_document"],
      secrets)
    var mappings = CopyLines()
    for (i, m) in content.awsAuth.enumerated() {
      mappings.row(s, int(i), text(m.source), text(m.arn), text(m.username), list(m.groups))
    }
    try session.copy(
      into: "aws_auth_mapping", columns: ["snapshot_id", "seq", "source", "arn", "username", "groups"], mappings)
    var diagnostics = CopyLines()
    for (i, diagnostic) in content.diagnostics.enumerated() {
      diagnostics.row(
        s, int(i), text(diagnostic.category.rawValue), text(diagnostic.message), text(diagnostic.source?.file),
        diagnostic.source.map { int($0.document) } ?? .null)
    }
    try session.copy(
      into: "diagnostic", columns: ["snapshot_id", "seq", "category", "message", "source_file", "source_document"],
      diagnostics)

    // Written last: a caller that computes them while the objects are written hands them over only now.
    guard let summary = graphSummary?() else { return }
    var distances = CopyLines()
    for (target, found) in summary.targets.sorted(by: { $0.key < $1.key }) {
      for (node, n) in found.steps.sorted(by: { $0.key < $1.key }) {
        let step = found.firstSteps[node]
        distances.row(s, text(target), text(node), int(n), text(step?.next), text(step?.step))
      }
    }
    try session.copy(
      into: "graph_distance", columns: ["snapshot_id", "target", "node", "steps", "next_node", "first_step"], distances)
    var steps = CopyLines()
    if let pathSteps = summary.pathSteps {
      for step in pathSteps.sorted(by: { ($0.node, $0.next) < ($1.node, $1.next) }) {
        steps.row(s, text(step.node), text(step.next), text(step.step))
      }
      try session.copy(into: "graph_step", columns: ["snapshot_id", "node", "next_node", "step"], steps)
    }
    try session.execute(
      "UPDATE snapshot SET distances_computed = 1, first_steps_stored = 1, path_steps = ? WHERE id = ?",
      [summary.pathSteps == nil ? 0 : GraphSummary.pathStepsPerNode, snapshot])
  }
}

extension Subject {
  /// The namespace a ServiceAccount subject really names (defaulted to its RoleBinding's own), as
  /// `binding_subject.effective_namespace` stores it; nil for other kinds, and for one that names none.
  func effectiveNamespace(inBindingNamespace bindingNamespace: String) -> String? {
    guard kind == .serviceAccount else { return nil }
    let ns = namespace.isEmpty ? bindingNamespace : namespace
    return ns.isEmpty ? nil : ns
  }
}
