// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

/// `rolecall report -o html` opened in a real browser: Debian's headless chromium loads the page from a file, runs
/// its script, and dumps the DOM it built. Without chromium these tests are skipped, and say so (`.ci/run` installs
/// it).

/// Debian's chromium, where apt puts it, else a `chromium` on PATH.
private let chromium: String? =
  FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") ? "/usr/bin/chromium" : executableOnPath("chromium")

/// The demo's snapshots (`make demo`): the bundled fixtures, and pull request 42 laid over them.
private let demoDBResult = Result {
  try ingestedDatabase("report.db", [
    ["ingest", "fixtures/bootstrap", "fixtures/apps", "fixtures/cases/semantics.yaml", "--snapshot", "demo", "-q"],
    ["ingest", "fixtures/ci/pr-42.yaml", "--base", "demo", "--snapshot", "pr-42", "-q"],
  ])
}

private let hostile = "</script><img src=x onerror=alert(1)>"

/// A user and a group whose names carry markup and script, allowed everything so that they appear in every section
/// (table, paths, whole-cluster view), another user that may impersonate anyone, and a snapshot label with markup.
private let hostileDBResult = Result {
  let dir = try temporaryDirectory()
  let file = dir.appendingPathComponent("hostile.yaml")
  try """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata:
      name: "hostile-binding"
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
    subjects:
    - {kind: User, apiGroup: rbac.authorization.k8s.io, name: "\(hostile)"}
    - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "<svg onload=alert(2)>"}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata:
      name: "impersonators"
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-all}
    subjects:
    - {kind: User, apiGroup: rbac.authorization.k8s.io, name: "\\"'><b>bold</b>"}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata:
      name: impersonate-all
    rules:
    - {apiGroups: [""], resources: [users, groups], verbs: [impersonate]}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata:
      name: everything
    rules:
    - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
    """.write(to: file, atomically: true, encoding: .utf8)
  return try ingestedDatabase("hostile.db", [
    ["ingest", "fixtures/cases/semantics.yaml", file.path, "--snapshot", "hostile", "--label", "git=\(hostile)", "-q"]
  ])
}

/// What chromium made of a page: the DOM after the script ran, with the `<template>` elements (which hold the paths
/// of identities not shown) taken out, so that what is counted is what the page displays.
private struct LoadedPage {
  var dom: String

  var body: String? { dom.firstMatch(of: #/<body[^>]*>/#).map { String($0.output) } }
  var shown: String { dom.replacing(#/<template[^>]*>[\s\S]*?</template>/#, with: "") }

  func count(_ text: String, in part: String? = nil) -> Int { (part ?? shown).components(separatedBy: text).count - 1 }

  /// The element with this id and everything up to the next `</section>`.
  func section(_ id: String) -> String? {
    guard let start = shown.range(of: "id=\"\(id)\"") else { return nil }
    let end = shown.range(of: "</section>", range: start.upperBound..<shown.endIndex)?.lowerBound ?? shown.endIndex
    return String(shown[start.lowerBound..<end])
  }

  /// A `data-` attribute the page (or the test's own script) set on `<body>`, as the DOM dump writes it.
  func bodyData(_ name: String) -> String? {
    guard let body, let start = body.range(of: " data-\(name)=\"") else { return nil }
    return String(body[start.upperBound...].prefix { $0 != "\"" })
  }
}

/// Runs chromium headless on `page` with `arguments`, in a profile of its own (tests run in parallel), and returns its
/// stdout; it is stopped after a minute.
private func runChromium(_ arguments: [String], page: URL) throws -> String {
  let dir = try temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: dir) }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: try #require(chromium))
  process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(dir.path)/profile",
    "--virtual-time-budget=3000"] + arguments + [page.absoluteString]
  let out = dir.appendingPathComponent("stdout")
  FileManager.default.createFile(atPath: out.path, contents: nil)
  let handle = try FileHandle(forWritingTo: out)
  defer { try? handle.close() }
  process.standardOutput = handle
  process.standardError = FileHandle.nullDevice
  try process.run()
  let deadline = Date().addingTimeInterval(60)
  while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
  if process.isRunning { process.terminate() }
  process.waitUntilExit()
  return String(decoding: contents(of: out.path) ?? Data(), as: UTF8.self)
}

/// Writes `html` to a file, with `script` (the test's own interactions) run after the page's, and loads it.
private func load(_ html: String, then script: String = "") throws -> LoadedPage {
  let dir = try temporaryDirectory()
  let file = dir.appendingPathComponent("report.html")
  let page = script.isEmpty ? html : html.replacingOccurrences(of: "</body>", with: "<script>\(script)</script></body>")
  try page.write(to: file, atomically: true, encoding: .utf8)
  return LoadedPage(dom: try runChromium(["--dump-dom"], page: file))
}

/// Interactions a reader would make, recorded on `<body>`: the kind filter set to users, the table sorted by name,
/// the first row opened, and an arrow of the escalation-path drawing clicked.
private let interactions = """
  (function () {
    var b = document.body;
    function rows() { return Array.prototype.slice.call(document.querySelectorAll('#rc-rows tr.row')); }
    function set(id, value) { var e = document.getElementById(id); e.value = value; e.dispatchEvent(new Event('change')); }
    try {
      set('rc-kind', 'user');
      b.dataset.userRows = String(rows().length);
      b.dataset.userOnly = String(rows().every(function (r) { return r.dataset.identity.indexOf('user:') === 0; }));
      set('rc-kind', '');
      set('rc-sort', 'name');
      var names = rows().map(function (r) { return r.dataset.identity; });
      b.dataset.sortedByName = String(names.length > 1 && names.join('\\n') === names.slice().sort().join('\\n'));
      set('rc-sort', 'rank');
      rows()[0].click();
      b.dataset.opened = String(document.querySelectorAll('#rc-rows tr.detail').length);
      var edge = document.querySelector('#rc-path-view g.edge');
      edge.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      b.dataset.evidenceShown = String(!document.getElementById('rc-evidence').hidden &&
        document.getElementById('rc-evidence').textContent.indexOf(' -[') > 0);
    } catch (e) {
      b.dataset.testError = String(e);
    }
  })();
  """

/// The same report as data, and the usage errors `validate()` catches: these run without a browser.
@Test func theReportPrintsItsDataAndRefusesBadUsage() throws {
  let db = try demoDBResult.get()
  let json = try runRolecall(["report", "--snapshot", "demo", "-o", "json", "--db", db])
  #expect(json.status == 0, "\(json.stderr)")
  let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
  #expect(Set(report.keys) == ["snapshot", "warnings", "audit", "details", "clusterView", "backdoors", "lint", "limits"])
  // The lint part counts what `rolecall lint` finds in the same snapshot.
  let lint = try runRolecall(["lint", "--snapshot", "demo", "-o", "json", "--db", db])
  let linted = try #require(try JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any])
  let findings = try #require(linted["findings"] as? [[String: Any]])
  #expect(!findings.isEmpty && (report["lint"] as? [String: Any])?["total"] as? Int == findings.count)
  let audit = try runRolecall(["audit", "--snapshot", "demo", "-o", "json", "--db", db])
  let expected = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
  let entries = try #require((report["audit"] as? [String: Any])?["entries"] as? [[String: Any]])
  let audited = try #require(expected["entries"] as? [[String: Any]])
  #expect(entries.map { $0["identity"] as? String } == audited.map { $0["identity"] as? String })
  let details = try #require(report["details"] as? [[String: Any]])
  #expect(details.count == min(audited.count, 50))
  let first = try #require(details.first)
  #expect(((first["toClusterAdmin"] as? [String: Any])?["paths"] as? [String: Any])?["reachable"] as? Bool == true)
  let summary = try runRolecall(["report", "--snapshot", "demo", "--top", "3", "--db", db])
  #expect(summary.status == 0 && summary.stdout.contains("3 identities worked out in full"))
  #expect(summary.stdout.hasSuffix("write -o html for the page (rolecall report -o html > rolecall.html), -o json for its data\n"))
  for (arguments, message) in [
    (["--diff", "a", "b", "c"], "--diff takes one or two snapshots"),
    (["-o", "dot"], "report prints -o html (the page), json or yaml (its data), or table (a summary)"),
    (["--within", "0"], "--within takes 1 to 8 steps"),
    (["--top", "1001"], "--top takes 0 to 1000 identities"),
    (["--diff", "demo", "pr-42", "--snapshot", "demo"], "makes the page of pr-42, not of --snapshot demo"),
  ] {
    let result = try runRolecall(["report", "--db", db] + arguments)
    #expect(result.status == 64 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
  }
  let unknown = try runRolecall(["report", "--diff", "nope", "--db", db])
  #expect(unknown.status == 2 && unknown.stderr.hasPrefix("rolecall: error: no snapshot named \"nope\""))
}

@Suite(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium): the report's browser tests are skipped"))
struct ReportBrowserTests {
  @Test func thePageRunsAndShowsEverySection() throws {
    let db = try demoDBResult.get()
    let report = try runRolecall(["report", "--snapshot", "demo", "-o", "html", "--db", db])
    #expect(report.status == 0, "\(report.stderr)")
    let audit = try runRolecall(["audit", "--snapshot", "demo", "-o", "json", "--db", db])
    let entries = try #require(
      (try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])?["entries"] as? [[String: Any]])
    let identities = entries.compactMap { $0["identity"] as? String }
    #expect(identities.count > 10)

    let page = try load(report.stdout, then: interactions)
    #expect(page.bodyData("ready") == "1", "the page's script did not finish: \(page.body ?? "no <body>")")
    #expect(page.bodyData("errors") == nil, "JavaScript errors: \(page.bodyData("errors") ?? "")")
    #expect(page.bodyData("test-error") == nil, "the test's interactions failed: \(page.bodyData("test-error") ?? "")")
    for id in ["summary", "identities", "paths", "cluster", "backdoors", "lint", "warnings", "left-out"] {
      #expect(page.section(id) != nil, "section \(id)")
    }
    #expect(page.section("diff") == nil)

    // The table: one row per identity of the audit (fewer than a page), in the audit's order, then filtered.
    let table = try #require(page.section("identities"))
    let rows = table.matches(of: #/<tr class="row[^"]*" tabindex="0" data-identity="([^"]*)"/#).map { String($0.output.1) }
    #expect(rows.count == identities.count)
    #expect(rows.first.map { $0.replacingOccurrences(of: "&amp;", with: "&") } == identities.first)
    #expect(page.bodyData("user-rows") == String(identities.filter { $0.hasPrefix("user:") }.count))
    #expect(page.bodyData("user-only") == "true" && page.bodyData("sorted-by-name") == "true")
    #expect(page.bodyData("opened") == "1" && table.contains("<h4>Findings</h4>") && table.contains("<h4>Permissions</h4>"))

    // The escalation paths of the first identity, drawn: its box, the target, arrows with evidence.
    let paths = try #require(page.section("paths"))
    #expect(page.count("<g class=\"node identity source\"", in: paths) == 2, "one source box per target drawing")
    #expect(page.count("<g class=\"node target\"", in: paths) >= 1)
    #expect(page.count("<g class=\"edge\"", in: paths) >= 1)
    #expect(paths.contains("<title>\(identities[0]) -["))
    #expect(page.bodyData("evidence-shown") == "true")
    // Every identity worked out ahead has its drawings in the page, ready to be shown.
    #expect(page.count("<template id=\"rc-paths-", in: page.dom) == min(identities.count, 50))

    // The whole cluster within two steps of cluster-admin: boxes and arrows, cluster-admin among them.
    let cluster = try #require(page.section("cluster"))
    #expect(page.count("<g class=\"node target\"", in: cluster) == 1)
    #expect(page.count("<g class=\"node", in: cluster) > 5 && page.count("<g class=\"edge\"", in: cluster) > 4)
    let backdoors = try #require(page.section("backdoors"))
    #expect(backdoors.contains("Admins RBAC cannot show"))

    // A screenshot renders (make report-screenshot writes docs/report.png the same way).
    let dir = try temporaryDirectory()
    let file = dir.appendingPathComponent("report.html")
    try report.stdout.write(to: file, atomically: true, encoding: .utf8)
    let png = dir.appendingPathComponent("report.png")
    _ = try runChromium(["--screenshot=\(png.path)", "--window-size=1280,1600", "--hide-scrollbars"], page: file)
    let image = try #require(contents(of: png.path))
    #expect(image.count > 10_000 && image.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
  }

  @Test func theDiffPageDrawsThePathsThatAppeared() throws {
    let db = try demoDBResult.get()
    let report = try runRolecall(["report", "--diff", "demo", "pr-42", "-o", "html", "--db", db])
    #expect(report.status == 0, "\(report.stderr)")
    let markdown = try runRolecall(["diff", "demo", "pr-42", "-o", "markdown", "--db", db])
    let page = try load(report.stdout)
    #expect(page.bodyData("ready") == "1" && page.bodyData("errors") == nil, "\(page.body ?? "")")
    let diff = try #require(page.section("diff"))
    #expect(diff.contains("New and shorter paths, drawn in <code>pr-42</code>"))
    #expect(page.count("<g class=\"node target\"", in: diff) >= 1 && page.count("<g class=\"edge\"", in: diff) >= 1)
    // The pull-request comment, exactly as `diff -o markdown` writes it.
    let escaped = markdown.stdout.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
    #expect(diff.contains(escaped), "the markdown of the diff is not on the page")
    // The page describes the newer snapshot.
    #expect(page.dom.contains("<span class=\"snapshot\">pr-42</span>"))
  }

  @Test func hostileNamesStayText() throws {
    let db = try hostileDBResult.get()
    let report = try runRolecall(["report", "-o", "html", "--db", db])
    #expect(report.status == 0, "\(report.stderr)")
    let page = try load(report.stdout, then: interactions)
    #expect(page.bodyData("ready") == "1", "\(page.body ?? "no <body>")")
    #expect(page.bodyData("errors") == nil, "JavaScript errors: \(page.bodyData("errors") ?? "")")
    // No element came out of a name: no <img>, no <b>, no <svg> but the page's own drawings (class graph, and the
    // arrow head's definition).
    #expect(!page.dom.contains("<img") && !page.dom.contains("<b>"))
    #expect(page.count("<svg", in: page.dom) == page.count("<svg class=\"graph\"", in: page.dom) + 1)
    // The names are on the page as text: in the table, the drawings and the summary's labels.
    let escaped = "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    #expect(page.section("identities")?.contains("user:\(escaped)") == true)
    #expect(page.section("cluster")?.contains(escaped) == true)
    #expect(page.section("summary")?.contains("git=\(escaped)") == true)
  }
}
