// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// Deterministic mutations of manifest text, for tests that feed broken input to the parsers: the same seed always
/// yields the same inputs, so that a failure can be replayed.
public struct Mutator {
  private var random: SeededRandom

  public init(seed: UInt64) { random = SeededRandom(state: seed) }

  /// YAML and JSON constructs that parsers get wrong: anchors, aliases, merges, tags, flow collections, document
  /// markers, quotes, escapes, tabs, a BOM, numbers and booleans where names go.
  static let fragments: [String] = [
    "&a ", "*a", "<<: *a\n", "&a [*a, *a]", "!!binary ", "!custom ", "[", "]", "{", "}", "[[[[[[[[", "{{{{{{",
    "\n---\n", "\n...\n", ": ", "- ", "\"", "'", "\\u0000", "\\uD800", "\t", "\u{FEFF}", "\r\n", "~", "null",
    "5", "-0.5e+3", "0x1F", ".inf", "yes", "true", "? ", "%YAML 1.1\n", "#", "|\n  ", ">-\n  ", "kind: List\nitems:\n",
    "\"name\": \"x\", \"name\": \"y\"", "name: a\nname: b\n", "\u{1F600}", "\u{7F}",
  ]

  /// A mutation of `input`, mixing in `other` (another seed input) for splices.
  public mutating func mutate(_ input: Data, other: Data) -> Data {
    var bytes = [UInt8](input)
    for _ in 0..<(1 + next(3)) {
      switch next(9) {
      case 0 where !bytes.isEmpty:  // flip bits of one byte
        bytes[next(bytes.count)] ^= UInt8(1 << next(8))
      case 1 where !bytes.isEmpty:  // truncate
        bytes.removeSubrange(next(bytes.count)...)
      case 2:  // splice: a prefix of this input, a suffix of the other
        let cut = bytes.isEmpty ? 0 : next(bytes.count)
        let otherBytes = [UInt8](other)
        let from = otherBytes.isEmpty ? 0 : next(otherBytes.count)
        bytes = Array(bytes[..<cut]) + otherBytes[from...]
      case 3, 4:  // insert a construct
        let fragment = Array(Self.fragments[next(Self.fragments.count)].utf8)
        bytes.insert(contentsOf: fragment, at: bytes.isEmpty ? 0 : next(bytes.count + 1))
      case 5 where !bytes.isEmpty:  // delete a run
        let start = next(bytes.count)
        bytes.removeSubrange(start..<min(bytes.count, start + 1 + next(16)))
      case 6 where !bytes.isEmpty:  // duplicate a run (repeated keys, repeated items)
        let start = next(bytes.count)
        let run = bytes[start..<min(bytes.count, start + 1 + next(64))]
        bytes.insert(contentsOf: run, at: next(bytes.count + 1))
      case 7 where !bytes.isEmpty:  // a random byte, which may break UTF-8
        bytes[next(bytes.count)] = UInt8(truncatingIfNeeded: next(256))
      default:  // swap two lines
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count > 1 else { continue }
        lines.swapAt(next(lines.count), next(lines.count))
        bytes = Array(lines.joined(separator: [0x0A]))
      }
    }
    return Data(bytes)
  }

  /// A number in `0..<bound`.
  public mutating func next(_ bound: Int) -> Int { random.next(bound) }
}

/// The seed inputs for mutation: every fixture file under 64 KiB and every YAML document of every fixture.
public func mutationSeeds() throws -> [Data] {
  let root = repositoryRoot.appendingPathComponent("fixtures")
  var seeds: [Data] = []
  let paths = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).sorted()
  for relative in paths where ["yaml", "yml", "json"].contains((relative as NSString).pathExtension) {
    let data = try Data(contentsOf: root.appendingPathComponent(relative))
    if data.count <= 64 << 10 { seeds.append(data) }
    guard !relative.hasSuffix(".json") else { continue }
    for document in String(decoding: data, as: UTF8.self).components(separatedBy: "\n---") where document.utf8.count <= 16 << 10 {
      seeds.append(Data(document.utf8))
    }
  }
  return seeds
}
