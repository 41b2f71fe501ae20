// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import RBACModel

/// The report as one HTML page: sections written here, the ranked table built by the page's script from the data
/// embedded as JSON, drawings as inline SVG. Every text from the snapshot goes through ``HTMLText``.
struct HTMLPage {
  let report: HTMLReport

  init(_ report: HTMLReport) {
    self.report = report
  }

  /// The diff's markdown is embedded in full up to this size; beyond it the page says which command prints it.
  static let markdownLimit = 256 * 1024

  func render() -> String {
    var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    // Nothing may be fetched: no script, style, font or image from anywhere, whatever a name in the data holds.
    out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      + "script-src 'unsafe-inline'\">\n"
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    out += "<meta name=\"generator\" content=\"rolecall report\">\n"
    out += "<title>rolecall report: \(h(report.snapshot.name))</title>\n<style>\n\(PageAssets.css)</style>\n</head>\n"
    out += "<body>\n"
    // The arrow head every drawing refers to, defined once for the whole page.
    out += "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs><marker id=\"rc-arrow\" "
      + "viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
      + "<path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs></svg>\n"
    out += header()
    out += "<main>\n"
    out += summary()
    // A diff is what a page made with --diff is for: it comes first.
    if let diff = report.diff { out += self.diff(diff) }
    out += clusterView()
    out += identities()
    out += paths()
    out += backdoors()
    out += lint()
    out += warnings()
    out += leftOut()
    out += "</main>\n"
    out += "<script type=\"application/json\" id=\"rc-data\">"
    out += PageData(report).scriptJSON()
    out += "</script>\n<script>\n\(PageAssets.script)</script>\n</body>\n</html>\n"
    return out
  }

  private func h(_ text: String) -> String { HTMLText.escape(text) }
  private func a(_ text: String) -> String { HTMLText.attribute(text) }
  private func code(_ text: String) -> String { "<code>" + h(text) + "</code>" }
  /// `21,456`: counts grouped by thousands, whatever the machine's locale.
  private func count(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = n < 0 ? "-" : ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return out
  }

  // MARK: - Sections

  private func header() -> String {
    let s = report.snapshot
    var out = "<header>\n<h1>rolecall report <span class=\"snapshot\">\(h(s.name))</span></h1>\n"
    out += "<p class=\"meta\">snapshot created \(h(s.createdAt))"
    if let diff = report.diff {
      out += " · compared with <code>\(h(diff.report.diff.from))</code>"
    }
    out += "</p>\n<nav>"
    var links = [("summary", "Summary"), ("cluster", "Near cluster-admin"), ("identities", "Identities"),
      ("paths", "Escalation paths"), ("backdoors", "Back doors")]
    if report.diff != nil { links.insert(("diff", "Diff"), at: 1) }
    if report.lint.total > 0 { links.append(("lint", "Lint")) }
    if report.warnings.total > 0 { links.append(("warnings", "Warnings")) }
    links.append(("left-out", "Left out"))
    out += links.map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined(separator: " ")
    return out + "</nav>\n</header>\n"
  }

  private func summary() -> String {
    let s = report.snapshot
    let counts = PageSummary(report)
    var out = "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n"
    let cards: [(String, Int, String)] = [
      ("identities with findings", report.audit.entries.count, ""),
      ("admin-equivalent", counts.adminEquivalent, counts.adminEquivalent > 0 ? "bad" : ""),
      ("reach cluster-admin in 2+ steps", counts.reachAdmin, counts.reachAdmin > 0 ? "bad" : ""),
      ("reach a node only", counts.reachNode, counts.reachNode > 0 ? "warn" : ""),
      ("read every Secret", counts.readsAllSecrets, counts.readsAllSecrets > 0 ? "warn" : ""),
      ("create pods everywhere", counts.createsPodsEverywhere, counts.createsPodsEverywhere > 0 ? "warn" : ""),
      ("hold a wildcard rule", counts.wildcard, ""),
      ("warnings at ingest", report.warnings.total, report.warnings.total > 0 ? "warn" : ""),
    ]
    for (label, n, style) in cards {
      out += "<div class=\"card \(style)\"><span class=\"n\">\(count(n))</span><span class=\"l\">\(h(label))</span></div>\n"
    }
    out += "</div>\n<table class=\"kv\">\n"
    let objects = "\(count(s.clusterRoles)) ClusterRoles, \(count(s.roles)) Roles, \(count(s.clusterRoleBindings)) "
      + "ClusterRoleBindings, \(count(s.roleBindings)) RoleBindings, \(count(s.serviceAccounts)) ServiceAccounts, "
      + "\(count(s.namespaces)) Namespaces"
    var rows: [(String, String)] = [("snapshot", code(s.name)), ("created", h(s.createdAt)), ("objects", h(objects))]
    let sources = s.sources.prefix(20).map(code).joined(separator: " ")
      + (s.sources.count > 20 ? " and \(count(s.sources.count - 20)) more" : "")
    rows.append(("read from", sources.isEmpty ? "-" : sources))
    if !s.labels.isEmpty {
      rows.append(("labels", s.labels.sorted { $0.key < $1.key }.map { code($0.key + "=" + $0.value) }.joined(separator: " ")))
    }
    if !s.skippedKinds.isEmpty {
      let kinds = s.skippedKinds.sorted { $0.key < $1.key }.map { h("\($0.key) \($0.value)") }.joined(separator: ", ")
      rows.append(
        ("other kinds", "<details><summary>\(count(s.skippedKinds.values.reduce(0, +))) objects of "
          + "\(count(s.skippedKinds.count)) kinds, counted only</summary>\(kinds)</details>"))
    }
    for (k, v) in rows { out += "<tr><th>\(h(k))</th><td>\(v)</td></tr>\n" }
    out += "</table>\n"
    return out + "</section>\n"
  }

  private func lint() -> String {
    let l = report.lint
    guard l.total > 0 else { return "" }
    var out = "<section id=\"lint\">\n<h2>Lint (\(count(l.total)))</h2>\n<p>What <code>rolecall lint</code> finds in the "
      + "snapshot: rules the API server rejects or never matches, grants of escalation primitives, bindings to what "
      + "does not exist. "
    out += LintReport.Level.allCases.map { level in "\(count(l.byLevel[level.rawValue] ?? 0)) \(level.rawValue)" }
      .joined(separator: " · ")
    out += "</p>\n<p>" + tally(l.byRule) + "</p>\n"
    out += "<table class=\"lint\">\n<tr><th>level</th><th>rule</th><th>object</th><th>where</th><th>finding</th></tr>\n"
    for f in l.shown {
      out += "<tr class=\"\(a(f.level.rawValue))\"><td>\(h(f.level.rawValue))</td><td>\(code(f.id))</td>"
        + "<td>\(h(f.object))</td><td>\(h(f.place))</td><td>\(h(f.message))</td></tr>\n"
    }
    out += "</table>\n"
    if l.total > l.shown.count {
      out += "<p class=\"cut\">\(count(l.total - l.shown.count)) more not listed (errors and warnings first): "
        + "<code>rolecall lint --snapshot \(h(report.snapshot.name))</code> lists them all.</p>\n"
    }
    return out + "</section>\n"
  }

  /// `key n · key n`, the largest count first: how a section counts its kinds.
  private func tally(_ counts: [String: Int]) -> String {
    counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { code($0.key) + " \(count($0.value))" }
      .joined(separator: " · ")
  }

  private func warnings() -> String {
    let w = report.warnings
    guard w.total > 0 else { return "" }
    var out = "<section id=\"warnings\">\n<h2>Warnings at ingest (\(count(w.total)))</h2>\n<p>"
    out += tally(w.byCategory)
    out += "</p>\n<details><summary>The warnings, in the order ingest found them</summary>\n<ul class=\"warnings\">\n"
    for d in w.shown { out += "<li><code>\(h(d.category.rawValue))</code> \(h(d.description))</li>\n" }
    out += "</ul>\n</details>\n"
    if w.total > w.shown.count {
      out += "<p class=\"cut\">\(count(w.total - w.shown.count)) more not listed: "
        + "<code>rolecall query 'SELECT * FROM diagnostic WHERE snapshot_id = :snapshot'</code> lists them all.</p>\n"
    }
    return out + "</section>\n"
  }

  private func identities() -> String {
    """
    <section id="identities">
    <h2>Identities ranked by risk</h2>
    <p>Every identity with a finding, ranked as <code>rolecall audit</code> ranks them: service accounts, then users, \
    groups and IAM identities, each by score. Click a row for its findings, workloads and permissions.</p>
    <noscript><p class="cut">The table needs JavaScript; <code>rolecall audit -o wide</code> prints it.</p></noscript>
    <form id="rc-filters" class="filters" onsubmit="return false">
    <label>Kind <select id="rc-kind"><option value="">all</option><option value="sa">service accounts</option>\
    <option value="user">users</option><option value="group">groups</option><option value="aws">IAM identities</option>\
    </select></label>
    <label>Namespace <input id="rc-ns" list="rc-namespaces" placeholder="any" size="18"></label>
    <datalist id="rc-namespaces"></datalist>
    <label>Tag <select id="rc-tag"><option value="">any</option><option value="kubernetes-default">kubernetes-default\
    </option><option value="provider">provider</option><option value="workload">runs workloads</option>\
    <option value="none">neither Kubernetes' nor a provider's</option></select></label>
    <label>Name <input id="rc-text" type="search" placeholder="contains" size="18"></label>
    <label>Sort <select id="rc-sort"><option value="rank">rank</option><option value="score">score</option>\
    <option value="steps">steps to cluster-admin</option><option value="name">name</option>\
    <option value="workloads">workloads</option></select></label>
    </form>
    <p id="rc-count" class="count"></p>
    <table class="identities"><thead><tr><th>rank</th><th>identity</th><th>score</th><th>to cluster-admin</th>\
    <th>findings</th><th>workloads</th><th>tags</th></tr></thead><tbody id="rc-rows"></tbody></table>
    <p class="pager"><button type="button" id="rc-prev">previous</button> <span id="rc-page"></span> \
    <button type="button" id="rc-next">next</button></p>
    </section>

    """
  }

  private func paths() -> String {
    var out = "<section id=\"paths\">\n<h2>Escalation paths</h2>\n"
    guard !report.details.isEmpty else {
      return out
        + (report.audit.entries.isEmpty
          ? "<p>No identity has a finding: there is no escalation path to show.</p>\n"
          : "<p>No identity was worked out ahead (the limit is 0): <code>rolecall paths --from IDENTITY</code> "
            + "prints the paths of any.</p>\n") + "</section>\n"
    }
    out += "<p>Every shortest path to cluster-admin and to a node, each box a node of the escalation graph and each "
      + "arrow a primitive. Hover or click an arrow for the binding, role and rule behind the step. Worked out for "
      + "the first \(count(report.details.count)) identities (the first of each kind in turn, in rank order); for "
      + "any other, <code>rolecall paths --from IDENTITY</code>.</p>\n"
    out += "<p><label>Identity <select id=\"rc-path-select\">"
    for (i, d) in report.details.enumerated() {
      out += "<option value=\"\(i)\">\(h(d.identity.description))</option>"
    }
    out += "</select></label></p>\n<div id=\"rc-path-view\"></div>\n"
    out += "<pre id=\"rc-evidence\" class=\"evidence\" hidden></pre>\n"
    for (i, d) in report.details.enumerated() {
      out += "<template id=\"rc-paths-\(i)\">"
      for target in [d.toClusterAdmin, d.toNode] { out += targetPaths(target) }
      out += "</template>\n"
    }
    return out + "</section>\n"
  }

  /// One identity's paths to one target: the drawing, then the steps as `paths` prints them.
  private func targetPaths(_ target: HTMLReport.TargetPaths) -> String {
    let p = target.paths
    var out = "<div class=\"target-paths\"><h3><code>\(h(p.from.description))</code> to <code>\(h(p.to.description))</code>"
    if let first = p.paths.first {
      let steps = first.steps.map { GraphNode.stepCost(from: $0.from, to: $0.to) }.reduce(0, +)
      out += " in \(steps) step(s)</h3>\n"
      out += drawing(SVGGraph.paths(p).render())
      if target.more {
        out += "<p class=\"cut\">The first \(p.paths.count) shortest paths; <code>rolecall paths --from "
          + "\(h(p.from.description)) --to \(h(p.to.description)) --limit 100</code> lists more.</p>"
      }
    } else {
      out += "</h3>\n"
    }
    out += "<pre class=\"steps\">\(h(p.table(wide: false)))</pre></div>\n"
    return out
  }

  private func clusterView() -> String {
    let view = report.clusterView
    var out = "<section id=\"cluster\">\n<h2>Within \(view.maxSteps) step(s) of cluster-admin</h2>\n"
    guard !view.firstSteps.isEmpty else {
      return out + "<p>No identity reaches cluster-admin within \(view.maxSteps) step(s).</p>\n</section>\n"
    }
    let drawing = ClusterDrawing(view, maxBoxes: report.limits.clusterNodes)
    out += "<p>\(count(drawing.identities)) identities reach cluster-admin within \(view.maxSteps) step(s). Each box "
      + "leads to cluster-admin by the first step of its shortest path (the one <code>audit</code> shows); "
      + "identities taking the same step to the same node are folded into one counted box "
      + "(\(count(drawing.folded)) folded).</p>\n"
    out += self.drawing(drawing.graph.render())
    if drawing.drawnBoxes < drawing.totalBoxes {
      out += "<p class=\"cut\">\(count(drawing.drawnBoxes)) of \(count(drawing.totalBoxes)) boxes drawn, those that "
        + "carry the most identities; \(count(drawing.totalBoxes - drawing.drawnBoxes)) boxes and "
        + "\(count(drawing.identitiesLeftOut)) identities left out. The table below lists every identity with its "
        + "steps.</p>\n"
    }
    return out + "</section>\n"
  }

  private func backdoors() -> String {
    let b = report.backdoors
    var out = "<section id=\"backdoors\">\n<h2>Provider back doors</h2>\n"
    if b.entries.isEmpty {
      out += "<p>No provider-managed identity, ClusterRole or ClusterRoleBinding of the catalog is in the snapshot.</p>\n"
    } else {
      out += "<p>Identities and objects that managed Kubernetes (EKS, GKE, AKS, OpenShift, ...) keeps, with their power "
        + "as the snapshot's rules give it.</p>\n"
      out += "<table><thead><tr><th>provider</th><th>kind</th><th>name</th><th>to cluster-admin</th><th>power</th>"
        + "<th>note</th></tr></thead><tbody>\n"
      for e in b.entries {
        out += "<tr><td>\(h(e.provider))</td><td>\(h(e.kind))</td><td><code>\(h(e.name))</code>"
        if !e.path.isEmpty {
          out += "<details><summary>path</summary><ol>" + e.path.map { "<li><code>\(h($0))</code></li>" }.joined()
            + "</ol></details>"
        }
        out += "</td><td>\(e.stepsToClusterAdmin.map { "\($0) step(s)" } ?? "-")</td>"
        out += "<td>\(h(e.power.isEmpty ? "-" : e.power.joined(separator: ", ")))</td><td>\(h(e.note))</td></tr>\n"
      }
      out += "</tbody></table>\n"
    }
    out += "<h3>Admins RBAC cannot show</h3>\n<ul>\n"
    for i in b.invisible { out += "<li><strong>\(h(i.provider))</strong>: \(h(i.note))</li>\n" }
    return out + "</ul>\n</section>\n"
  }

  private func diff(_ part: HTMLReport.DiffPart) -> String {
    let d = part.report.diff
    let limit = report.limits.diffLines
    var out = "<section id=\"diff\">\n<h2>Changes from <code>\(h(d.from))</code> to <code>\(h(d.to))</code></h2>\n"
    guard !d.isEmpty else {
      return out + "<p>No change in permissions, escalation paths or RBAC objects.</p>\n</section>\n"
    }
    let gained = d.permissions.reduce(0) { $0 + $1.gained.count }
    let lost = d.permissions.reduce(0) { $0 + $1.lost.count }
    let newAdmins = d.admins.filter(\.became).count
    out += "<table class=\"kv\">\n"
    out += "<tr><th>subjects with changed permissions</th><td>\(count(d.permissions.count)) (\(count(gained)) gained, "
      + "\(count(lost)) lost)</td></tr>\n"
    out += "<tr><th>identities newly allowed everything</th><td class=\"\(newAdmins > 0 ? "bad" : "")\">\(count(newAdmins))</td></tr>\n"
    out += "<tr><th>new or shorter escalation paths</th><td class=\"\(part.appearedTotal > 0 ? "bad" : "")\">"
      + "\(count(part.appearedTotal))</td></tr>\n"
    out += "<tr><th>objects changed</th><td>\(count(d.objects.count))</td></tr>\n</table>\n"
    if !d.admins.isEmpty {
      out += "<h3>Admin-equivalent</h3>\n<ul>\n"
      for a in d.admins.prefix(limit) {
        out += "<li>\(a.became ? "<strong>became</strong>" : "no longer"): \(code(DiffReport.adminLine(a)))<br>"
          + "\(code(PathsReport.describe(a.evidence)))</li>\n"
      }
      out += "</ul>\n" + cut(d.admins.count, limit, "rolecall diff \(d.from) \(d.to)")
    }
    if !d.paths.isEmpty {
      out += "<h3>Escalation paths</h3>\n<ul>\n"
      for p in d.paths.prefix(limit) {
        out += "<li class=\"\(p.kind == .appeared || p.kind == .shorter ? "bad" : "")\">\(code(DiffReport.pathLine(p)))"
        if let step = DiffReport.firstStepLine(p) { out += "<br>\(code(step))" }
        out += "</li>\n"
      }
      out += "</ul>\n" + cut(d.paths.count, limit, "rolecall diff \(d.from) \(d.to)")
      if !part.appeared.isEmpty {
        out += "<h3>New and shorter paths, drawn in <code>\(h(d.to))</code></h3>\n"
        for item in part.appeared {
          out += "<h4>\(h(DiffReport.pathLine(item.change)))</h4>\n" + targetPaths(item.paths)
        }
        if part.appearedTotal > part.appeared.count {
          out += "<p class=\"cut\">\(count(part.appeared.count)) of \(count(part.appearedTotal)) drawn; "
            + "<code>rolecall paths --from IDENTITY --snapshot \(h(d.to))</code> draws any other.</p>\n"
        }
      }
    }
    if !d.permissions.isEmpty {
      out += "<h3>Permissions</h3>\n<table><thead><tr><th>subject</th><th>change</th><th>granted by</th></tr></thead><tbody>\n"
      var lines = 0
      var total = 0
      for s in d.permissions {
        for (changes, gained) in [(s.gained, true), (s.lost, false)] {
          for c in changes {
            total += 1
            guard lines < limit else { continue }
            lines += 1
            out += "<tr class=\"\(gained ? "gain" : "loss")\"><td>\(code(s.subject.description))</td>"
              + "<td>\(code(DiffReport.changeLine(c, gained: gained)))</td><td>"
              + c.evidence.map { code(PathsReport.describe($0)) }.joined(separator: "<br>") + "</td></tr>\n"
          }
        }
      }
      out += "</tbody></table>\n" + cut(total, limit, "rolecall diff \(d.from) \(d.to) -o wide")
    }
    if !d.objects.isEmpty {
      out += "<details><summary>\(count(d.objects.count)) object(s) changed</summary>\n<ul>\n"
      for o in d.objects.prefix(limit) {
        out += "<li>\(code(DiffReport.objectLine(o)))"
        if !o.details.isEmpty { out += "<ul>" + o.details.map { "<li>\(code($0))</li>" }.joined() + "</ul>" }
        out += "</li>\n"
      }
      out += "</ul>\n" + cut(d.objects.count, limit, "rolecall diff \(d.from) \(d.to)") + "</details>\n"
    }
    let markdown = part.report.markdown()
    if markdown.utf8.count <= Self.markdownLimit {
      out += "<details><summary>As a pull-request comment (<code>rolecall diff \(h(d.from)) \(h(d.to)) -o markdown"
        + "</code>)</summary>\n<pre class=\"markdown\">\(h(markdown))</pre></details>\n"
    } else {
      out += "<p class=\"cut\">The diff as markdown is \(count(markdown.utf8.count / 1024)) KiB: "
        + "<code>rolecall diff \(h(d.from)) \(h(d.to)) -o markdown</code> prints it.</p>\n"
    }
    return out + "</section>\n"
  }

  /// A drawing, shrunk to the page's width until the reader asks for its actual size (then it scrolls).
  private func drawing(_ svg: String) -> String {
    "<div class=\"drawing fit\"><button type=\"button\" class=\"zoom\">actual size</button>"
      + "<div class=\"scroll\">\(svg)</div></div>\n"
  }

  /// `N more not shown: COMMAND lists them.`, or nothing when nothing was cut.
  private func cut(_ total: Int, _ shown: Int, _ command: String) -> String {
    guard total > shown else { return "" }
    return "<p class=\"cut\">\(count(total - shown)) more not shown: <code>\(h(command))</code> lists them.</p>\n"
  }

  private func leftOut() -> String {
    let l = report.limits
    let total = report.audit.entries.count
    var items: [String] = []
    items.append(
      total > l.tableRows
        ? "The table holds the \(count(l.tableRows)) highest-scoring of \(count(total)) identities with findings; "
          + "<code>rolecall audit -o wide</code> lists all."
        : "The table holds all \(count(total)) identities with findings.")
    items.append(
      "Permissions and paths are worked out for \(count(report.details.count)) identities (at most \(count(l.detailed)): "
        + "the first of each kind in turn, in rank order); <code>rolecall perms IDENTITY -o wide</code> and "
        + "<code>rolecall paths --from IDENTITY</code> answer for any other.")
    items.append(
      "At most \(l.pathsPerTarget) shortest paths are drawn per identity and target, and \(count(l.permissionLines)) "
        + "permission lines listed per identity; at most \(l.workloadsPerIdentity) workloads per identity.")
    let cutPermissions = report.details.filter { d in d.permissionLines > (d.permissions?.permissions.count ?? 0) }
    if !cutPermissions.isEmpty {
      items.append(
        "\(cutPermissions.count) identit\(cutPermissions.count == 1 ? "y has" : "ies have") more permission lines "
          + "than listed: " + cutPermissions.prefix(5).map { code($0.identity.description) }.joined(separator: ", ")
          + (cutPermissions.count > 5 ? ", ..." : "") + ".")
    }
    items.append(
      "The whole-cluster view draws at most \(l.clusterNodes) boxes of the identities within \(l.clusterSteps) step(s) "
        + "of cluster-admin.")
    if report.warnings.total > report.warnings.shown.count {
      items.append("\(count(report.warnings.shown.count)) of \(count(report.warnings.total)) warnings are listed.")
    }
    if report.lint.total > report.lint.shown.count {
      items.append("\(count(report.lint.shown.count)) of \(count(report.lint.total)) lint findings are listed.")
    }
    return "<section id=\"left-out\">\n<h2>What this page leaves out</h2>\n<ul>\n"
      + items.map { "<li>\($0)</li>\n" }.joined() + "</ul>\n"
      + "<p class=\"meta\">Written by <code>rolecall report</code> from snapshot <code>\(h(report.snapshot.name))</code>. "
      + "The page loads nothing from the network.</p>\n</section>\n"
  }
}
