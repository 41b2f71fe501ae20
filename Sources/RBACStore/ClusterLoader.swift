// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph
import RBACModel

extension RolecallDatabase {
  /// Loads the snapshot's service accounts, namespaces, workloads (unless `withWorkloads` is false: a caller that
  /// reads them on another core with ``workloads(of:)``), secret metadata and aws-auth mappings.
  public func clusterObjects(of snapshot: SnapshotInfo, withWorkloads: Bool = true) throws -> ClusterObjects {
    try reading { db in
      let rows = ClusterRows(db: db, snapshot: snapshot.id, withSources: false)
      return ClusterObjects(
        serviceAccounts: try rows.serviceAccounts().map(\.object), namespaces: try rows.namespaces().map(\.object),
        workloads: withWorkloads ? try rows.workloads(byKind: true).map(\.object) : [],
        secrets: try rows.secrets().map(\.object),
        awsAuth: try rows.awsAuth())
    }
  }

  /// The identities the snapshot knows, for naming a group's members: its service accounts and those bindings
  /// name, the users bindings name, and aws-auth's mappings.
  public func knownIdentities(of snapshot: SnapshotInfo) throws -> KnownIdentities {
    try reading { db in
      let rows = ClusterRows(db: db, snapshot: snapshot.id, withSources: false)
      var accounts = try rows.serviceAccounts().map { ($0.object.namespace, $0.object.name) }
      var users: [String] = []
      try db.each(
        """
        SELECT DISTINCT s.kind, s.name, s.effective_namespace FROM binding_subject s JOIN binding b ON b.id = s.binding_id
        WHERE b.snapshot_id = ? AND s.kind IN ('User', 'ServiceAccount')
        """, [snapshot.id]
      ) { row in
        if row.text(0) == "User" {
          users.append(row.text(1))
        } else if let ns = row.optionalText(2) {
          accounts.append((ns, row.text(1)))
        }
      }
      return KnownIdentities(serviceAccounts: accounts, users: users, awsAuth: try rows.awsAuth())
    }
  }

  /// The snapshot's workloads, by kind, then namespace and name: in runs of one namespace, as the graph's indexes
  /// take them.
  public func workloads(of snapshot: SnapshotInfo) throws -> [Workload] {
    try reading { db in
      try ClusterRows(db: db, snapshot: snapshot.id, withSources: false).workloads(byKind: true).map(\.object)
    }
  }

  /// The stored steps from each graph node to `target` (`cluster-admin` or `node`), or nil when the snapshot was
  /// written without them; with `firstSteps`, each row's first step too where the snapshot has them (v5 on).
  public func distances(of snapshot: SnapshotInfo, to target: String, firstSteps: Bool = false) throws
    -> [StoredDistance]?
  {
    guard snapshot.distancesComputed else { return nil }
    let steps = firstSteps && snapshot.firstStepsStored
    return try reading { db in
      try db.all(
        steps
          ? "SELECT node, steps, next_node, first_step FROM graph_distance WHERE snapshot_id = ? AND target = ?"
          : "SELECT node, steps FROM graph_distance WHERE snapshot_id = ? AND target = ?",
        [snapshot.id, target]
      ) { row in
        var distance = StoredDistance(node: row.text(0), steps: row.int(1))
        if steps, let next = row.optionalText(2) {
          distance.firstStep = StoredStep(next: next, step: row.text(3))
        }
        return distance
      }
    }
  }
}

extension RolecallDatabase {
  /// The resources a question about the snapshot may name: the built-in ones and those its CustomResourceDefinitions
  /// add.
  public func resourceCatalog(of snapshot: SnapshotInfo) throws -> ResourceCatalog {
    try reading { db in
      ResourceCatalog(custom: try ClusterRows(db: db, snapshot: snapshot.id, withSources: false).customResources().map(\.object))
    }
  }

  /// Runs `body` with a lookup of the stored steps to `target` one node at a time (-1: a known node that cannot
  /// reach it; nil: a node the snapshot does not hold): for a question that visits a few nodes of a large graph.
  /// Nil when the snapshot was written without distances. `body` must not use this database otherwise.
  public func readingDistances<T>(
    of snapshot: SnapshotInfo, to target: String, _ body: (_ steps: (String) -> Int?) throws -> T
  ) throws -> T? {
    guard snapshot.distancesComputed else { return nil }
    return try reading { db in
      let steps = try Self.stepsLookup(db, snapshot, target)
      return try body { node in (try? steps(node)) ?? nil }
    }
  }

  /// One node's stored steps to `target`, looked up through one prepared statement.
  private static func stepsLookup(_ db: any SQLSession, _ snapshot: SnapshotInfo, _ target: String) throws
    -> (String) throws -> Int?
  {
    let statement = try db.prepared("SELECT steps FROM graph_distance WHERE snapshot_id = ? AND target = ? AND node = ?")
    return { node in
      var found: Int?
      try statement.each([snapshot.id, target, node]) { found = $0.int(0) }
      return found
    }
  }
}

extension RolecallDatabase {
  /// Runs `body` with two lookups of the stored shortest paths to `target`, one node at a time: its steps to it (as
  /// ``readingDistances(of:to:_:)``), and the steps out of it that were stored as leading closer to a stored target
  /// (as JSON, the first steps of `graph_distance` and the rows of `graph_step`; those that lead closer to
  /// `target` are the first ``SnapshotInfo/pathSteps`` in path order that do, and maybe more). Nil when the snapshot
  /// was written without them. `body` must not use this database otherwise.
  public func readingPathSteps<T>(
    of snapshot: SnapshotInfo, to target: String,
    _ body: (_ steps: (String) throws -> Int?, _ stepsOut: (String) throws -> [String]) throws -> T
  ) throws -> T? {
    guard snapshot.distancesComputed, snapshot.pathSteps > 0 else { return nil }
    return try reading { db in
      let out = try db.prepared(
        """
        SELECT first_step FROM graph_distance
        WHERE snapshot_id = ?1 AND target IN ('cluster-admin', 'node') AND node = ?2 AND first_step IS NOT NULL
        UNION ALL
        SELECT step FROM graph_step WHERE snapshot_id = ?1 AND node = ?2
        """)
      return try body(
        try Self.stepsLookup(db, snapshot, target),
        { node in
          var steps: [String] = []
          try out.each([snapshot.id, node]) { steps.append($0.text(0)) }
          return steps
        })
    }
  }
}

/// One row of `graph_distance`: a node, its steps to the target (-1: an identity that cannot reach it), and the
/// first step of one shortest path when it was asked for and stored.
public struct StoredDistance: Sendable {
  public var node: String
  public var steps: Int
  public var firstStep: StoredStep?
}

/// The rows of the objects besides roles and bindings, each with where it was read from: one decoder for the graph's
/// load (``RolecallDatabase/clusterObjects(of:)``, which leaves out where objects came from) and the whole
/// snapshot's (``RolecallDatabase/content(of:)``).
struct ClusterRows {
  let db: any SQLSession
  let snapshot: Int64
  /// Whether to read each object's file and document: the graph needs neither, and on a large cluster the tens of
  /// thousands of file names are a good part of the load.
  var withSources = true

  static func source(_ row: any SQLRow, _ file: Int) -> ObjectSource {
    ObjectSource(file: row.optionalText(file) ?? "", document: row.optionalInt(file + 1) ?? 0)
  }

  /// Rows of `columns` (then the source columns, when asked for) decoded one at a time, without keeping the rows.
  private func fetch<T>(
    _ columns: String, from table: String, orderBy: String, _ make: (any SQLRow, ObjectSource) -> T
  ) throws -> [T] {
    let sourceColumns = withSources ? ", source_file, source_document" : ""
    let first = columns.split(separator: ",").count
    let unknown = ObjectSource(file: "", document: 0)
    return try db.all(
      "SELECT \(columns)\(sourceColumns) FROM \(table) WHERE snapshot_id = ? ORDER BY \(orderBy)", [snapshot]
    ) { row in make(row, withSources ? Self.source(row, first) : unknown) }
  }

  func serviceAccounts() throws -> [Sourced<ServiceAccount>] {
    try fetch("namespace, name, automount_token", from: "service_account", orderBy: "namespace, name") { row, source in
      Sourced(
        ServiceAccount(namespace: row.text(0), name: row.text(1), automountServiceAccountToken: row.optionalBool(2)),
        from: source)
    }
  }

  func namespaces() throws -> [Sourced<Namespace>] {
    try fetch("name, labels", from: "namespace", orderBy: "name") { row, source in
      Sourced(Namespace(name: row.text(0), labels: JSONText.decodeMap(row.text(1))), from: source)
    }
  }

  /// - Parameter byKind: in the primary key's order (kind, namespace, name), which SQLite reads straight from the
  ///   table; grouped by namespace otherwise, which costs an index lookup per row and a sort (0.06 s of a 40,000
  ///   workload load).
  func workloads(byKind: Bool = false) throws -> [Sourced<Workload>] {
    try fetch(
      "kind, namespace, name, service_account, automount_token, node_name, on_every_node, privileged, host_path, "
        + "host_pid, host_network", from: "workload", orderBy: byKind ? "kind, namespace, name" : "namespace, kind, name"
    ) { row, source in
      Sourced(
        Workload(
          kind: row.text(0), namespace: row.text(1), name: row.text(2), serviceAccount: row.text(3),
          automountServiceAccountToken: row.optionalBool(4), nodeName: row.optionalText(5), onEveryNode: row.bool(6),
          privileged: row.bool(7), hostPath: row.bool(8), hostPID: row.bool(9), hostNetwork: row.bool(10)),
        from: source)
    }
  }

  func secrets() throws -> [Sourced<SecretMetadata>] {
    try fetch("namespace, name, type, service_account_name", from: "secret", orderBy: "namespace, name") { row, source in
      Sourced(
        SecretMetadata(
          namespace: row.text(0), name: row.text(1), type: row.text(2), serviceAccountName: row.optionalText(3)),
        from: source)
    }
  }

  func customResources() throws -> [Sourced<CustomResource>] {
    try fetch(
      "api_group, plural, singular, kind, short_names, namespaced", from: "custom_resource", orderBy: "api_group, plural"
    ) { row, source in
      Sourced(
        CustomResource(
          group: row.text(0), plural: row.text(1), singular: row.text(2), kind: row.text(3),
          shortNames: JSONText.decodeList(row.text(4)), namespaced: row.bool(5)), from: source)
    }
  }

  func awsAuth() throws -> [AWSAuthMapping] {
    try db.all(
      "SELECT source, arn, username, groups FROM aws_auth_mapping WHERE snapshot_id = ? ORDER BY seq", [snapshot]
    ) { AWSAuthMapping(source: $0.text(0), arn: $0.text(1), username: $0.text(2), groups: JSONText.decodeList($0.text(3))) }
  }
}
