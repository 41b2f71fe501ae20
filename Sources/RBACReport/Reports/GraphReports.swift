// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph
import RBACModel

/// `paths`: the shortest escalation paths from one node to another, every step with its evidence.
public struct PathsReport: Report {
  /// One step in the JSON shape: the first evidence as `evidence`, any further ones as `also`.
  public struct Step: Encodable, Sendable {
    public var from: GraphNode
    public var to: GraphNode
    public var primitive: String
    public var evidence: Evidence
    public var also: [Evidence]?
  }

  public struct Path: Encodable, Sendable {
    public var steps: [Step]
  }

  public var from: GraphNode
  public var to: GraphNode
  public var reachable: Bool
  public var paths: [Path]
  /// When no path is short enough: the longest path looked for, and how many steps the shortest takes (absent: no
  /// path at all).
  public var maxDepth: Int?
  public var shortestSteps: Int?

  /// - Parameter beyond: when `paths` is empty because every path is longer than asked, the limit and the steps of
  ///   the shortest.
  public init(from: GraphNode, to: GraphNode, paths: [[Edge]], beyond: (maxDepth: Int, shortest: Int)? = nil) {
    self.from = from
    self.to = to
    self.reachable = !paths.isEmpty
    self.maxDepth = beyond?.maxDepth
    self.shortestSteps = beyond?.shortest
    self.paths = paths.map { edges in
      Path(
        steps: edges.map { e in
          Step(
            from: e.from, to: e.to, primitive: e.primitive, evidence: e.evidence.first ?? Evidence(),
            also: e.evidence.count > 1 ? Array(e.evidence.dropFirst()) : nil)
        })
    }
  }

  public func table(wide: Bool) -> String {
    guard reachable else {
      if let maxDepth, let shortestSteps {
        return "\(from) cannot reach \(to) within \(maxDepth) step(s): the shortest path takes \(shortestSteps) (--max-depth)\n"
      }
      return "\(from) cannot reach \(to)\n"
    }
    var out = ""
    for (i, path) in paths.enumerated() {
      let steps = path.steps.map { GraphNode.stepCost(from: $0.from, to: $0.to) }.reduce(0, +)
      out += "path \(i + 1): \(from) -> \(to) in \(steps) step(s)\n"
      for line in Self.stepLines(path.steps.map { ($0.from, $0.to, $0.primitive, [$0.evidence] + ($0.also ?? [])) }) {
        out += line + "\n"
      }
    }
    return out
  }

  /// A path as printed, the one way every command prints one: each step numbered with its evidence below it, and a
  /// hop out of a hub (sa:N:*, sa:*:*, pods:N, a bound role), which narrows the step before it down and is not a
  /// step of its own, as "which includes". So the count printed with a path is the number of numbered lines.
  public static func stepLines(_ steps: [(from: GraphNode, to: GraphNode, primitive: String, evidence: [Evidence])])
    -> [String]
  {
    var lines: [String] = []
    var n = 0
    for step in steps {
      if GraphNode.stepCost(from: step.from, to: step.to) == 0 {
        lines.append("       which includes \(step.to): " + describe(step.evidence.first ?? Evidence()))
        continue
      }
      n += 1
      lines.append("  \(n). \(step.from) -[\(step.primitive)]-> \(step.to)")
      for evidence in step.evidence { lines.append("       " + describe(evidence)) }
    }
    return lines
  }

  static func describe(_ e: Evidence) -> String {
    var parts: [String] = []
    if let binding = e.binding, let role = e.role { parts.append("\(binding) -> \(role)") }
    if let rule = e.rule { parts.append(rule) }
    if let ns = e.namespace { parts.append("in namespace \(ns)") }
    if let note = e.note { parts.append(parts.isEmpty ? note : "— " + note) }
    return parts.joined(separator: " ")
  }

  public func special(_ format: OutputFormat) -> String? {
    var edges: [(String, String, String)] = []
    for path in paths {
      for step in path.steps where !edges.contains(where: { $0 == (step.from.description, step.to.description, step.primitive) }) {
        edges.append((step.from.description, step.to.description, step.primitive))
      }
    }
    switch format {
    case .dot:
      var out = "digraph paths {\n  rankdir=LR;\n  node [shape=box];\n"
      for (a, b, p) in edges { out += "  \"\(Self.dotEscape(a))\" -> \"\(Self.dotEscape(b))\" [label=\"\(p)\"];\n" }
      return out + "}\n"
    case .mermaid:
      var ids: [String: String] = [:]
      func id(_ name: String) -> String {
        if let known = ids[name] { return known }
        let new = "n\(ids.count)"
        ids[name] = new
        return new
      }
      var out = "flowchart LR\n"
      for (a, b, p) in edges {
        out += "  \(id(a))[\"\(Self.mermaidEscape(a))\"] -->|\(p)| \(id(b))[\"\(Self.mermaidEscape(b))\"]\n"
      }
      return out
    default: return nil
    }
  }

  /// A DOT quoted string: a backslash before the closing quote would escape it, and labels read `\\` as one
  /// backslash, so a name with either (a user `C:\x`) is written with both escaped.
  static func dotEscape(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
  }

  /// A Mermaid label: Mermaid knows no backslash escapes, reads `#name;` as an entity code and renders HTML, so
  /// every character it could read otherwise is written as an entity code (a backslash too, which some renderers
  /// of Mermaid's markdown take as an escape).
  static func mermaidEscape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "\"": out += "#quot;"
      case "#": out += "#35;"
      case "\\": out += "#92;"
      case "<": out += "#lt;"
      case ">": out += "#gt;"
      case "\n": out += " "
      default: out.append(c)
      }
    }
    return out
  }
}

/// `primitives`: the escalation catalog.
public struct PrimitivesReport: Report {
  public struct Entry: Encodable, Sendable {
    public var id: String
    public var title: String
    public var condition: String
    public var yields: String
    public var reference: String
  }

  public var primitives: [Entry]

  public init(_ catalog: [Primitive]) {
    primitives = catalog.map {
      Entry(id: $0.id, title: $0.title, condition: $0.condition, yields: $0.yields, reference: $0.reference)
    }
  }

  public func encode(to encoder: any Encoder) throws { try primitives.encode(to: encoder) }

  public func table(wide: Bool) -> String {
    guard wide else {
      var table = TextTable(["ID", "TITLE", "YIELDS"])
      for p in primitives { table.add([p.id, p.title, p.yields]) }
      return table.text
    }
    return primitives.map { p in
      "\(p.id): \(p.title)\n  condition: \(p.condition)\n  yields: \(p.yields)\n  reference: \(p.reference)\n"
    }.joined(separator: "\n")
  }
}

extension PathsReport: FleetRows {
  public func fleetHeader(wide: Bool) -> [String] { ["STEPS", "PATH"] }

  /// The shortest path as one line of nodes and primitives (every path when wide), or why there is none.
  public func fleetRows(wide: Bool) -> [[String]] {
    guard reachable else {
      if let maxDepth, let shortestSteps {
        return [["-", "none within \(maxDepth) step(s); the shortest takes \(shortestSteps)"]]
      }
      return [["-", "cannot reach \(to)"]]
    }
    return (wide ? paths : Array(paths.prefix(1))).map { path in
      let steps = path.steps.map { GraphNode.stepCost(from: $0.from, to: $0.to) }.reduce(0, +)
      let chain = path.steps.map { " =\($0.primitive)=> \($0.to)" }.joined()
      return ["\(steps)", "\(from)" + chain]
    }
  }

  public var fleetNotes: [String] { [] }
}
