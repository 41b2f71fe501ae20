// rolecall — SPDX-License-Identifier: Apache-2.0

/// Escaping for the places the report page puts text: element content and attribute values here, JSON inside a
/// `<script>` element in ``ScriptJSON``. Every name, label, rule and file name in RBAC is free text that an author of
/// the manifests chose, so nothing from a snapshot reaches the page without passing through one of them.
///
/// Both work on UTF-8 bytes (the characters they replace are ASCII): a large cluster's page is megabytes of text.
enum HTMLText {
  /// Text between tags, and inside SVG `<text>` and `<title>`: the five characters that can start or end markup.
  /// Control characters other than tab and newline are not allowed in HTML text (NUL is dropped by the parser, CR
  /// turned into LF): a name holding one shows its Unicode control picture (U+0001 as U+2401), so that two names
  /// that differ only there stay distinct on the page.
  static func escape(_ text: String) -> String {
    escape(text, newline: nil)
  }

  /// An attribute value, always written between double quotes: as ``escape(_:)``, and newlines as character
  /// references so that they survive attribute-value normalisation.
  static func attribute(_ text: String) -> String {
    escape(text, newline: Array("&#10;".utf8))
  }

  private static func escape(_ text: String, newline: [UInt8]?) -> String {
    func special(_ byte: UInt8) -> Bool {
      switch byte {
      case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"), 0x7F: return true
      case UInt8(ascii: "\n"): return newline != nil
      case UInt8(ascii: "\t"): return false
      default: return byte < 0x20
      }
    }
    guard text.utf8.contains(where: special) else { return text }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count + 32)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "&"): out += Array("&amp;".utf8)
      case UInt8(ascii: "<"): out += Array("&lt;".utf8)
      case UInt8(ascii: ">"): out += Array("&gt;".utf8)
      case UInt8(ascii: "\""): out += Array("&quot;".utf8)
      case UInt8(ascii: "'"): out += Array("&#39;".utf8)
      case UInt8(ascii: "\n") where newline != nil: out += newline!
      case UInt8(ascii: "\n"), UInt8(ascii: "\t"): out.append(byte)
      // U+2400 + byte (E2 90 80...9F) for C0 controls, U+2421 (E2 90 A1) for DEL.
      case 0x7F: out += [0xE2, 0x90, 0xA1]
      case 0..<0x20: out += [0xE2, 0x90, 0x80 + byte]
      default: out.append(byte)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// JSON written for a `<script type="application/json">` element, which the page reads with JSON.parse. The HTML
/// parser ends a script element at the first `</script` and treats `<!--` specially, whatever JSON says, so strings
/// write `<`, `>` and `&` as `\u` escapes (JSON.parse reads them back as the same characters); U+2028 and U+2029
/// too, which older JavaScript engines take for line ends. Written by hand rather than through JSONEncoder and a
/// second pass: the page of a large cluster holds tens of thousands of rows.
struct ScriptJSON {
  private(set) var bytes: [UInt8] = []

  var text: String { String(decoding: bytes, as: UTF8.self) }

  /// Punctuation and keys the report writes itself: `{`, `"rows":`, ...
  mutating func raw(_ text: StaticString) {
    text.withUTF8Buffer { bytes += $0 }
  }

  mutating func int(_ n: Int) {
    bytes += Array(String(n).utf8)
  }

  mutating func string(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    let utf8 = Array(text.utf8)
    var i = 0
    while i < utf8.count {
      let byte = utf8[i]
      switch byte {
      case UInt8(ascii: "\""): bytes += [0x5C, 0x22]
      case UInt8(ascii: "\\"): bytes += [0x5C, 0x5C]
      case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0..<0x20: unicodeEscape(UInt32(byte))
      // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
      case 0xE2 where i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
        unicodeEscape(utf8[i + 2] == 0xA8 ? 0x2028 : 0x2029)
        i += 2
      default: bytes.append(byte)
      }
      i += 1
    }
    bytes.append(UInt8(ascii: "\""))
  }

  private mutating func unicodeEscape(_ value: UInt32) {
    let hex = Array("0123456789abcdef".utf8)
    bytes += [0x5C, UInt8(ascii: "u")]
    for shift in [12, 8, 4, 0] { bytes.append(hex[Int((value >> UInt32(shift)) & 0xF)]) }
  }

  /// `[a,b,...]`, each element written by `write`.
  mutating func array<S: Sequence>(_ items: S, _ write: (inout ScriptJSON, S.Element) -> Void) {
    raw("[")
    var first = true
    for item in items {
      if !first { raw(",") }
      first = false
      write(&self, item)
    }
    raw("]")
  }

  mutating func strings(_ items: [String]) { array(items) { $0.string($1) } }
  mutating func ints(_ items: [Int]) { array(items) { $0.int($1) } }

  // A member of an object: `key` is the punctuation before the value (`,"k":`); an absent value is left out.
  mutating func field(_ key: StaticString, _ value: String) {
    raw(key)
    string(value)
  }

  mutating func field(_ key: StaticString, _ value: Int?) {
    guard let value else { return }
    raw(key)
    int(value)
  }

  mutating func field(_ key: StaticString, _ value: [String]) {
    raw(key)
    strings(value)
  }
}
