// rolecall — SPDX-License-Identifier: Apache-2.0

/// Where the boxes of a small directed graph go when it is drawn in columns, every edge pointing right: an
/// escalation path's source on the left, its target (cluster-admin, node) alone in the rightmost column.
///
/// Escalation paths are a few steps long and the report caps how many boxes a drawing holds, so a plain layered
/// layout is enough (no layout engine is shipped or loaded by the page): a column per distance to the sinks; an edge
/// that skips columns passes each of them through a slot of its own, so that it never runs through a box; an order
/// within each column that barycentre sweeps move towards fewer crossings; then coordinates.
public struct LayeredLayout: Sendable, Equatable {
  /// Sizes and gaps, in SVG user units (pixels at 100% zoom).
  public struct Metrics: Sendable, Equatable {
    public var nodeHeight: Double
    public var rowGap: Double
    /// Between two columns: room for the labels of the edges that cross the gap.
    public var columnGap: Double
    public var margin: Double

    public init(nodeHeight: Double = 26, rowGap: Double = 16, columnGap: Double = 120, margin: Double = 10) {
      (self.nodeHeight, self.rowGap, self.columnGap, self.margin) = (nodeHeight, rowGap, columnGap, margin)
    }
  }

  /// One node's box: its layer (0 for the sinks), its column (0 for the leftmost), and its position.
  public struct Box: Sendable, Equatable {
    public var layer: Int
    public var column: Int
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
  }

  public struct Point: Sendable, Equatable {
    public var x: Double
    public var y: Double
  }

  /// One box per node, in the order the nodes were given.
  public var boxes: [Box]
  /// One route per edge, in the order the edges were given: from the middle of its source's right side, across each
  /// column it skips, to the middle of its target's left side. Empty for an edge left out (a loop, or one that would
  /// close a cycle).
  public var routes: [[Point]]
  public var width: Double
  public var height: Double

  /// Lays out nodes `0..<widths.count` (each `widths[i]` wide) joined by `edges` (indices into `widths`).
  public init(widths: [Double], edges: [(from: Int, to: Int)], metrics: Metrics = Metrics()) {
    let count = widths.count
    let valid = edges.map { $0.from != $0.to && widths.indices.contains($0.from) && widths.indices.contains($0.to) }
    let kept = zip(edges, valid).filter(\.1).map(\.0)
    var layer = Self.layers(count: count, edges: kept)
    // Every edge that skips layers becomes a chain through virtual nodes, one per layer skipped: all edges of the
    // graph the sweeps order then join adjacent columns.
    var chains: [[Int]] = []
    var proper: [(from: Int, to: Int)] = []
    for (e, ok) in zip(edges, valid) {
      guard ok, layer[e.from] > layer[e.to] else {
        chains.append([])
        continue
      }
      var chain = [e.from]
      for l in stride(from: layer[e.from] - 1, to: layer[e.to], by: -1) {
        layer.append(l)
        chain.append(layer.count - 1)
      }
      chain.append(e.to)
      for (a, b) in zip(chain, chain.dropFirst()) { proper.append((a, b)) }
      chains.append(chain)
    }
    let all = layer.count
    let columns = Self.columns(layers: layer, edges: proper)
    let top = layer.max() ?? 0
    let rows = columns.map(\.count).max() ?? 0
    let rowHeight = metrics.nodeHeight + metrics.rowGap
    var boxes = [Box](repeating: Box(layer: 0, column: 0, x: 0, y: 0, width: 0, height: metrics.nodeHeight), count: all)
    var columnSpans: [(left: Double, right: Double)] = []
    var x = metrics.margin
    for (column, members) in columns.enumerated() {
      let columnWidth = members.map { $0 < count ? widths[$0] : 0 }.max() ?? 0
      // Each column is centred vertically, so that a lone target sits level with the middle of a tall column.
      let offset = (Double(rows - members.count) * rowHeight) / 2
      for (row, node) in members.enumerated() {
        let width = node < count ? widths[node] : 0
        boxes[node] = Box(
          layer: top - column, column: column, x: x + (columnWidth - width) / 2,
          y: metrics.margin + offset + Double(row) * rowHeight, width: width, height: metrics.nodeHeight)
      }
      columnSpans.append((x, x + columnWidth))
      x += columnWidth + (column == columns.count - 1 ? 0 : metrics.columnGap)
    }
    routes = chains.map { chain in
      guard let first = chain.first, let last = chain.last else { return [] }
      var points = [Point(x: boxes[first].x + boxes[first].width, y: boxes[first].y + metrics.nodeHeight / 2)]
      // A virtual node is a slot as wide as its column: the route crosses it level.
      for v in chain.dropFirst().dropLast() {
        let span = columnSpans[boxes[v].column]
        let y = boxes[v].y + metrics.nodeHeight / 2
        points += [Point(x: span.left, y: y), Point(x: span.right, y: y)]
      }
      points.append(Point(x: boxes[last].x, y: boxes[last].y + metrics.nodeHeight / 2))
      return points
    }
    self.boxes = Array(boxes.prefix(count))
    self.width = x + metrics.margin
    self.height = metrics.margin * 2 + Double(max(rows, 1)) * rowHeight - metrics.rowGap
  }

  /// Each node's layer: 0 for a node with no edge out, else one more than the highest layer an edge out of it
  /// reaches (the longest chain of edges to a sink). So every edge points to a lower layer, every layer holds a
  /// node, and a target that every path reaches is alone in layer 0. An edge that closes a cycle (none should, on
  /// shortest paths) is ignored rather than followed for ever.
  static func layers(count: Int, edges: [(from: Int, to: Int)]) -> [Int] {
    var out = [[Int]](repeating: [], count: count)
    for e in edges { out[e.from].append(e.to) }
    var layer = [Int](repeating: 0, count: count)
    // 0 unvisited, 1 on the walk's stack, 2 done.
    var state = [UInt8](repeating: 0, count: count)
    for start in 0..<count where state[start] == 0 {
      // An explicit stack: a drawing is small, but a long chain must not depend on the thread's stack size.
      var stack: [(node: Int, next: Int)] = [(start, 0)]
      state[start] = 1
      while let top = stack.last {
        if top.next < out[top.node].count {
          stack[stack.count - 1].next += 1
          let to = out[top.node][top.next]
          if state[to] == 0 {
            state[to] = 1
            stack.append((to, 0))
          }
          continue
        }
        stack.removeLast()
        state[top.node] = 2
        // Successors still on the stack are ends of back edges: they do not count.
        layer[top.node] = out[top.node].filter { state[$0] == 2 }.map { layer[$0] + 1 }.max() ?? 0
      }
    }
    return layer
  }

  /// The nodes of each column, leftmost (highest layer) first, ordered to cross few edges: the given order to start
  /// with, then sweeps that sort each column by the mean position of its neighbours in the column before it.
  static func columns(layers: [Int], edges: [(from: Int, to: Int)]) -> [[Int]] {
    guard let top = layers.max() else { return [] }
    var columns = [[Int]](repeating: [], count: top + 1)
    for (node, layer) in layers.enumerated() { columns[top - layer].append(node) }
    var position = [Double](repeating: 0, count: layers.count)
    func place(_ column: [Int]) {
      // Centred on 0, as the columns are drawn: columns of different heights compare by where their nodes are.
      for (i, node) in column.enumerated() { position[node] = Double(i) - Double(column.count - 1) / 2 }
    }
    columns.forEach(place)
    var incoming = [[Int]](repeating: [], count: layers.count)
    var outgoing = [[Int]](repeating: [], count: layers.count)
    for e in edges {
      outgoing[e.from].append(e.to)
      incoming[e.to].append(e.from)
    }
    func sweep(_ order: [Int], neighbours: [[Int]]) {
      for c in order {
        let keyed = columns[c].map { node -> Double in
          let near = neighbours[node]
          return near.isEmpty ? position[node] : near.map { position[$0] }.reduce(0, +) / Double(near.count)
        }
        // A stable sort: nodes with the same barycentre keep their order, so the result is deterministic.
        columns[c] = zip(columns[c], keyed).enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }
          .map(\.element.0)
        place(columns[c])
      }
    }
    guard columns.count > 1 else { return columns }
    for _ in 0..<4 {
      sweep(Array(1..<columns.count), neighbours: incoming)
      sweep(Array((0..<columns.count - 1).reversed()), neighbours: outgoing)
    }
    return columns
  }
}
