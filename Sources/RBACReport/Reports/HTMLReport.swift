// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACDiff
import RBACGraph
import RBACModel

/// `report`: one snapshot for people — its summary, the identities ranked as `audit` ranks them, escalation paths
/// drawn as graphs, the provider back doors and, with `--diff`, what changed. `-o html` writes it as one page that
/// needs nothing but a browser (every style, script and drawing inline); `-o json` and `-o yaml` give the same
/// data; `-o table` a summary of it.
///
/// The parts are the other commands' reports, gathered once: nothing here decides a permission or a path.
public struct HTMLReport: Report {
  /// How much the report holds, so that a cluster of tens of thousands of identities still gives a page that opens
  /// at once. Everything cut is counted, and the page says how many were left out and which command lists them.
  public struct Limits: Codable, Sendable, Equatable {
    /// Identities whose permissions and paths are worked out ahead (the first of each kind, in audit order).
    public var detailed: Int
    /// Shortest paths drawn per identity and target.
    public var pathsPerTarget: Int
    /// Permission lines listed per detailed identity.
    public var permissionLines: Int
    /// The whole-cluster view: identities within this many steps of cluster-admin.
    public var clusterSteps: Int
    /// The whole-cluster view: boxes drawn at most.
    public var clusterNodes: Int
    /// Identities in the ranked table.
    public var tableRows: Int
    /// Workloads listed per identity.
    public var workloadsPerIdentity: Int
    /// Snapshot warnings listed.
    public var warnings: Int
    /// Lint findings listed.
    public var lint: Int = 200
    /// Diff: escalation paths that appeared, drawn; and lines of each diff table.
    public var diffPaths: Int
    public var diffLines: Int

    public init(
      detailed: Int = 50, pathsPerTarget: Int = 6, permissionLines: Int = 300, clusterSteps: Int = 2,
      clusterNodes: Int = 60, tableRows: Int = 30_000, workloadsPerIdentity: Int = 20, warnings: Int = 200,
      diffPaths: Int = 20, diffLines: Int = 500
    ) {
      (self.detailed, self.pathsPerTarget, self.permissionLines) = (detailed, pathsPerTarget, permissionLines)
      (self.clusterSteps, self.clusterNodes, self.tableRows) = (clusterSteps, clusterNodes, tableRows)
      (self.workloadsPerIdentity, self.warnings, self.diffPaths, self.diffLines) =
        (workloadsPerIdentity, warnings, diffPaths, diffLines)
    }
  }

  /// The snapshot's warnings (its `diagnostic` rows): how many of each category, and the first ones in full.
  public struct Warnings: Encodable, Sendable {
    public var total: Int
    public var byCategory: [String: Int]
    public var shown: [Diagnostic]

    public init(total: Int, byCategory: [String: Int], shown: [Diagnostic]) {
      (self.total, self.byCategory, self.shown) = (total, byCategory, shown)
    }
  }

  /// The shortest paths from one identity to one target, and whether more of the same length were left out.
  public struct TargetPaths: Encodable, Sendable {
    public var paths: PathsReport
    public var more: Bool

    public init(paths: PathsReport, more: Bool) {
      (self.paths, self.more) = (paths, more)
    }
  }

  /// What a row of the table opens to, for the identities worked out ahead: everything it can do with the binding
  /// -> role -> rule behind each line (`perms -o wide`), and its paths to cluster-admin and to a node.
  public struct IdentityDetail: Encodable, Sendable {
    public var identity: GraphNode
    /// Nil for an IAM identity of aws-auth, which acts only as the users and groups it is mapped to.
    public var permissions: PermissionsReport?
    /// Permission lines the identity has in all, of which the first ``Limits/permissionLines`` are kept.
    public var permissionLines: Int
    public var toClusterAdmin: TargetPaths
    public var toNode: TargetPaths

    public init(
      identity: GraphNode, permissions: PermissionsReport?, permissionLines: Int, toClusterAdmin: TargetPaths,
      toNode: TargetPaths
    ) {
      (self.identity, self.permissions, self.permissionLines) = (identity, permissions, permissionLines)
      (self.toClusterAdmin, self.toNode) = (toClusterAdmin, toNode)
    }
  }

  /// The nodes within ``Limits/clusterSteps`` steps of cluster-admin, each with the first step of its first shortest
  /// path (the step `audit` shows): a tree rooted at cluster-admin, which the page collapses and caps.
  public struct ClusterView: Encodable, Sendable {
    public struct Step: Encodable, Sendable {
      public var steps: Int
      public var edge: Edge

      public init(steps: Int, edge: Edge) {
        (self.steps, self.edge) = (steps, edge)
      }
    }

    public var maxSteps: Int
    /// Identities within ``maxSteps`` steps.
    public var identities: Int
    /// Every node of the tree but cluster-admin, identities first, each once.
    public var firstSteps: [Step]

    public init(maxSteps: Int, identities: Int, firstSteps: [Step]) {
      (self.maxSteps, self.identities, self.firstSteps) = (maxSteps, identities, firstSteps)
    }
  }

  /// `--diff A B`: the diff as `rolecall diff` reports it, and the paths that appeared or got shorter, in full.
  public struct DiffPart: Encodable, Sendable {
    public struct Appeared: Encodable, Sendable {
      public var change: PathChange
      public var paths: TargetPaths

      public init(change: PathChange, paths: TargetPaths) {
        (self.change, self.paths) = (change, paths)
      }
    }

    public var report: DiffReport
    public var appeared: [Appeared]
    /// New or shorter paths in the diff, of which the first ``Limits/diffPaths`` are drawn.
    public var appearedTotal: Int

    public init(report: DiffReport, appeared: [Appeared], appearedTotal: Int) {
      (self.report, self.appeared, self.appearedTotal) = (report, appeared, appearedTotal)
    }
  }

  public var snapshot: SnapshotInfo
  public var warnings: Warnings
  public var audit: AuditReport
  public var details: [IdentityDetail]
  public var clusterView: ClusterView
  public var backdoors: BackdoorsReport
  public var lint: LintPart
  public var diff: DiffPart?
  public var limits: Limits

  /// What `rolecall lint --snapshot` finds: how many of each level and rule, and the first ones, errors first.
  public struct LintPart: Encodable, Sendable {
    public var total: Int
    public var byLevel: [String: Int]
    public var byRule: [String: Int]
    public var shown: [LintReport.Finding]

    public init(_ report: LintReport, limit: Int) {
      total = report.findings.count
      byLevel = Dictionary(grouping: report.findings, by: \.level.rawValue).mapValues(\.count)
      byRule = Dictionary(grouping: report.findings, by: \.id).mapValues(\.count)
      // Sorted by level only, so that within a level the findings keep lint's order (file, document).
      let ranked = report.findings.enumerated().sorted { ($0.element.level.rank, $0.offset) < ($1.element.level.rank, $1.offset) }
      shown = ranked.prefix(max(0, limit)).map(\.element)
    }
  }

  public init(
    snapshot: SnapshotInfo, warnings: Warnings, audit: AuditReport, details: [IdentityDetail],
    clusterView: ClusterView, backdoors: BackdoorsReport, lint: LintPart, diff: DiffPart?, limits: Limits
  ) {
    (self.snapshot, self.warnings, self.audit, self.details) = (snapshot, warnings, audit, details)
    (self.clusterView, self.backdoors, self.lint, self.diff, self.limits) = (clusterView, backdoors, lint, diff, limits)
  }

  /// The identities whose details the report works out, given the audit's order: taken from each kind in turn
  /// (service accounts, users, groups, IAM identities), so that filtering the table by kind still finds some, and
  /// within a kind in audit order. Only identities with a finding are in the audit at all.
  public static func detailedIdentities(_ audit: AuditReport, limit: Int) -> [GraphNode] {
    var queues: [[GraphNode]] = []
    var kinds: [String: Int] = [:]
    for e in audit.entries {
      let kind = IdentityKind(e.identity).key
      if kinds[kind] == nil {
        kinds[kind] = queues.count
        queues.append([])
      }
      queues[kinds[kind]!].append(e.identity)
    }
    var picked: [GraphNode] = []
    var next = [Int](repeating: 0, count: queues.count)
    while picked.count < limit, next.indices.contains(where: { next[$0] < queues[$0].count }) {
      for q in queues.indices where picked.count < limit && next[q] < queues[q].count {
        picked.append(queues[q][next[q]])
        next[q] += 1
      }
    }
    return picked
  }

  // MARK: - Formats

  public func table(wide: Bool) -> String {
    var out = "snapshot \"\(snapshot.name)\" (\(snapshot.createdAt)): \(snapshot.clusterRoles) ClusterRoles, "
      + "\(snapshot.roles) Roles, \(snapshot.clusterRoleBindings) ClusterRoleBindings, \(snapshot.roleBindings) "
      + "RoleBindings, \(snapshot.serviceAccounts) ServiceAccounts, \(snapshot.namespaces) Namespaces, "
      + "\(warnings.total) warning(s)\n"
    let counts = PageSummary(self)
    out += "\(audit.entries.count) identities with findings: \(counts.adminEquivalent) admin-equivalent, "
      + "\(counts.reachAdmin) more reach cluster-admin, \(counts.reachNode) more reach a node\n"
    out += "\(details.count) identities worked out in full (permissions and paths); "
      + "\(clusterView.identities) within \(clusterView.maxSteps) step(s) of cluster-admin\n"
    out += "\(backdoors.entries.count) provider-managed identities or objects\n"
    if let diff {
      out += "diff \"\(diff.report.diff.from)\" -> \"\(diff.report.diff.to)\": \(diff.report.diff.permissions.count) "
        + "subject(s) changed, \(diff.appearedTotal) new or shorter path(s)\n"
    }
    out += "write -o html for the page (rolecall report -o html > rolecall.html), -o json for its data\n"
    return out
  }

  public func special(_ format: OutputFormat) -> String? {
    guard format == .html else { return nil }
    return HTMLPage(self).render()
  }
}

/// An identity's kind as the page's filters name it, and the namespace of a service account.
struct IdentityKind {
  /// `sa`, `user`, `group`, `aws`, or `other` for the nodes that are not identities.
  var key: String
  var namespace: String

  init(_ node: GraphNode) {
    switch node {
    case .serviceAccount(let ns, _): (key, namespace) = ("sa", ns)
    case .user: (key, namespace) = ("user", "")
    case .group: (key, namespace) = ("group", "")
    case .cloudIdentity: (key, namespace) = ("aws", "")
    default: (key, namespace) = ("other", "")
    }
  }

  /// How the page counts identities of a kind: `12 service accounts`.
  static let plural = ["sa": "service accounts", "user": "users", "group": "groups", "aws": "IAM identities"]
}

/// Counts the summary shows, read from the audit's findings (open and accepted alike: the page shows the cluster).
struct PageSummary {
  var adminEquivalent = 0
  var reachAdmin = 0
  var reachNode = 0
  var readsAllSecrets = 0
  var createsPodsEverywhere = 0
  var wildcard = 0

  init(_ report: HTMLReport) {
    for e in report.audit.entries {
      for f in e.findings {
        switch f.id {
        case .adminEquivalent: adminEquivalent += 1
        case .reachesClusterAdmin: reachAdmin += 1
        case .reachesNode: reachNode += 1
        case .readsAllSecrets: readsAllSecrets += 1
        case .createsPodsEverywhere: createsPodsEverywhere += 1
        case .wildcardRule: wildcard += 1
        }
      }
    }
  }
}
