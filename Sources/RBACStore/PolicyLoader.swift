// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// How much of a snapshot a question needs.
public enum PolicyScope: Sendable, Hashable {
  /// Everything: for batches, questions about every namespace, and "what can this subject do".
  case all
  /// ClusterRoles, ClusterRoleBindings, and the Roles and RoleBindings of one namespace (or of none): all that
  /// one request in that namespace can be decided by.
  case namespace(String)
  /// Every namespace, but only the roles with a rule that could allow one of the requests (each with all its rules,
  /// so that a grant names its rule as written) and the bindings to them: who may make a request anywhere, without
  /// reading the tens of thousands of bindings that cannot matter.
  case matching([RequestAttributes])
}

extension RolecallDatabase {
  /// Loads the snapshot's roles and bindings into a ``Policy``. Aggregation was resolved at ingest, so the rules
  /// read here are the rules in force.
  public func policy(of snapshot: SnapshotInfo, scope: PolicyScope = .all) throws -> Policy {
    try reading { db in
      var narrowRoles = Narrowing(scope, table: "r", snapshot: snapshot.id)
      if case .matching(let requests) = scope {
        // Materialized once: SQLite would otherwise evaluate the list again for every row it tests.
        let (condition, values) = Self.mightAllow(requests, db.dialect)
        narrowRoles.with = """
          WITH candidate(id) AS MATERIALIZED (
            SELECT DISTINCT p.role_id FROM policy_rule p JOIN role k ON k.id = p.role_id
            WHERE k.snapshot_id = ? AND (\(condition)))

          """
        narrowRoles.condition = " AND r.id IN (SELECT id FROM candidate)"
        narrowRoles.arguments = [snapshot.id] + values + [snapshot.id]
      }
      var clusterRoles: [ClusterRole] = []
      var roles: [Role] = []
      var currentRole: Int64 = -1
      var current: (kind: String, namespace: String, name: String, rules: [PolicyRule], origins: [String])?
      func flush() {
        guard let r = current else { return }
        if r.kind == "ClusterRole" {
          clusterRoles.append(ClusterRole(name: r.name, rules: r.rules, ruleOrigins: r.origins))
        } else {
          roles.append(Role(namespace: r.namespace, name: r.name, rules: r.rules))
        }
      }
      // Both queries read in the order of an index, which SQLite would otherwise sort tens of thousands of rows
      // into: roles in the order of their unique key (the Policy keys them by name), bindings by namespace and then
      // as written (the order a namespace's bindings are visited in, and evidence shown in).
      var reader = RuleReader()
      // Only `.matching` hands the roles it read to the binding query.
      var roleIDs: [Int64]? = nil
      if case .matching = scope { roleIDs = [] }
      try db.each(
        narrowRoles.with + """
          SELECT r.id, r.kind, r.namespace, r.name, p.verbs, p.api_groups, p.resources, p.resource_names,
            p.non_resource_urls, p.aggregated_from
          FROM role r LEFT JOIN policy_rule p ON p.role_id = r.id
          WHERE r.snapshot_id = ?\(narrowRoles.condition)
          ORDER BY r.kind, r.namespace, r.name, p.rule_index
          """, narrowRoles.arguments
      ) { row in
        let id = row.int64(0)
        if id != currentRole {
          flush()
          currentRole = id
          roleIDs?.append(id)
          current = (row.text(1), row.text(2), row.text(3), [], [])
        }
        guard let verbs = row.optionalText(4) else { return }
        current!.rules.append(reader.rule(row, from: 4, verbs: verbs))
        if let origin = row.optionalText(9) { current!.origins.append(origin) }
      }
      flush()

      var clusterRoleBindings: [ClusterRoleBinding] = []
      var roleBindings: [RoleBinding] = []
      var currentBinding: Int64 = -1
      var binding: (kind: String, namespace: String, name: String, roleRef: RoleRef, subjects: [Subject])?
      func flushBinding() {
        guard let b = binding else { return }
        if b.kind == "ClusterRoleBinding" {
          clusterRoleBindings.append(ClusterRoleBinding(name: b.name, roleRef: b.roleRef, subjects: b.subjects))
        } else {
          roleBindings.append(RoleBinding(namespace: b.namespace, name: b.name, roleRef: b.roleRef, subjects: b.subjects))
        }
      }
      // With `.matching`, the bindings to the roles just read: their ids are handed back as a JSON list rather than
      // searched for again.
      var narrowBindings = Narrowing(scope, table: "b", snapshot: snapshot.id)
      if let roleIDs {
        narrowBindings.with = """
          WITH target(kind, namespace, name) AS MATERIALIZED (
            SELECT kind, namespace, name FROM role
            WHERE id IN (SELECT CAST(value AS BIGINT) FROM \(db.dialect.jsonArrayValues("?"))))

          """
        narrowBindings.condition =
          " AND (b.role_kind, CASE WHEN b.role_kind = 'Role' THEN b.namespace ELSE '' END, b.role_name) IN "
          + "(SELECT kind, namespace, name FROM target)"
        narrowBindings.arguments = ["[" + roleIDs.map(String.init).joined(separator: ",") + "]", snapshot.id]
      }
      try db.each(
        narrowBindings.with + """
          SELECT b.id, b.kind, b.namespace, b.name, b.role_kind, b.role_name, s.kind, s.name, s.namespace
          FROM binding b LEFT JOIN binding_subject s ON s.binding_id = b.id
          WHERE b.snapshot_id = ?\(narrowBindings.condition)
          ORDER BY b.namespace, b.id, s.subject_index
          """, narrowBindings.arguments
      ) { row in
        let id = row.int64(0)
        if id != currentBinding {
          flushBinding()
          currentBinding = id
          let roleKind = RoleRef.Kind(rawValue: row.text(4)) ?? .clusterRole
          binding = (row.text(1), row.text(2), row.text(3), RoleRef(kind: roleKind, name: row.text(5)), [])
        }
        guard let kind = row.optionalText(6), let subjectKind = Subject.Kind(rawValue: kind) else { return }
        binding!.subjects.append(Subject(kind: subjectKind, name: row.text(7), namespace: row.text(8)))
      }
      flushBinding()
      return Policy(
        clusterRoles: clusterRoles, roles: roles, clusterRoleBindings: clusterRoleBindings, roleBindings: roleBindings)
    }
  }

  /// What narrows one of the two queries of ``policy(of:scope:)`` to a scope: a WITH clause before it, a condition
  /// after its `WHERE snapshot_id = ?`, and the values of all its parameters in order. `.matching` fills in its own.
  struct Narrowing {
    var with = ""
    var condition = ""
    var arguments: [any SQLArgument]

    init(_ scope: PolicyScope, table: String, snapshot: Int64) {
      arguments = [snapshot]
      if case .namespace(let ns) = scope {
        condition = " AND \(table).namespace IN ('', ?)"
        arguments.append(ns)
      }
    }
  }

  /// An SQL condition on a `policy_rule p` that holds for every rule that allows one of `requests`, and its values:
  /// each list column must name the request's verb, group and resource (or `*`, or `*/SUBRESOURCE`) as a JSON
  /// string. `LIKE` is a superset of the exact test (it ignores ASCII case; `_` matches any character); the
  /// authorizer then decides exactly. A non-resource request keeps every rule.
  static func mightAllow(_ requests: [RequestAttributes], _ dialect: SQLDialect) -> (String, [any SQLArgument]) {
    var conditions: [String] = []
    var values: [any SQLArgument] = []
    func names(_ column: String, _ items: [String]) -> String {
      values += items.map { "%" + JSONText.quoted($0) + "%" }
      return "(" + items.map { _ in dialect.like("p.\(column)", "?") }.joined(separator: " OR ") + ")"
    }
    for request in requests {
      guard case .resource(let r) = request.target else { return ("1 = 1", []) }
      var resources = [r.combinedResource, Wildcard.all]
      if !r.subresource.isEmpty { resources.append("*/" + r.subresource) }
      conditions.append(
        names("verbs", [request.verb, Wildcard.all]) + " AND " + names("api_groups", [r.apiGroup, Wildcard.all])
          + " AND " + names("resources", resources))
    }
    return (conditions.isEmpty ? "1 = 0" : conditions.map { "(" + $0 + ")" }.joined(separator: " OR "), values)
  }

  /// Reads rules from rows whose `verbs, api_groups, resources, resource_names, non_resource_urls` columns start at
  /// one column. A cluster repeats a few lists in most of its rules (`["get","list","watch"]`, `[""]`, `[]`), so
  /// each text is decoded once per read and its list shared by every rule that has it: less work and less memory
  /// than a fresh array of fresh strings per column of 100,000 rules.
  struct RuleReader {
    private var lists: [String: [String]] = [:]

    mutating func rule(_ row: any SQLRow, from column: Int, verbs: String? = nil) -> PolicyRule {
      PolicyRule(
        verbs: list(verbs ?? row.text(column)), apiGroups: list(row.text(column + 1)),
        resources: list(row.text(column + 2)), resourceNames: list(row.text(column + 3)),
        nonResourceURLs: list(row.text(column + 4)))
    }

    private mutating func list(_ text: String) -> [String] {
      if let known = lists[text] { return known }
      let decoded = JSONText.decodeList(text)
      lists[text] = decoded
      return decoded
    }
  }

  /// Whether any binding subject of the snapshot names this identity, or a ServiceAccount object is it.
  /// Identities live outside the cluster, so an unknown one is still evaluated; this only feeds the explanation.
  public func isNamed(_ subject: SubjectKey, in snapshot: SnapshotInfo) throws -> Bool {
    try reading { db in
      switch subject {
      case .group(let name):
        return try db.holds(
          """
          EXISTS(SELECT 1 FROM binding_subject s JOIN binding b ON b.id = s.binding_id
            WHERE b.snapshot_id = ? AND s.kind = 'Group' AND s.name = ?)
          """, [snapshot.id, name])
      case .user(let name):
        let sa = ServiceAccountName.split(name)
        return try db.holds(
          """
          EXISTS(SELECT 1 FROM binding_subject s JOIN binding b ON b.id = s.binding_id
            WHERE b.snapshot_id = ?1 AND ((s.kind = 'User' AND s.name = ?2)
              OR (s.kind = 'ServiceAccount' AND s.effective_namespace = ?3 AND s.name = ?4)))
          OR EXISTS(SELECT 1 FROM service_account WHERE snapshot_id = ?1 AND namespace = ?3 AND name = ?4)
          """, [snapshot.id, name, sa?.namespace, sa?.name])
      }
    }
  }

  /// Every binding of the snapshot with the file it was read from.
  public func bindingSources(of snapshot: SnapshotInfo) throws -> [(binding: BindingRef, file: String)] {
    try reading { db in
      try db.all("SELECT kind, namespace, name, source_file FROM binding WHERE snapshot_id = ?", [snapshot.id]) { row in
        (
          BindingRef(
            kind: BindingRef.Kind(rawValue: row.text(0)) ?? .roleBinding, namespace: row.text(1), name: row.text(2)),
          row.text(3)
        )
      }
    }
  }

  /// Whether the snapshot holds anything in the namespace: its Namespace object, a role, binding, account or workload.
  public func namespaceKnown(_ namespace: String, in snapshot: SnapshotInfo) throws -> Bool {
    try reading { db in
      try db.holds(
        """
        EXISTS(SELECT 1 FROM namespace WHERE snapshot_id = ?1 AND name = ?2)
          OR EXISTS(SELECT 1 FROM role WHERE snapshot_id = ?1 AND namespace = ?2)
          OR EXISTS(SELECT 1 FROM binding WHERE snapshot_id = ?1 AND namespace = ?2)
          OR EXISTS(SELECT 1 FROM service_account WHERE snapshot_id = ?1 AND namespace = ?2)
          OR EXISTS(SELECT 1 FROM workload WHERE snapshot_id = ?1 AND namespace = ?2)
        """, [snapshot.id, namespace])
    }
  }

  /// Whether the ServiceAccount object exists in the snapshot.
  public func serviceAccountExists(namespace: String, name: String, in snapshot: SnapshotInfo) throws -> Bool {
    try reading { db in
      try db.holds(
        "EXISTS(SELECT 1 FROM service_account WHERE snapshot_id = ? AND namespace = ? AND name = ?)",
        [snapshot.id, namespace, name])
    }
  }
}
