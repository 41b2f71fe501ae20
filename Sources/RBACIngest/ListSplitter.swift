// rolecall — SPDX-License-Identifier: Apache-2.0

/// Finds the items of a `kind: List` JSON document (what `kubectl get -o json` prints) without decoding them, so that
/// they can be decoded in pieces on every core. The input has already passed ``JSONCheck``: the scan trusts its
/// syntax and only follows strings and nesting.
enum ListSplitter {
  /// The top-level object's `kind`, and the byte range of each element of its `items` array; nil when the top level
  /// is not an object holding both (or a key is escaped, which the scan does not read): the caller then decodes the
  /// document whole.
  static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> (kind: String, items: [Range<Int>])? {
    var i = 0
    let n = bytes.count
    func skipSpace() { while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 } }
    /// Skips a string starting at its opening quote; returns its raw bytes' range, and whether it held an escape.
    func skipString() -> (Range<Int>, escaped: Bool) {
      let start = i + 1
      var escaped = false
      i += 1
      while i < n, bytes[i] != UInt8(ascii: "\"") {
        if bytes[i] == UInt8(ascii: "\\") {
          escaped = true
          i += 1
        }
        i += 1
      }
      i += 1
      return (start..<(i - 1), escaped)
    }
    func skipValue() {
      switch bytes[i] {
      case UInt8(ascii: "\""): _ = skipString()
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        var depth = 0
        repeat {
          switch bytes[i] {
          case UInt8(ascii: "\""): _ = skipString(); continue
          case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
          case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
          default: break
          }
          i += 1
        } while depth > 0 && i < n
      default:
        while i < n, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) {
          i += 1
        }
      }
    }
    skipSpace()
    guard i < n, bytes[i] == UInt8(ascii: "{") else { return nil }
    i += 1
    var kind: String?
    var items: [Range<Int>]?
    while true {
      skipSpace()
      guard i < n else { return nil }
      if bytes[i] == UInt8(ascii: "}") { break }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      guard bytes[i] == UInt8(ascii: "\"") else { return nil }
      let (keyRange, escaped) = skipString()
      guard !escaped else { return nil }
      let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[keyRange]), as: UTF8.self)
      skipSpace()
      guard i < n, bytes[i] == UInt8(ascii: ":") else { return nil }
      i += 1
      skipSpace()
      guard i < n else { return nil }
      if key == "kind", bytes[i] == UInt8(ascii: "\"") {
        let (range, escapedValue) = skipString()
        guard !escapedValue else { return nil }
        kind = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
      } else if key == "items", bytes[i] == UInt8(ascii: "[") {
        var found: [Range<Int>] = []
        i += 1
        while true {
          skipSpace()
          guard i < n else { return nil }
          if bytes[i] == UInt8(ascii: "]") {
            i += 1
            break
          }
          if bytes[i] == UInt8(ascii: ",") {
            i += 1
            continue
          }
          let start = i
          skipValue()
          found.append(start..<i)
        }
        items = found
      } else {
        skipValue()
      }
    }
    guard let kind, let items else { return nil }
    return (kind, items)
  }
}
