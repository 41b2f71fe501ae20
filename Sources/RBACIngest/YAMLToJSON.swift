// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Yams

/// Turns one parsed YAML document into the JSON that kubectl would send for it, as sigs.k8s.io/yaml does, so that
/// YAML and JSON inputs are decoded by one decoder with one set of rules:
///
/// - a scalar takes the type YAML resolves it to, so `name: 5` is a number and refused where a string is required
///   (the API server refuses it too), while `name: "5"` is a string;
/// - merge keys (`<<: *base`) are applied, keys written in the mapping itself winning;
/// - aliases are expanded, but only up to ``InputLimits/maximumExpandedNodes(documentBytes:)``: an alias bomb is
///   refused before it can exhaust memory.
struct YAMLToJSON {
  /// Why a document cannot be converted; `line` is that of the node where it was noticed.
  struct Failure: Error, Equatable {
    var line: Int?
    var message: String
  }

  private var budget: Int
  private let limit: Int
  private var out: [UInt8] = []

  /// The JSON text of `node`, a document of an input `documentBytes` long (the whole input: a generous bound).
  static func convert(_ node: Node, documentBytes: Int) throws -> Data {
    let limit = InputLimits.maximumExpandedNodes(documentBytes: documentBytes)
    var converter = YAMLToJSON(budget: limit, limit: limit)
    try converter.write(node, depth: 0)
    return Data(converter.out)
  }

  private init(budget: Int, limit: Int) {
    self.budget = budget
    self.limit = limit
  }

  private mutating func charge(_ nodes: Int, at node: Node) throws {
    budget -= nodes
    guard budget >= 0 else {
      throw Failure(
        line: node.mark?.line,
        message: "its aliases expand to more than \(limit) values (an alias bomb?); rolecall refuses to expand it")
    }
  }

  private mutating func write(_ node: Node, depth: Int) throws {
    try charge(1, at: node)
    guard depth < InputLimits.maximumDepth else {
      throw Failure(line: node.mark?.line, message: "sequences and mappings nest deeper than \(InputLimits.maximumDepth) levels")
    }
    switch node {
    case .scalar(let scalar): writeScalar(scalar, tag: node.tag.description)
    case .sequence(let sequence):
      out.append(UInt8(ascii: "["))
      for (i, element) in sequence.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        try write(element, depth: depth + 1)
      }
      out.append(UInt8(ascii: "]"))
    case .mapping(let mapping):
      out.append(UInt8(ascii: "{"))
      for (i, pair) in try pairs(of: mapping, depth: depth).enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        writeString(pair.key)
        out.append(UInt8(ascii: ":"))
        try write(pair.value, depth: depth + 1)
      }
      out.append(UInt8(ascii: "}"))
    case .alias:
      // The parser resolves every alias to the node it names; an unresolved one cannot reach this point.
      throw Failure(line: node.mark?.line, message: "an alias that names no anchor")
    }
  }

  /// The mapping's keys as JSON keys, with merged mappings' keys added where the mapping does not set them.
  private mutating func pairs(of mapping: Node.Mapping, depth: Int) throws -> [(key: String, value: Node)] {
    var own: [(key: String, value: Node)] = []
    var merged: [(key: String, value: Node)] = []
    for (key, value) in mapping {
      if key.tag.description == Tag.Name.merge.rawValue {
        let sources: [Node] = value.sequence.map { Array($0) } ?? [value]
        for source in sources {
          guard case .mapping(let base) = source else {
            throw Failure(line: source.mark?.line, message: "a merge key (<<) must name a mapping or a list of mappings")
          }
          guard depth < InputLimits.maximumDepth else {
            throw Failure(line: source.mark?.line, message: "merge keys nest deeper than \(InputLimits.maximumDepth) levels")
          }
          let inherited = try pairs(of: base, depth: depth + 1)
          // Merging copies keys: charged like expanded values, or merges of merges could multiply without bound.
          try charge(inherited.count, at: source)
          merged += inherited
        }
        continue
      }
      guard case .scalar(let scalar) = key else {
        throw Failure(line: key.mark?.line, message: "a mapping key must be a single value, not a list or mapping")
      }
      own.append((scalar.string, value))
    }
    var seen: Set<String> = []
    for pair in own where !seen.insert(pair.key).inserted {
      // YAML keeps `1` and `"1"` apart; as JSON they are one key, which kubectl would refuse as a duplicate.
      throw Failure(line: pair.value.mark?.line, message: "duplicate key \"\(pair.key)\"")
    }
    let inherited = merged.filter { seen.insert($0.key).inserted }
    return own + inherited
  }

  private mutating func writeScalar(_ scalar: Node.Scalar, tag: String) {
    let node = Node.scalar(scalar)
    switch tag {
    case Tag.Name.null.rawValue:
      out += Array("null".utf8)
    case Tag.Name.bool.rawValue:
      out += Array((node.bool == true ? "true" : "false").utf8)
    case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
      // rolecall reads no numeric field: only the type matters (a number where a name belongs is an error), so
      // YAML's other spellings (0x1F, 1_000, .inf) become a plain JSON number of the same value where one exists.
      if let int = node.int {
        out += Array(String(int).utf8)
      } else if let double = node.float, double.isFinite {
        out += Array("\(double)".utf8)
      } else {
        out += Array("0".utf8)
      }
    default:
      // Strings, timestamps, binary and custom tags: sigs.k8s.io/yaml passes them on as strings.
      writeString(scalar.string)
    }
  }

  private mutating func writeString(_ string: String) {
    out.append(UInt8(ascii: "\""))
    for byte in string.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case ..<0x20:
        let hex = String(byte, radix: 16)
        out += Array(("\\u00" + (byte < 0x10 ? "0" : "") + hex).utf8)
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
