// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Parallel
import RBACModel

/// The first step of the first shortest path (``EscalationGraph/pathOrder(_:_:)``) from every node that reaches one
/// target, as ingest stored it (``GraphSummary``). It lets a diff show how an identity reaches the target, and walk
/// the rest of the way, without evaluating the nodes on the way: that evaluation is what a diff of two large
/// clusters otherwise spends its time on.
public struct FirstSteps: Sendable {
  /// Per node, where its first step leads.
  public private(set) var next: [GraphNode: GraphNode] = [:]
  private var steps: [GraphNode: Edge] = [:]
  /// Steps as stored, decoded when asked for (``decode(_:)`` decodes many at once): a pull request's diff reads few.
  private var encoded: [GraphNode: String] = [:]

  /// Steps as ``GraphSummary`` wrote them, their nodes read back by the loader.
  public init(stored rows: [(node: GraphNode, next: GraphNode, step: String?)]) {
    for row in rows {
      next[row.node] = row.next
      encoded[row.node] = row.step
    }
  }

  /// Decodes the stored steps of `nodes` on every core, ahead of the walks that read them.
  public mutating func decode(_ nodes: [GraphNode]) {
    let todo = Array(Set(nodes.filter { steps[$0] == nil && encoded[$0] != nil }))
    guard !todo.isEmpty else { return }
    let texts = encoded
    let decoded = todo.concurrentMap { Edge(storedJSON: texts[$0]!) }
    for (node, step) in zip(todo, decoded) { steps[node] = step }
  }

  /// The step out of `node`, nil when it has none (it is the target, cannot reach it, or is not stored).
  public func step(from node: GraphNode) -> Edge? {
    if let known = steps[node] { return known }
    return encoded[node].flatMap(Edge.init(storedJSON:))
  }
}

extension Edge {
  /// The edge ``storedJSON`` wrote; nil for text that is not one.
  public init?(storedJSON text: String) {
    guard let edge = try? JSONDecoder().decode(Edge.self, from: Data(text.utf8)) else { return nil }
    self = edge
  }

  /// The edge as the store keeps it: what `JSONEncoder` with sorted keys writes. Written by hand when every string
  /// is printable ASCII, where the encoder's output is plain (only `"`, `\\` and `/` are escaped), since an XL
  /// cluster stores tens of thousands of steps and the encoder was most of their cost; by the encoder otherwise.
  var storedJSON: String? {
    var out: [UInt8] = []
    out.reserveCapacity(512)
    func member(_ key: String, _ value: String?, first: Bool = false) -> Bool {
      guard let value else { return true }
      if !first && out.last != UInt8(ascii: "{") { out.append(UInt8(ascii: ",")) }
      out.append(UInt8(ascii: "\""))
      out += key.utf8
      out += #"":""#.utf8
      // Runs of bytes that need no escape (most of a value: a name is escaped only for its quotes) are copied at once.
      func escaped(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/")
      }
      var text = value
      text.makeContiguousUTF8()  // a native string already is; a bridged one is copied once
      let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
        var run = 0
        for i in bytes.indices where !(bytes[i] >= 0x20 && bytes[i] < 0x7F) || escaped(bytes[i]) {
          guard escaped(bytes[i]) else { return false }
          out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
          out.append(UInt8(ascii: "\\"))
          out.append(bytes[i])
          run = i + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        return true
      }
      guard copied == true else { return false }
      out.append(UInt8(ascii: "\""))
      return true
    }
    out += #"{"evidence":["#.utf8
    for (i, item) in evidence.enumerated() {
      out += (i == 0 ? "{" : ",{").utf8
      guard member("binding", item.binding), member("namespace", item.namespace), member("note", item.note),
        member("role", item.role), member("rule", item.rule)
      else { return Self.encoderJSON(self) }
      out.append(UInt8(ascii: "}"))
    }
    out += "],".utf8
    guard member("from", from.description, first: true), member("primitive", primitive), member("to", to.description)
    else { return Self.encoderJSON(self) }
    out.append(UInt8(ascii: "}"))
    return String(decoding: out, as: UTF8.self)
  }

  /// What `JSONEncoder` with sorted keys writes for `edge`.
  static func encoderJSON(_ edge: Edge) -> String? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return (try? encoder.encode(edge)).map { String(decoding: $0, as: UTF8.self) }
  }
}

extension GraphNode {
  /// An IAM identity of aws-auth: an identity of the snapshot, though not one the API server sees.
  var isCloudIdentity: Bool {
    if case .cloudIdentity = self { return true }
    return false
  }
}
