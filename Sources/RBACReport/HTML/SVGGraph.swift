// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph

/// A small graph drawn as inline SVG: boxes placed by ``LayeredLayout``, edges as curves labelled with their
/// primitive, and the evidence of each edge (and the full name of each box) in an SVG `<title>`, which browsers
/// show on hover and the page's script shows on click.
struct SVGGraph {
  struct Node {
    var label: String
    var title: String
    /// A CSS class: `target`, `identity`, `hub` or `collapsed`.
    var kind: String
  }

  struct Link {
    var from: Int
    var to: Int
    var label: String
    var title: String
  }

  var nodes: [Node] = []
  var links: [Link] = []
  /// What the drawing shows, for screen readers.
  var caption: String

  /// Boxes hold names up to this many characters; a longer name is cut with an ellipsis, in full in its title.
  static let labelLimit = 46
  /// Monospace at 12px advances about 7.2px per character: box widths follow from it without measuring text.
  static let charWidth = 7.3

  init(caption: String) {
    self.caption = caption
  }

  /// The index of the node named `label`, added with `title` and `kind` if it is not there yet.
  mutating func node(_ label: String, title: String, kind: String, index: inout [String: Int]) -> Int {
    if let known = index[label] { return known }
    nodes.append(Node(label: label, title: title, kind: kind))
    index[label] = nodes.count - 1
    return nodes.count - 1
  }

  /// Adds an edge, or joins its label and title to an edge already drawn between the same two boxes.
  mutating func link(_ from: Int, _ to: Int, label: String, title: String) {
    if let i = links.firstIndex(where: { $0.from == from && $0.to == to }) {
      if !links[i].label.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).contains(label) {
        links[i].label += ", " + label
      }
      if !links[i].title.contains(title) { links[i].title += "\n\n" + title }
      return
    }
    links.append(Link(from: from, to: to, label: label, title: title))
  }

  static func shortLabel(_ text: String) -> String {
    text.count <= labelLimit ? text : String(text.prefix(labelLimit - 1)) + "…"
  }

  func render() -> String {
    let labels = nodes.map { Self.shortLabel($0.label) }
    let widths = labels.map { Double($0.count) * Self.charWidth + 18 }
    let longest = links.map { Self.shortLabel($0.label).count }.max() ?? 0
    let layout = LayeredLayout(
      widths: widths, edges: links.map { ($0.from, $0.to) },
      metrics: LayeredLayout.Metrics(columnGap: max(70, Double(longest) * 6.4 + 36)))
    func n(_ value: Double) -> String { String(format: "%.1f", value) }
    var out = "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(layout.width))\" "
      + "height=\"\(n(layout.height))\" viewBox=\"0 0 \(n(layout.width)) \(n(layout.height))\" role=\"img\" "
      + "aria-label=\"\(HTMLText.attribute(caption))\">"
    var fanIn: [Int: Int] = [:]
    var fanOut: [Int: Int] = [:]
    for link in links {
      fanIn[link.to, default: 0] += 1
      fanOut[link.from, default: 0] += 1
    }
    // Edges first, so that boxes are drawn over the ends of the curves.
    for (link, route) in zip(links, layout.routes) where route.count >= 2 {
      let curve = Self.curve(route, format: n)
      out += "<g class=\"edge\" tabindex=\"0\"><title>\(HTMLText.escape(link.title))</title>"
      out += "<path class=\"hit\" d=\"\(curve)\"/><path class=\"line\" d=\"\(curve)\" marker-end=\"url(#rc-arrow)\"/>"
      // The label sits in the first gap the edge crosses, at the end where the edges that share the gap fan out:
      // beside its source when several edges meet at the same box, beside its target when several leave the same
      // box, else in the middle. Edges that skip columns have a slot of their own, which no other edge meets.
      let (a, b) = (route[0], route[1])
      let meeting = route.count > 2 ? 1 : fanIn[link.to, default: 0]
      let leaving = fanOut[link.from, default: 0]
      let (x, y, anchor) =
        meeting > 1 && meeting >= leaving ? (a.x + 6, a.y - 5, "start")
        : leaving > 1 ? (b.x - 10, b.y - 5, "end") : ((a.x + b.x) / 2, (a.y + b.y) / 2 - 5, "middle")
      out += "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\">"
        + HTMLText.escape(Self.shortLabel(link.label)) + "</text></g>"
    }
    for (i, node) in nodes.enumerated() {
      let box = layout.boxes[i]
      out += "<g class=\"node \(node.kind)\" tabindex=\"0\"><title>\(HTMLText.escape(node.title))</title>"
      out += "<rect x=\"\(n(box.x))\" y=\"\(n(box.y))\" width=\"\(n(box.width))\" height=\"\(n(box.height))\" rx=\"5\"/>"
      out += "<text x=\"\(n(box.x + box.width / 2))\" y=\"\(n(box.y + box.height / 2 + 4))\" text-anchor=\"middle\">"
        + HTMLText.escape(labels[i]) + "</text></g>"
    }
    return out + "</svg>"
  }

  /// An SVG path through `points`: an S-curve across each gap between columns, a straight line along a column.
  static func curve(_ points: [LayeredLayout.Point], format n: (Double) -> String) -> String {
    var d = "M\(n(points[0].x)),\(n(points[0].y))"
    for (a, b) in zip(points, points.dropFirst()) {
      if a.y == b.y {
        // The last stretch stops short of the box, so that the arrow head is not hidden under its border.
        d += " L\(n(b.x - (b == points.last! ? 2 : 0))),\(n(b.y))"
      } else {
        let mid = (a.x + b.x) / 2
        d += " C\(n(mid)),\(n(a.y)) \(n(mid)),\(n(b.y)) \(n(b.x - (b == points.last! ? 2 : 0))),\(n(b.y))"
      }
    }
    return d
  }

  /// The paths of a ``PathsReport`` as one drawing: each node once, each edge once, every step's evidence in its
  /// edge's title, written as `paths` writes it.
  static func paths(_ report: PathsReport) -> SVGGraph {
    var graph = SVGGraph(caption: "escalation paths from \(report.from) to \(report.to)")
    var index: [String: Int] = [:]
    for path in report.paths {
      for step in path.steps {
        let from = graph.node(step.from.description, title: nodeTitle(step.from), kind: kind(step.from, report), index: &index)
        let to = graph.node(step.to.description, title: nodeTitle(step.to), kind: kind(step.to, report), index: &index)
        graph.link(from, to, label: step.primitive, title: edgeTitle(step))
      }
    }
    return graph
  }

  static func edgeTitle(_ step: PathsReport.Step) -> String {
    edgeTitle(from: step.from, to: step.to, primitive: step.primitive, evidence: [step.evidence] + (step.also ?? []))
  }

  /// `a -[primitive]-> b` and each piece of evidence on a line of its own, as `paths` prints them.
  static func edgeTitle(from: GraphNode, to: GraphNode, primitive: String, evidence: [Evidence]) -> String {
    ([Edge(from: from, to: to, primitive: primitive, evidence: []).description]
      + evidence.map(PathsReport.describe).filter { !$0.isEmpty }).joined(separator: "\n")
  }

  static func nodeTitle(_ node: GraphNode) -> String {
    switch node {
    case .clusterAdmin: return "cluster-admin: allowed everything (system:masters, or every verb on every resource)"
    case .node: return "node: root on a node, which yields the tokens of the pods that run there"
    default: return node.description + (node.isHub ? " (stands for many; leaving it is not a step of its own)" : "")
    }
  }

  static func kind(_ node: GraphNode, _ report: PathsReport) -> String {
    if node == report.to || node == .clusterAdmin || node == .node { return "target" }
    if node == report.from { return "identity source" }
    return node.isHub ? "hub" : "identity"
  }
}
