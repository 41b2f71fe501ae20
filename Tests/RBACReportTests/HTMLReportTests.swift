// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import RBACModel
@testable import RBACReport
import Testing

/// `report -o html`: what reaches the page is escaped for where it goes, the drawings are laid out in layers without
/// boxes on top of each other or edges through them, large inputs are capped and the cut is counted, and every
/// section is there. The browser test (RolecallCLITests/ReportBrowserTests) runs the page's script.

private let hostile = "</script><img src=x onerror=alert(1)>"

// MARK: - A report built by hand

private func edge(_ from: GraphNode, _ to: GraphNode, _ primitive: String, _ note: String) -> Edge {
  Edge(from: from, to: to, primitive: primitive, evidence: [Evidence(binding: "ClusterRoleBinding \"b\"", role: "ClusterRole \"r\"", rule: "rule 0 {verbs: [*]}", note: note)])
}

private func snapshot(labels: [String: String] = [:], sources: [String] = ["cluster.json"]) -> SnapshotInfo {
  SnapshotInfo(
    id: 1, name: "prod", createdAt: "2026-12-03T06:52:42Z", sources: sources, skippedKinds: [:], clusterRoles: 3,
    roles: 2, clusterRoleBindings: 4, roleBindings: 5, serviceAccounts: 6, namespaces: 2, warnings: 0,
    distancesComputed: true, firstStepsStored: true, labels: labels)
}

private func entry(_ node: GraphNode, score: Int, steps: Int?, workloads: [String] = [], tags: [String] = []) -> AuditReport.Entry {
  AuditReport.Entry(
    identity: node, score: score, stepsToClusterAdmin: steps, firstStep: steps.map { _ in Edge(from: node, to: .clusterAdmin, primitive: "impersonate", evidence: []) },
    findings: [AuditReport.Finding(id: steps == 1 ? .adminEquivalent : .reachesClusterAdmin, evidence: Evidence(note: "impersonate -> cluster-admin"), accepted: false)],
    workloads: workloads, onEveryNode: false, tags: tags)
}

/// A report whose every free text (identity names, a label, a source file, a rule, a warning, a provider note)
/// carries markup.
private func hostileReport() -> HTMLReport {
  let user = GraphNode.user(hostile)
  let account = GraphNode.serviceAccount(namespace: "ns\"'<b>", name: "a&b")
  let step = edge(user, .clusterAdmin, "impersonate", hostile)
  let grant = Grant(
    binding: BindingRef(kind: .clusterRoleBinding, name: hostile), role: RoleKey(kind: .clusterRole, name: "<i>role</i>"),
    subject: Subject(kind: .user, name: hostile), ruleIndex: 0, rule: PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: [hostile]))
  let permissions = PermissionsReport(
    subject: user.description, user: UserInfo(name: hostile, groups: []), namespace: nil,
    permissions: PermissionMerger.merge([grant]) { _ in "" }, notes: [hostile])
  let audit = AuditReport(snapshot: "prod", entries: [
    entry(account, score: 100, steps: 1, workloads: ["Deployment \(hostile)"]), entry(user, score: 100, steps: 1, tags: [hostile]),
  ])
  return HTMLReport(
    snapshot: snapshot(labels: ["git": hostile], sources: [hostile + ".yaml"]),
    warnings: HTMLReport.Warnings(total: 1, byCategory: ["dangling-binding": 1], shown: [Diagnostic(.danglingBinding, hostile, source: ObjectSource(file: hostile, document: 1))]),
    audit: audit,
    details: [
      HTMLReport.IdentityDetail(
        identity: user, permissions: permissions, permissionLines: 1,
        toClusterAdmin: HTMLReport.TargetPaths(paths: PathsReport(from: user, to: .clusterAdmin, paths: [[step]]), more: false),
        toNode: HTMLReport.TargetPaths(paths: PathsReport(from: user, to: .node, paths: []), more: false))
    ],
    clusterView: HTMLReport.ClusterView(maxSteps: 2, identities: 1, firstSteps: [HTMLReport.ClusterView.Step(steps: 1, edge: step)]),
    backdoors: BackdoorsReport(
      entries: [BackdoorsReport.Entry(provider: "EKS", kind: "User", name: hostile, note: hostile, stepsToClusterAdmin: 1, path: [hostile])],
      invisible: [BackdoorsReport.Invisible(provider: "EKS", note: hostile)]),
    lint: HTMLReport.LintPart(
      LintReport(findings: [
        LintReport.Finding(
          level: .warning, id: "resource-unknown", object: "Role \"\(hostile)\"",
          source: ObjectSource(file: hostile + ".yaml", document: 2), line: 7, message: hostile)
      ]), limit: 10),
    diff: nil, limits: HTMLReport.Limits())
}

/// The text of the JSON embedded in the page, read back as the browser's JSON.parse would.
private func embeddedData(_ page: String) throws -> [String: Any] {
  let start = try #require(page.range(of: "<script type=\"application/json\" id=\"rc-data\">"))
  let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
  let text = String(page[start.upperBound..<end.lowerBound])
  return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

// MARK: - Escaping

@Test func textIsEscapedForElementsAttributesAndScripts() throws {
  #expect(HTMLText.escape(hostile) == "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;")
  #expect(HTMLText.escape("a & \"b\" 'c'") == "a &amp; &quot;b&quot; &#39;c&#39;")
  #expect(HTMLText.attribute("x\"\ny") == "x&quot;&#10;y")
  // A control character stays visible and distinct (its control picture), never a raw byte the parser rejects.
  #expect(HTMLText.escape("a\u{1}b\u{0}") == "a\u{2401}b\u{2400}")
  var writer = ScriptJSON()
  writer.raw("{\"name\":")
  writer.string(hostile + "<!-- & \u{2028}\u{2029} \"q\" \\ \u{1} é 日本")
  writer.raw(",\"n\":")
  writer.ints([1, -2])
  writer.raw("}")
  let json = writer.text
  #expect(!json.contains("<") && !json.contains(">") && !json.contains("&") && !json.contains("\u{2028}"))
  #expect(json.contains("\\u003c/script\\u003e"))
  let back = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
  #expect(back?["name"] as? String == hostile + "<!-- & \u{2028}\u{2029} \"q\" \\ \u{1} é 日本")
  #expect(back?["n"] as? [Int] == [1, -2])
}

@Test func aHostileNameNeverBecomesMarkup() throws {
  let page = try #require(hostileReport().special(.html))
  // The only elements are the page's own: no <img>, <b> or <i> from a name, and the two scripts it writes.
  #expect(!page.contains("<img"))
  #expect(!page.contains("<b>") && !page.contains("<i>"))
  #expect(page.components(separatedBy: "<script").count - 1 == 2)
  #expect(page.components(separatedBy: "</script>").count - 1 == 2)
  #expect(page.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"))
  // In the SVG too: an edge's title and a box's label.
  #expect(page.contains("<title>user:&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; -[impersonate]-&gt; cluster-admin"))
  // The data reads back with every name intact.
  let data = try embeddedData(page)
  let rows = try #require(data["rows"] as? [[String: Any]])
  #expect(rows.map { $0["i"] as? String } == ["sa:ns\"'<b>:a&b", "user:" + hostile])
  #expect((rows[0]["n"] as? String) == "ns\"'<b>")
  #expect((rows[1]["t"] as? [String]) == [hostile])
  let strings = try #require(data["strings"] as? [String])
  #expect(strings.contains("ClusterRoleBinding \"\(hostile)\" -> ClusterRole \"<i>role</i>\""))
}

// MARK: - Sections and caps

@Test func everySectionIsOnThePage() throws {
  let page = try #require(hostileReport().special(.html))
  for id in ["summary", "identities", "paths", "cluster", "backdoors", "lint", "warnings", "left-out"] {
    #expect(page.contains("<section id=\"\(id)\">"), "section \(id)")
  }
  #expect(!page.contains("<section id=\"diff\">"))
  #expect(page.contains("<template id=\"rc-paths-0\">"))
  // Self-contained: nothing that a browser would fetch.
  #expect(!page.contains("src=\"http") && !page.contains("href=\"http") && !page.contains("@import") && !page.contains("url(http"))
  #expect(page.contains("Content-Security-Policy"))
  let data = try embeddedData(page)
  #expect((data["rows"] as? [Any])?.count == 2 && (data["details"] as? [Any])?.count == 1)
  // The permission line keeps its provenance as `perms -o wide` writes it: binding -> role, then the rule.
  let details = try #require(data["details"] as? [[String: Any]])
  let permission = try #require((details[0]["p"] as? [[String: Any]])?.first)
  let grant = try #require((permission["g"] as? [[Int]])?.first)
  let strings = try #require(data["strings"] as? [String])
  #expect(strings[grant[1]].hasPrefix("rule 0 {verbs: [get]"))
}

/// The page lists lint's errors first, then warnings, then infos, each level in lint's own order, up to its cap, and
/// counts every finding by level and rule.
@Test func lintFindingsAreListedErrorsFirstAndCounted() {
  func finding(_ level: LintReport.Level, _ id: String, _ n: Int) -> LintReport.Finding {
    LintReport.Finding(level: level, id: id, object: "Role \"r\(n)\"", source: nil, message: "m\(n)")
  }
  let report = LintReport(findings: [
    finding(.info, "risky-grant", 0), finding(.warning, "verb-unknown", 1), finding(.error, "verb-case", 2),
    finding(.info, "risky-grant", 3), finding(.error, "rule-without-apigroups", 4),
  ])
  let part = HTMLReport.LintPart(report, limit: 3)
  #expect(part.shown.map(\.message) == ["m2", "m4", "m1"])
  #expect(part.total == 5 && part.byLevel == ["error": 2, "warning": 1, "info": 2] && part.byRule["risky-grant"] == 2)
}

@Test func theTableKeepsTheHighestScoresInRankOrder() {
  let audit = AuditReport(snapshot: "s", entries: (0..<10).map { i in
    entry(.serviceAccount(namespace: "n", name: "a\(i)"), score: [5, 90, 10, 80, 70, 1, 60, 2, 3, 4][i], steps: 2)
  })
  let kept = PageData.tableEntries(audit, limit: 4)
  #expect(kept.map(\.rank) == [2, 4, 5, 7])
  #expect(PageData.tableEntries(audit, limit: 50).count == 10)
}

@Test func detailsAreTakenFromEachKindInTurn() {
  var entries: [AuditReport.Entry] = (0..<5).map { entry(.serviceAccount(namespace: "n", name: "a\($0)"), score: 100, steps: 1) }
  entries += (0..<2).map { entry(.user("u\($0)"), score: 100, steps: 1) }
  entries.append(entry(.group("g"), score: 100, steps: 1))
  let picked = HTMLReport.detailedIdentities(AuditReport(snapshot: "s", entries: entries), limit: 6)
  #expect(picked.map(\.description) == ["sa:n:a0", "user:u0", "group:g", "sa:n:a1", "user:u1", "sa:n:a2"])
  #expect(HTMLReport.detailedIdentities(AuditReport(snapshot: "s", entries: entries), limit: 0).isEmpty)
}

@Test func theClusterViewFoldsLeavesAndCapsBoxes() {
  // 30 accounts in each of three namespaces reach cluster-admin through their namespace's pods; two users directly.
  var steps: [HTMLReport.ClusterView.Step] = []
  for (n, ns) in ["a", "b", "c"].enumerated() {
    let hub = GraphNode.namespacePods(ns)
    let admin = GraphNode.serviceAccount(namespace: ns, name: "admin")
    for i in 0..<(10 * (n + 1)) {
      steps.append(.init(steps: 2, edge: edge(.serviceAccount(namespace: ns, name: "sa\(i)"), hub, "pod-exec", "exec")))
    }
    steps.append(.init(steps: 1, edge: edge(hub, admin, "pod-code", "runs")))
    steps.append(.init(steps: 1, edge: edge(admin, .clusterAdmin, "wildcard-admin", "bound")))
  }
  steps.append(.init(steps: 1, edge: edge(.user("u1"), .clusterAdmin, "impersonate", "u1")))
  steps.append(.init(steps: 1, edge: edge(.user("u2"), .clusterAdmin, "impersonate", "u2")))
  let view = HTMLReport.ClusterView(maxSteps: 2, identities: 65, firstSteps: steps)

  let all = ClusterDrawing(view, maxBoxes: 60)
  // cluster-admin, 3 admins, 3 hubs, 3 folds, 2 users.
  #expect(all.totalBoxes == 12 && all.drawnBoxes == 12)
  #expect(all.identities == 65 && all.identitiesDrawn == 65 && all.folded == 60)
  #expect(all.graph.nodes.filter { $0.kind == "collapsed" }.map(\.label).sorted() == ["10 service accounts", "20 service accounts", "30 service accounts"])
  #expect(all.graph.links.count == 11)

  let capped = ClusterDrawing(view, maxBoxes: 4)
  #expect(capped.drawnBoxes == 4)
  // The heaviest branch first: c's admin (31 identities), its hub, its fold.
  #expect(capped.graph.nodes.map(\.label) == ["cluster-admin", "sa:c:admin", "pods:c", "30 service accounts"])
  #expect(capped.identitiesDrawn == 31 && capped.identitiesLeftOut == 34)
  // With room for c's admin and its hub but not the fold, the hub would lead from nothing: it is left out too.
  let tight = ClusterDrawing(view, maxBoxes: 3)
  #expect(tight.graph.nodes.map(\.label) == ["cluster-admin", "sa:c:admin"] && tight.identitiesLeftOut == 64)
  let svg = capped.graph.render()
  #expect(svg.components(separatedBy: "<g class=\"node").count - 1 == 4)
  #expect(svg.components(separatedBy: "<g class=\"edge\"").count - 1 == 3)
}

@Test func pathsAreDrawnOnceWithTheirEvidence() {
  let source = GraphNode.serviceAccount(namespace: "ci", name: "builder")
  let hub = GraphNode.namespaceAccounts("prod")
  let target = GraphNode.serviceAccount(namespace: "prod", name: "web")
  let paths = [
    [edge(source, hub, "workload-create", "run a pod"), edge(hub, target, "any-account", "one of them"), edge(target, .clusterAdmin, "bind", "bind")],
    [edge(source, .node, "privileged-pod", "privileged"), edge(.node, .clusterAdmin, "node-takeover", "root")],
  ]
  let svg = SVGGraph.paths(PathsReport(from: source, to: .clusterAdmin, paths: paths)).render()
  #expect(svg.components(separatedBy: "<g class=\"node").count - 1 == 5)
  #expect(svg.components(separatedBy: "<g class=\"edge\"").count - 1 == 5)
  #expect(svg.contains("<g class=\"node identity source\" tabindex=\"0\"><title>sa:ci:builder</title>"))
  #expect(svg.contains("<title>sa:ci:builder -[workload-create]-&gt; sa:prod:*\nClusterRoleBinding &quot;b&quot; -&gt; ClusterRole &quot;r&quot; rule 0 {verbs: [*]} — run a pod</title>"))
}

// MARK: - Layout

/// Whether two boxes of the same column overlap.
private func overlapping(_ layout: LayeredLayout) -> Bool {
  for (i, a) in layout.boxes.enumerated() {
    for b in layout.boxes[(i + 1)...] where a.column == b.column {
      if a.y < b.y + b.height && b.y < a.y + a.height { return true }
    }
  }
  return false
}

@Test func nodesAreLaidOutInLayersByDistance() {
  // a -> b -> c -> d, and e -> c: d alone on the right, a on the left, e level with b.
  let layout = LayeredLayout(widths: [40, 50, 60, 70, 80], edges: [(0, 1), (1, 2), (2, 3), (4, 2)])
  #expect(layout.boxes.map(\.layer) == [3, 2, 1, 0, 2])
  #expect(layout.boxes.map(\.column) == [0, 1, 2, 3, 1])
  #expect(layout.boxes[0].x < layout.boxes[1].x && layout.boxes[1].x < layout.boxes[2].x && layout.boxes[2].x < layout.boxes[3].x)
  #expect(!overlapping(layout))
  #expect(layout.width >= layout.boxes.map { $0.x + $0.width }.max()!)
  #expect(layout.height >= layout.boxes.map { $0.y + $0.height }.max()!)
  // Each route runs from the right side of its source to the left side of its target.
  for (route, e) in zip(layout.routes, [(0, 1), (1, 2), (2, 3), (4, 2)]) {
    #expect(route.first == LayeredLayout.Point(x: layout.boxes[e.0].x + layout.boxes[e.0].width, y: layout.boxes[e.0].y + 13))
    #expect(route.last == LayeredLayout.Point(x: layout.boxes[e.1].x, y: layout.boxes[e.1].y + 13))
  }
}

@Test func anEdgeThatSkipsAColumnGoesAroundItsBoxes() {
  // a -> b -> c and a -> c: the long edge crosses b's column in a slot of its own.
  let layout = LayeredLayout(widths: [40, 300, 40], edges: [(0, 1), (1, 2), (0, 2)])
  let route = layout.routes[2]
  #expect(route.count == 4)
  let b = layout.boxes[1]
  #expect(route[1].x == b.x && route[2].x == b.x + b.width && route[1].y == route[2].y)
  #expect(route[1].y < b.y || route[1].y > b.y + b.height)
}

@Test func columnsAreOrderedToAvoidCrossings() {
  // Sources a, b; sinks c, d given in the order that crosses a -> d and b -> c.
  let layout = LayeredLayout(widths: [10, 10, 10, 10], edges: [(0, 3), (1, 2)])
  let (a, b, c, d) = (layout.boxes[0], layout.boxes[1], layout.boxes[2], layout.boxes[3])
  #expect((a.y < b.y) == (d.y < c.y))
  #expect(!overlapping(layout))
}

@Test func aCycleIsLaidOutAndItsClosingEdgeLeftOut() {
  let layout = LayeredLayout(widths: [10, 10, 10], edges: [(0, 1), (1, 2), (2, 0), (1, 1)])
  #expect(layout.boxes.count == 3 && !overlapping(layout))
  #expect(layout.routes.map(\.isEmpty) == [false, false, true, true])
  #expect(LayeredLayout(widths: [], edges: []).boxes.isEmpty)
}
