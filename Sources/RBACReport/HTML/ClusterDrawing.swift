// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACGraph

/// The whole-cluster view made readable: the tree of first steps into cluster-admin, with the identities that take
/// the same step to the same node folded into one counted box, and at most a given number of boxes drawn — the
/// boxes that carry the most identities first, always joined to cluster-admin. What is left out is counted.
struct ClusterDrawing {
  /// One box: a node of the graph, or identities of one kind folded together.
  private struct Box {
    var node: GraphNode?
    var members: [GraphNode] = []
    var kind = ""
    var primitive = ""
    var parent: Int?
    var children: [Int] = []
    /// Identities in this box and every box below it.
    var weight = 0
  }

  var graph: SVGGraph
  /// Boxes drawn (cluster-admin included), of ``totalBoxes`` once identities are folded.
  var drawnBoxes = 0
  var totalBoxes = 0
  /// Identities in the tree, those drawn (on a box of their own or folded into one), and those left out.
  var identities = 0
  var identitiesDrawn = 0
  var identitiesLeftOut: Int { identities - identitiesDrawn }
  /// Identities folded into counted boxes.
  var folded = 0

  /// - Parameters:
  ///   - maxBoxes: boxes drawn at most, cluster-admin included.
  ///   - foldAt: how many identities taking the same step to the same node are folded into one box.
  init(_ view: HTMLReport.ClusterView, maxBoxes: Int, foldAt: Int = 3) {
    graph = SVGGraph(
      caption: "identities within \(view.maxSteps) step(s) of cluster-admin, each by the first step of its shortest path")
    var step: [GraphNode: HTMLReport.ClusterView.Step] = [:]
    var children: [GraphNode: [GraphNode]] = [:]
    for s in view.firstSteps where step[s.edge.from] == nil && s.edge.from != .clusterAdmin {
      step[s.edge.from] = s
      children[s.edge.to, default: []].append(s.edge.from)
    }
    func isIdentity(_ node: GraphNode) -> Bool { IdentityKind(node).key != "other" }
    identities = step.keys.filter(isIdentity).count

    // Boxes from cluster-admin down, folding each node's leaves (identities no other node's step leads to).
    var boxes = [Box(node: .clusterAdmin, kind: "target")]
    var queue = [0]
    var seen: Set<GraphNode> = [.clusterAdmin]
    while !queue.isEmpty {
      let parent = queue.removeFirst()
      guard let node = boxes[parent].node else { continue }
      var groups: [String: [GraphNode]] = [:]
      var order: [String] = []
      var single: [GraphNode] = []
      for child in (children[node] ?? []).sortedByName() where seen.insert(child).inserted {
        if isIdentity(child) && children[child] == nil {
          let key = step[child]!.edge.primitive + " " + IdentityKind(child).key
          if groups[key] == nil { order.append(key) }
          groups[key, default: []].append(child)
        } else {
          single.append(child)
        }
      }
      for key in order where groups[key]!.count < foldAt { single += groups[key]! }
      for child in single.sortedByName() {
        boxes.append(
          Box(node: child, kind: child.isHub ? "hub" : "identity", primitive: step[child]!.edge.primitive, parent: parent))
        boxes[parent].children.append(boxes.count - 1)
        queue.append(boxes.count - 1)
      }
      for key in order where groups[key]!.count >= foldAt {
        let members = groups[key]!
        boxes.append(
          Box(node: nil, members: members, kind: "collapsed", primitive: step[members[0]]!.edge.primitive, parent: parent))
        boxes[parent].children.append(boxes.count - 1)
        folded += members.count
      }
    }
    // Children come after their parents: one backward pass sums the weights.
    for i in boxes.indices.reversed() {
      boxes[i].weight += boxes[i].node.map { isIdentity($0) ? 1 : 0 } ?? boxes[i].members.count
      if let p = boxes[i].parent { boxes[p].weight += boxes[i].weight }
    }
    totalBoxes = boxes.count

    // The heaviest box joined to those already drawn, until the cap.
    var drawn = [0]
    var candidates = boxes[0].children
    while drawn.count < max(1, maxBoxes), !candidates.isEmpty {
      let best = candidates.indices.max { (boxes[candidates[$0]].weight, -candidates[$0]) < (boxes[candidates[$1]].weight, -candidates[$1]) }!
      let box = candidates.remove(at: best)
      drawn.append(box)
      candidates += boxes[box].children
    }
    // A hub drawn without any of the identities below it shows nothing: the cap cut what it led from.
    var pruned = true
    while pruned {
      let parents = Set(drawn.compactMap { boxes[$0].parent })
      let before = drawn.count
      drawn.removeAll { b in b != 0 && !parents.contains(b) && boxes[b].node.map { !isIdentity($0) } == true }
      pruned = drawn.count < before
    }
    drawnBoxes = drawn.count
    var drawnIndex: [Int: Int] = [:]
    for b in drawn {
      let box = boxes[b]
      let label: String
      let title: String
      if let node = box.node {
        label = node.description
        title = SVGGraph.nodeTitle(node) + (step[node].map { "\n\($0.steps) step(s) to cluster-admin" } ?? "")
        if isIdentity(node) { identitiesDrawn += 1 }
      } else {
        let kind = IdentityKind(box.members[0]).key
        let parent = boxes[box.parent!].node!.description
        label = "\(box.members.count) \(IdentityKind.plural[kind] ?? kind)"
        title = "\(label) whose first step is \(box.primitive) to \(parent):\n"
          + box.members.prefix(15).map(\.description).joined(separator: "\n")
          + (box.members.count > 15 ? "\n… and \(box.members.count - 15) more" : "")
        identitiesDrawn += box.members.count
      }
      // Each box is a node of its own: two folds may read alike.
      graph.nodes.append(SVGGraph.Node(label: label, title: title, kind: box.kind))
      drawnIndex[b] = graph.nodes.count - 1
    }
    for b in drawn.dropFirst() {
      let box = boxes[b]
      let first = box.node ?? box.members[0]
      let s = step[first]!
      var title = SVGGraph.edgeTitle(from: s.edge.from, to: s.edge.to, primitive: s.edge.primitive, evidence: s.edge.evidence)
      if box.node == nil { title += "\n(the first of \(box.members.count); each of the others through its own grant)" }
      graph.link(drawnIndex[b]!, drawnIndex[box.parent!]!, label: box.primitive, title: title)
    }
  }
}
