// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// The JSON text the store keeps in list and map columns, so that the `sqlite3` shell and `json_each` read them.
enum JSONText {
  static func encode(_ list: [String]) -> String {
    var text = "["
    for (i, item) in list.enumerated() {
      if i > 0 { text += "," }
      appendQuoted(item, to: &text)
    }
    return text + "]"
  }

  static func encode(_ map: [String: String]) -> String {
    var text = "{"
    for (i, key) in map.keys.sorted().enumerated() {
      if i > 0 { text += "," }
      appendQuoted(key, to: &text)
      text += ":"
      appendQuoted(map[key]!, to: &text)
    }
    return text + "}"
  }

  static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
  }

  /// `string` as a JSON string literal, exactly as ``encode(_:)`` writes it in a list.
  static func quoted(_ string: String) -> String {
    var text = ""
    appendQuoted(string, to: &text)
    return text
  }

  private static func appendQuoted(_ string: String, to text: inout String) {
    text += "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": text += "\\\""
      case "\\": text += "\\\\"
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
      default: text.unicodeScalars.append(scalar)
      }
    }
    text += "\""
  }

  /// Decodes a JSON array of strings. Rules are loaded by the hundred thousand, so the common case (no escapes)
  /// is scanned directly and only text with escapes goes through Foundation.
  static func decodeList(_ text: String) -> [String] {
    var utf8 = Array(text.utf8)
    if !utf8.contains(UInt8(ascii: "\\")) {
      var items: [String] = []
      var i = 0
      while i < utf8.count {
        if utf8[i] == UInt8(ascii: "\"") {
          var j = i + 1
          while j < utf8.count && utf8[j] != UInt8(ascii: "\"") { j += 1 }
          items.append(String(decoding: utf8[(i + 1)..<j], as: UTF8.self))
          i = j + 1
        } else {
          i += 1
        }
      }
      return items
    }
    defer { utf8.removeAll() }
    return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
  }

  static func decodeMap(_ text: String) -> [String: String] {
    (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
  }

  static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
    try? JSONDecoder().decode(type, from: Data(text.utf8))
  }
}
