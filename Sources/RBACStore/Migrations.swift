// rolecall — SPDX-License-Identifier: Apache-2.0

import GRDB

/// The schema, as append-only migrations. A migration that has shipped is never edited: change the schema by adding
/// one. docs/schema.md documents the result and is a public interface, as is every name below.
enum Migrations {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: snapshots of RBAC objects") { db in
      try db.execute(
        sql: """
          CREATE TABLE snapshot (
            id            INTEGER PRIMARY KEY,
            name          TEXT NOT NULL UNIQUE,
            created_at    TEXT NOT NULL,               -- ISO 8601, UTC
            sources       TEXT NOT NULL DEFAULT '[]',  -- JSON array of the inputs read
            skipped_kinds TEXT NOT NULL DEFAULT '{}',  -- JSON object: "apiVersion/kind" -> count
            -- What the snapshot holds, counted once at ingest (a snapshot never changes).
            cluster_roles         INTEGER NOT NULL DEFAULT 0,
            roles                 INTEGER NOT NULL DEFAULT 0,
            cluster_role_bindings INTEGER NOT NULL DEFAULT 0,
            role_bindings         INTEGER NOT NULL DEFAULT 0,
            service_accounts      INTEGER NOT NULL DEFAULT 0,
            namespaces            INTEGER NOT NULL DEFAULT 0,
            warnings              INTEGER NOT NULL DEFAULT 0
          );

          -- Roles and ClusterRoles; namespace is '' for a ClusterRole.
          CREATE TABLE role (
            id               INTEGER PRIMARY KEY,
            snapshot_id      INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            kind             TEXT NOT NULL CHECK (kind IN ('Role', 'ClusterRole')),
            namespace        TEXT NOT NULL,
            name             TEXT NOT NULL,
            labels           TEXT NOT NULL DEFAULT '{}',  -- JSON object
            aggregation_rule TEXT,                        -- JSON, for aggregated ClusterRoles only
            source_file      TEXT NOT NULL,
            source_document  INTEGER NOT NULL,
            UNIQUE (snapshot_id, kind, namespace, name)
          );
          CREATE INDEX role_by_namespace ON role (snapshot_id, namespace);

          -- The rules in force: for an aggregated ClusterRole, the rules aggregation computed at ingest.
          -- List columns are JSON arrays of strings.
          CREATE TABLE policy_rule (
            role_id           INTEGER NOT NULL REFERENCES role(id) ON DELETE CASCADE,
            rule_index        INTEGER NOT NULL,
            verbs             TEXT NOT NULL,
            api_groups        TEXT NOT NULL,
            resources         TEXT NOT NULL,
            resource_names    TEXT NOT NULL,
            non_resource_urls TEXT NOT NULL,
            aggregated_from   TEXT,  -- the ClusterRole an aggregated rule was written in
            PRIMARY KEY (role_id, rule_index)
          ) WITHOUT ROWID;

          -- RoleBindings and ClusterRoleBindings; namespace is '' for a ClusterRoleBinding.
          CREATE TABLE binding (
            id              INTEGER PRIMARY KEY,
            snapshot_id     INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            kind            TEXT NOT NULL CHECK (kind IN ('RoleBinding', 'ClusterRoleBinding')),
            namespace       TEXT NOT NULL,
            name            TEXT NOT NULL,
            role_kind       TEXT NOT NULL CHECK (role_kind IN ('Role', 'ClusterRole')),
            role_name       TEXT NOT NULL,
            source_file     TEXT NOT NULL,
            source_document INTEGER NOT NULL,
            UNIQUE (snapshot_id, kind, namespace, name)
          );
          CREATE INDEX binding_by_namespace ON binding (snapshot_id, namespace);

          -- namespace is as written; effective_namespace is the namespace a ServiceAccount subject really names
          -- (defaulted to a RoleBinding's own), NULL when it names none and so matches no one.
          CREATE TABLE binding_subject (
            binding_id          INTEGER NOT NULL REFERENCES binding(id) ON DELETE CASCADE,
            subject_index       INTEGER NOT NULL,
            kind                TEXT NOT NULL CHECK (kind IN ('User', 'Group', 'ServiceAccount')),
            name                TEXT NOT NULL,
            namespace           TEXT NOT NULL,
            effective_namespace TEXT,
            PRIMARY KEY (binding_id, subject_index)
          ) WITHOUT ROWID;
          CREATE INDEX binding_subject_by_name ON binding_subject (kind, name);

          CREATE TABLE service_account (
            snapshot_id     INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            namespace       TEXT NOT NULL,
            name            TEXT NOT NULL,
            automount_token INTEGER,  -- automountServiceAccountToken; NULL when unset
            source_file     TEXT NOT NULL,
            source_document INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, namespace, name)
          ) WITHOUT ROWID;

          CREATE TABLE namespace (
            snapshot_id     INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            name            TEXT NOT NULL,
            labels          TEXT NOT NULL DEFAULT '{}',
            source_file     TEXT NOT NULL,
            source_document INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, name)
          ) WITHOUT ROWID;

          -- Warnings found at ingest (dangling bindings, subjects that match no one, ...).
          CREATE TABLE diagnostic (
            snapshot_id     INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            seq             INTEGER NOT NULL,
            category        TEXT NOT NULL,
            message         TEXT NOT NULL,
            source_file     TEXT,
            source_document INTEGER,
            PRIMARY KEY (snapshot_id, seq)
          ) WITHOUT ROWID;
          """)
    }
    migrator.registerMigration("v2: snapshot labels") { db in
      try db.execute(
        sql: """
          -- Facts about where a snapshot came from: the cluster's context, server and version, a git sha, ...
          CREATE TABLE snapshot_label (
            snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            key         TEXT NOT NULL,
            value       TEXT NOT NULL,
            PRIMARY KEY (snapshot_id, key)
          ) WITHOUT ROWID;
          """)
    }
    migrator.registerMigration("v3: workloads, secret metadata, aws-auth") { db in
      try db.execute(
        sql: """
          -- Pods and the controllers that create them, reduced to what the escalation graph needs.
          CREATE TABLE workload (
            snapshot_id     INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            kind            TEXT NOT NULL,
            namespace       TEXT NOT NULL,
            name            TEXT NOT NULL,
            service_account TEXT NOT NULL,
            automount_token INTEGER,            -- the pod spec's automountServiceAccountToken; NULL when unset
            node_name       TEXT,
            on_every_node   INTEGER NOT NULL,   -- 1 for a DaemonSet
            privileged      INTEGER NOT NULL,
            host_path       INTEGER NOT NULL,
            host_pid        INTEGER NOT NULL,
            host_network    INTEGER NOT NULL,
            source_file     TEXT NOT NULL,
            source_document INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, kind, namespace, name)
          ) WITHOUT ROWID;
          CREATE INDEX workload_by_account ON workload (snapshot_id, namespace, service_account);

          -- Secret metadata only. No column holds, or ever will hold, secret data.
          CREATE TABLE secret (
            snapshot_id             INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            namespace               TEXT NOT NULL,
            name                    TEXT NOT NULL,
            type                    TEXT NOT NULL,
            service_account_name    TEXT,    -- annotation kubernetes.io/service-account.name
            source_file             TEXT NOT NULL,
            source_document         INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, namespace, name)
          ) WITHOUT ROWID;

          -- Entries of the EKS kube-system/aws-auth ConfigMap.
          CREATE TABLE aws_auth_mapping (
            snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            seq         INTEGER NOT NULL,
            source      TEXT NOT NULL,   -- mapRoles or mapUsers
            arn         TEXT NOT NULL,
            username    TEXT NOT NULL,
            groups      TEXT NOT NULL,   -- JSON array
            PRIMARY KEY (snapshot_id, seq)
          ) WITHOUT ROWID;
          """)
    }
    migrator.registerMigration("v4: escalation distances") { db in
      try db.execute(
        sql: """
          -- Steps from each node of the escalation graph to the two targets, computed once at ingest, so that
          -- paths and audit follow them instead of searching the whole graph. -1: an identity of the snapshot that
          -- cannot reach the target; nodes that are not identities and cannot reach it have no row.
          CREATE TABLE graph_distance (
            snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            target      TEXT NOT NULL CHECK (target IN ('cluster-admin', 'node')),
            node        TEXT NOT NULL,   -- user:NAME, group:NAME, sa:NS:NAME, sa:NS:*, sa:*:*, pods:NS, aws:ARN, node
            steps       INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, target, node)
          ) WITHOUT ROWID;
          -- 1 when graph_distance holds this snapshot's distances (snapshots written before v4 have none).
          ALTER TABLE snapshot ADD COLUMN distances_computed INTEGER NOT NULL DEFAULT 0;
          """)
    }
    migrator.registerMigration("v5: first steps") { db in
      try db.execute(
        sql: """
          -- The first step of one shortest path from each node that reaches a target (the first in path order: by
          -- the node it leads to, then by primitive), computed with the distances, so that a diff shows and walks
          -- paths without evaluating the nodes on the way. NULL where steps is 0 or -1, and in snapshots written
          -- before v5.
          ALTER TABLE graph_distance ADD COLUMN next_node TEXT;   -- where the step leads, as the node column
          ALTER TABLE graph_distance ADD COLUMN first_step TEXT;  -- the step as JSON: from, to, primitive, evidence
          -- 1 when graph_distance holds this snapshot's first steps.
          ALTER TABLE snapshot ADD COLUMN first_steps_stored INTEGER NOT NULL DEFAULT 0;
          """)
    }
    migrator.registerMigration("v6: custom resources") { db in
      try db.execute(
        sql: """
          -- The resources CustomResourceDefinitions add: what a question about them needs (their group, names and
          -- scope), so that a cluster-scoped custom resource is asked cluster-wide.
          CREATE TABLE custom_resource (
            snapshot_id     INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            api_group       TEXT NOT NULL,
            plural          TEXT NOT NULL,
            singular        TEXT NOT NULL,
            kind            TEXT NOT NULL,
            short_names     TEXT NOT NULL,   -- JSON array
            namespaced      INTEGER NOT NULL,   -- spec.scope: 1 Namespaced, 0 Cluster
            source_file     TEXT NOT NULL,
            source_document INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, api_group, plural)
          ) WITHOUT ROWID;
          """)
    }
    migrator.registerMigration("v7: strict tables") { db in
      // Every table becomes STRICT, and its JSON and 0/1 columns are checked: SQL run with `query --write` cannot
      // store a value of another type (text in a count, a number where a JSON array of verbs belongs), which a
      // later question would otherwise read as 0, as no rule, or not at all. Each table is rebuilt from its own
      // definition, so the columns, keys and comments stay as the earlier migrations wrote them.
      let tables = try Row.fetchAll(
        db,
        sql: """
          SELECT name, sql FROM sqlite_master
          WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
          """)
      let indexes = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
      for table in tables {
        let name: String = table["name"]
        let definition: String = table["sql"]
        guard let open = definition.firstIndex(of: "("), let close = definition.lastIndex(of: ")") else { continue }
        var columns = String(definition[open..<close])
        for check in strictChecks[name] ?? [] { columns += "\n, CHECK (\(check))" }
        let options = definition[close...].contains("WITHOUT ROWID") ? ") WITHOUT ROWID, STRICT" : ") STRICT"
        let rebuilt = "rebuilt_" + name
        try db.execute(sql: "CREATE TABLE \"\(rebuilt)\" " + columns + options)
        try db.execute(sql: "INSERT INTO \"\(rebuilt)\" SELECT * FROM \"\(name)\"")
        try db.execute(sql: "DROP TABLE \"\(name)\"")
        try db.execute(sql: "ALTER TABLE \"\(rebuilt)\" RENAME TO \"\(name)\"")
      }
      for index in indexes { try db.execute(sql: index) }
    }
    migrator.registerMigration("v8: path steps") { db in
      try db.execute(
        sql: """
          -- The steps of the shortest paths, so that `paths` walks them without building the graph: for each node
          -- that reaches a target, the first steps in path order that lead one step closer to it, as many as
          -- snapshot.path_steps says per node and target. A step graph_distance.first_step already holds (an
          -- identity's first step) is not repeated here; one that leads closer to both targets is stored once.
          CREATE TABLE graph_step (
            snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
            node        TEXT NOT NULL,   -- as graph_distance.node
            next_node   TEXT NOT NULL,   -- where the step leads
            step        TEXT NOT NULL CHECK (json_valid(step)),   -- as graph_distance.first_step
            PRIMARY KEY (snapshot_id, node, next_node)
          ) WITHOUT ROWID, STRICT;
          -- How many steps per node and target graph_step holds: a question for at most that many paths reads
          -- them; 0 in snapshots written before v8, which are answered by a search.
          ALTER TABLE snapshot ADD COLUMN path_steps INTEGER NOT NULL DEFAULT 0 CHECK (path_steps >= 0);
          """)
    }
    return migrator
  }

  /// What v7 checks of each table beyond its column types: JSON columns hold JSON of their shape, flags 0 or 1.
  static let strictChecks: [String: [String]] = [
    "snapshot": [
      "json_type(sources) = 'array'", "json_type(skipped_kinds) = 'object'", "distances_computed IN (0, 1)",
      "first_steps_stored IN (0, 1)",
    ],
    "role": ["json_type(labels) = 'object'", "aggregation_rule IS NULL OR json_valid(aggregation_rule)"],
    "policy_rule": [
      "json_type(verbs) = 'array'", "json_type(api_groups) = 'array'", "json_type(resources) = 'array'",
      "json_type(resource_names) = 'array'", "json_type(non_resource_urls) = 'array'",
    ],
    "service_account": ["automount_token IS NULL OR automount_token IN (0, 1)"],
    "namespace": ["json_type(labels) = 'object'"],
    "workload": [
      "automount_token IS NULL OR automount_token IN (0, 1)", "on_every_node IN (0, 1)", "privileged IN (0, 1)",
      "host_path IN (0, 1)", "host_pid IN (0, 1)", "host_network IN (0, 1)",
    ],
    "aws_auth_mapping": ["json_type(groups) = 'array'"],
    "graph_distance": ["first_step IS NULL OR json_valid(first_step)"],
    "custom_resource": ["json_type(short_names) = 'array'", "namespaced IN (0, 1)"],
  ]
}
