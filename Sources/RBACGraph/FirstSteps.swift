// rolecall — SPDX-License-Identifier: Apache-2.0

import Dispatch
import Foundation
import RBACModel

/// The first step of the first shortest path (``EscalationGraph/pathOrder(_:_:)``) from every node that reaches one
/// target. Computed with the distances at ingest and stored beside them, it lets a diff show how an identity
/// reaches the target, and walk the rest of the way, without evaluating the nodes on the way: that evaluation is
/// what a diff of two large clusters otherwise spends its time on.
public struct FirstSteps: Sendable {
  /// Per node, where its first step leads.
  public private(set) var next: [GraphNode: GraphNode] = [:]
  private var steps: [GraphNode: Edge] = [:]
  /// Steps as stored, decoded when asked for (``decode(_:)`` decodes many at once): a pull request's diff reads few.
  private var encoded: [GraphNode: String] = [:]

  /// The first steps of every node with a distance to the target: the graph's edges out of it, sorted.
  public init(graph: EscalationGraph, distances: [GraphNode: Int]) {
    for (node, own) in distances where own > 0 {
      guard let step = graph.firstStep(from: node, closerThan: own, distance: { distances[$0] }) else { continue }
      next[node] = step.to
      steps[node] = step
    }
  }

  /// Steps as ``stored`` wrote them; a row whose nodes do not parse is left out (its node is then followed through
  /// the graph).
  public init(stored rows: [StoredStep]) {
    for row in rows {
      guard let node = GraphNode(parsing: row.node), let to = GraphNode(parsing: row.next) else { continue }
      next[node] = to
      encoded[node] = row.step
    }
  }

  /// Decodes the stored steps of `nodes` on every core, ahead of the walks that read them.
  public mutating func decode(_ nodes: [GraphNode]) {
    let todo = Array(Set(nodes.filter { steps[$0] == nil && encoded[$0] != nil }))
    guard !todo.isEmpty else { return }
    let texts = encoded
    var decoded = [Edge?](repeating: nil, count: todo.count)
    let chunks = Swift.min(16, todo.count)
    decoded.withUnsafeMutableBufferPointer { buffer in
      // Each chunk writes only its own slots.
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let decoder = JSONDecoder()
        for i in chunk * todo.count / chunks..<(chunk + 1) * todo.count / chunks {
          slots[i] = try? decoder.decode(Edge.self, from: Data(texts[todo[i]]!.utf8))
        }
      }
    }
    for (node, step) in zip(todo, decoded) { steps[node] = step }
  }

  /// The step out of `node`, nil when it has none (it is the target, cannot reach it, or is not stored).
  public func step(from node: GraphNode) -> Edge? {
    if let known = steps[node] { return known }
    guard let text = encoded[node] else { return nil }
    return try? JSONDecoder().decode(Edge.self, from: Data(text.utf8))
  }

  /// Every step as a row to store: the node and where it leads, by their descriptions, and the step as JSON.
  public var stored: [StoredStep] {
    let steps = Array(self.steps)
    var rows = [StoredStep?](repeating: nil, count: steps.count)
    let chunks = Swift.min(16, steps.count)
    rows.withUnsafeMutableBufferPointer { buffer in
      // Encoded on every core, each chunk into its own slots: an XL cluster has tens of thousands of steps.
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for i in chunk * steps.count / chunks..<(chunk + 1) * steps.count / chunks {
          let (node, step) = steps[i]
          guard let json = try? encoder.encode(step) else { continue }
          slots[i] = StoredStep(node: node.description, next: step.to.description, step: String(decoding: json, as: UTF8.self))
        }
      }
    }
    return rows.compactMap { $0 }
  }
}
