// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import RBACModel
import RBACReport
import Testing

/// `paths -o dot` and `-o mermaid`: every node named by its full description, whatever characters a user or group
/// name holds (they are free text in RBAC subjects), each step once, with its primitive.
///
/// The outputs are read back with the rules of each language, not compared as text: DOT by Graphviz's lexer (a
/// quoted string ends at the first `"` not preceded by a backslash), Mermaid by its node syntax (a quoted label holds
/// no `"` at all, since Mermaid has no backslash escapes; characters it would read are written as `#name;` codes).

// MARK: - Reading DOT

private enum DotToken: Equatable {
  case id(String)
  case arrow
  case punct(Character)
}

/// Graphviz's tokens: quoted strings (with `\"` a quote, `\\` a backslash, a backslash-newline nothing; any other
/// backslash kept as written), bare words, `->`, and `{}[]=;,`. Nil when the text does not lex (an unterminated
/// string, a stray character).
private func dotTokens(_ text: String) -> [DotToken]? {
  var tokens: [DotToken] = []
  let chars = Array(text)
  var i = 0
  while i < chars.count {
    let c = chars[i]
    if c.isWhitespace {
      i += 1
    } else if c == "\"" {
      var value = ""
      i += 1
      var closed = false
      while i < chars.count {
        let d = chars[i]
        if d == "\"" {
          closed = true
          i += 1
          break
        }
        if d == "\\", i + 1 < chars.count {
          let next = chars[i + 1]
          if next == "\"" || next == "\\" {
            value.append(next)
            i += 2
            continue
          }
          if next == "\n" {
            i += 2
            continue
          }
        }
        value.append(d)
        i += 1
      }
      guard closed else { return nil }
      tokens.append(.id(value))
    } else if c == "-", i + 1 < chars.count, chars[i + 1] == ">" {
      tokens.append(.arrow)
      i += 2
    } else if "{}[]=;,".contains(c) {
      tokens.append(.punct(c))
      i += 1
    } else if c.isLetter || c.isNumber || c == "_" || c == "." {
      var word = ""
      while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "." {
        word.append(chars[i])
        i += 1
      }
      tokens.append(.id(word))
    } else {
      return nil
    }
  }
  return tokens
}

private struct DotEdge: Equatable, CustomStringConvertible {
  var from: String
  var to: String
  var label: String
  var description: String { "\(from) -[\(label)]-> \(to)" }
}

/// The edges of `digraph NAME { ... }`, each `A -> B [label=L];`; nil when the text is not such a graph.
private func dotEdges(_ text: String) -> [DotEdge]? {
  guard var tokens = dotTokens(text)?[...] else { return nil }
  func next() -> DotToken? { tokens.popFirst() }
  func id() -> String? {
    if case .id(let value)? = next() { return value }
    return nil
  }
  guard id() == "digraph", id() != nil, next() == .punct("{") else { return nil }
  var edges: [DotEdge] = []
  while let first = tokens.first, first != .punct("}") {
    guard let a = id() else { return nil }
    if tokens.first == .punct("=") {  // rankdir=LR;
      _ = next()
      guard id() != nil, next() == .punct(";") else { return nil }
      continue
    }
    var b: String?
    if tokens.first == .arrow {
      _ = next()
      guard let to = id() else { return nil }
      b = to
    }
    var attributes: [String: String] = [:]
    if tokens.first == .punct("[") {
      _ = next()
      while tokens.first != .punct("]") {
        guard let key = id(), next() == .punct("="), let value = id() else { return nil }
        attributes[key] = value
        if tokens.first == .punct(",") { _ = next() }
      }
      _ = next()
    }
    guard next() == .punct(";") else { return nil }
    if let b { edges.append(DotEdge(from: a, to: b, label: attributes["label"] ?? "")) }
  }
  guard next() == .punct("}"), tokens.isEmpty else { return nil }
  return edges
}

// MARK: - Reading Mermaid

private struct MermaidEdge: Equatable, CustomStringConvertible {
  var from: String
  var to: String
  var label: String
  var description: String { "\(from) -[\(label)]-> \(to)" }
}

/// The text a Mermaid label shows: `#quot;`, `#lt;`, `#gt;`, `#amp;` and `#NN;` decoded.
private func mermaidText(_ label: Substring) -> String {
  var out = ""
  var rest = label[...]
  while let hash = rest.firstIndex(of: "#") {
    out += rest[..<hash]
    let after = rest[rest.index(after: hash)...]
    if let semicolon = after.firstIndex(of: ";"), after[..<semicolon].allSatisfy({ $0.isLetter || $0.isNumber }),
      !after[..<semicolon].isEmpty
    {
      let name = String(after[..<semicolon])
      let named = ["quot": "\"", "lt": "<", "gt": ">", "amp": "&"]
      if let text = named[name] {
        out += text
      } else if let code = Int(name), let scalar = Unicode.Scalar(code) {
        out.unicodeScalars.append(scalar)
      } else {
        out += "#" + name + ";"
      }
      rest = after[after.index(after: semicolon)...]
    } else {
      out += "#"
      rest = after
    }
  }
  return out + rest
}

/// The edges of a `flowchart LR` whose lines are each `  ID["LABEL"] -->|PRIMITIVE| ID["LABEL"]`, with every id
/// standing for one label and every label for one id; nil (and an issue recorded) otherwise.
private func mermaidEdges(_ text: String) -> [MermaidEdge]? {
  var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
  guard lines.first == "flowchart LR", lines.last == "" else {
    Issue.record("not a flowchart ending with a newline:\n\(text)")
    return nil
  }
  lines = Array(lines.dropFirst().dropLast())
  let pattern = #/  ([A-Za-z][A-Za-z0-9_]*)\["([^"\n]*)"\] -->\|([^|"\n]+)\| ([A-Za-z][A-Za-z0-9_]*)\["([^"\n]*)"\]/#
  var labels: [Substring: Substring] = [:]
  var edges: [MermaidEdge] = []
  for line in lines {
    guard let match = line.wholeMatch(of: pattern) else {
      Issue.record("not a Mermaid edge with quoted labels: \(line)")
      return nil
    }
    let (_, a, aLabel, primitive, b, bLabel) = match.output
    for (id, label) in [(a, aLabel), (b, bLabel)] {
      if let known = labels[id], known != label {
        Issue.record("node \(id) has two labels: \(known) and \(label)")
        return nil
      }
      labels[id] = label
    }
    edges.append(MermaidEdge(from: mermaidText(aLabel), to: mermaidText(bLabel), label: String(primitive)))
  }
  if Set(labels.values).count != labels.count {
    Issue.record("one label has several ids: \(labels)")
    return nil
  }
  return edges
}

// MARK: - Reports

private func step(_ from: GraphNode, _ to: GraphNode, _ primitive: String) -> Edge {
  Edge(
    from: from, to: to, primitive: primitive,
    evidence: [Evidence(binding: #"ClusterRoleBinding "x""#, role: #"ClusterRole "y""#, rule: "rule 0 {verbs: [*]}")])
}

/// Two paths that share their first step, so that the step is printed once.
private func report(through names: [GraphNode]) -> (PathsReport, [(String, String, String)]) {
  let start = names[0]
  var paths: [[Edge]] = []
  var expected: [(String, String, String)] = []
  for middle in names.dropFirst() {
    let first = step(start, middle, "impersonate")
    let last = step(middle, .clusterAdmin, "bind")
    paths.append([first, last])
    expected.append((start.description, middle.description, "impersonate"))
    expected.append((middle.description, "cluster-admin", "bind"))
  }
  return (PathsReport(from: start, to: .clusterAdmin, paths: paths), expected)
}

private func same(_ edges: [DotEdge], _ expected: [(String, String, String)]) -> Bool {
  edges == expected.map { DotEdge(from: $0.0, to: $0.1, label: $0.2) }
}

/// User and group names that DOT's quoted strings take as they are, once their quotes are escaped.
private let namesDotTakes: [GraphNode] = [
  .user(#"eve "the admin" o'brien"#),
  .group("ops [on-call] {primary}"),
  .group("<b>bold</b> & <script>alert(1)</script>"),
  .user("team#1; a->b = c, d"),
  .user("two\nlines"),
  .serviceAccount(namespace: "kube-system", name: "builder"),
]

@Test func dotQuotesEveryNodeSoThatGraphvizReadsItsFullName() throws {
  let (paths, expected) = report(through: [.user("alice")] + namesDotTakes)
  let dot = try Renderer.render(paths, as: .dot)
  let edges = try #require(dotEdges(dot), "not a DOT graph Graphviz can read:\n\(dot)")
  #expect(same(edges, expected), "read back:\n\(edges.map(\.description).joined(separator: "\n"))\nfrom:\n\(dot)")
}

@Test func dotStartsFromAQuotedStartNodeToo() throws {
  let (paths, expected) = report(through: [.group(#"say "hi" [now] <x> #y"#), .user("bob"), .node])
  let dot = try Renderer.render(paths, as: .dot)
  let edges = try #require(dotEdges(dot), "not a DOT graph Graphviz can read:\n\(dot)")
  #expect(same(edges, expected))
}

@Test func dotAndMermaidPrintASharedStepOnce() throws {
  let shared = step(.user("alice"), .group("devs"), "impersonate")
  let paths = PathsReport(
    from: .user("alice"), to: .clusterAdmin,
    paths: [
      [shared, step(.group("devs"), .clusterAdmin, "bind")],
      [shared, step(.group("devs"), .clusterAdmin, "escalate")],
    ])
  let expected = [
    DotEdge(from: "user:alice", to: "group:devs", label: "impersonate"),
    DotEdge(from: "group:devs", to: "cluster-admin", label: "bind"),
    DotEdge(from: "group:devs", to: "cluster-admin", label: "escalate"),
  ]
  #expect(try dotEdges(Renderer.render(paths, as: .dot)) == expected)
  let mermaid = try #require(mermaidEdges(try Renderer.render(paths, as: .mermaid)))
  #expect(mermaid == expected.map { MermaidEdge(from: $0.from, to: $0.to, label: $0.label) })
}

/// Names whose characters Mermaid takes inside a quoted label as they are.
private let namesMermaidTakes: [GraphNode] = [
  .group("ops [on-call] (primary) {x}"),
  .user("a|b"),
  .user("alice@example.com"),
  .serviceAccount(namespace: "kube-system", name: "builder"),
  .namespaceAccounts("dev"),
  .roleBound(role: RoleKey(kind: .clusterRole, name: "admin"), scope: "dev"),
]

@Test func mermaidGivesEachNodeOneIdAndItsFullNameAsAQuotedLabel() throws {
  let (paths, expected) = report(through: [.user("alice")] + namesMermaidTakes)
  let text = try Renderer.render(paths, as: .mermaid)
  let edges = try #require(mermaidEdges(text))
  #expect(edges == expected.map { MermaidEdge(from: $0.0, to: $0.1, label: $0.2) }, "from:\n\(text)")
}

@Test func formatsOnlySomeReportsHaveAreRefusedByTheOthers() {
  let primitives = PrimitivesReport(Primitive.catalog)
  for format in [OutputFormat.dot, .mermaid, .sarif, .junit, .markdown] {
    #expect(throws: UnsupportedFormat.self) { try Renderer.render(primitives, as: format) }
  }
  let (paths, _) = report(through: [.user("alice"), .group("devs")])
  #expect(throws: UnsupportedFormat.self) { try Renderer.render(paths, as: .sarif) }
}

/// Names with the characters each language reads otherwise: a backslash before DOT's closing quote, Mermaid's
/// quote, `#…;` entity codes and HTML. Both outputs must read back as the names themselves.
private let namesWithEscapes: [GraphNode] = [
  .user(#"C:\new\"#),
  .user(#"a\"b"#),
  .user(#"eve "the admin""#),
  .group("team#1;ops"),
  .group("<b>x</b>"),
]

@Test func dotEscapesBackslashesSoThatNoNameEndsItsStringEarly() throws {
  let (paths, expected) = report(through: [.user("alice")] + namesWithEscapes)
  let dot = try Renderer.render(paths, as: .dot)
  let edges = try #require(dotEdges(dot), "not a DOT graph Graphviz can read:\n\(dot)")
  #expect(same(edges, expected), "read back:\n\(edges.map(\.description).joined(separator: "\n"))\nfrom:\n\(dot)")
}

@Test func mermaidWritesQuotesHashesAndTagsAsEntityCodes() throws {
  let (paths, expected) = report(through: [.user("alice")] + namesWithEscapes)
  let text = try Renderer.render(paths, as: .mermaid)
  #expect(!text.contains("\\\""), "Mermaid has no backslash escapes:\n\(text)")
  #expect(!text.contains("<b>"), "a label must not render as HTML:\n\(text)")
  let edges = try #require(mermaidEdges(text))
  #expect(edges == expected.map { MermaidEdge(from: $0.0, to: $0.1, label: $0.2) }, "from:\n\(text)")
}
