// rolecall — SPDX-License-Identifier: Apache-2.0

/// Checks JSON text before it is decoded, in one pass without recursion (an explicit stack of open containers): the syntax (naming the line of the first
/// error, which JSONDecoder does not), a nesting depth that cannot exhaust the decoder's stack, and duplicate keys,
/// which JSONDecoder would silently resolve to one of the values while kubectl's strict decoding refuses them.
struct JSONCheck {
  /// What is wrong, and where: `path` (e.g. `items[3].metadata`) names the object a duplicate key is in.
  struct Failure: Error, Equatable {
    var line: Int
    var path: String?
    var message: String
  }

  private enum Container {
    /// An object's keys so far are `keys[firstKey...]`, and also in `large` once there are many of them.
    case object(firstKey: Int, large: Set<String>?, key: String?)
    case array(index: Int)
  }

  /// Most objects have a handful of keys: those are compared in one shared list, without a set per object.
  private static let smallObject = 16

  private let bytes: UnsafeBufferPointer<UInt8>
  private let maximumDepth: Int
  private var position = 0
  private var line = 1
  private var stack: [Container] = []
  private var keys: [String] = []

  /// Checks `bytes` as one JSON value, surrounded by nothing but whitespace.
  static func check(_ bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int = InputLimits.maximumDepth) throws {
    var checker = JSONCheck(bytes: bytes, maximumDepth: maximumDepth)
    try checker.run()
  }

  private init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
    self.bytes = bytes
    self.maximumDepth = maximumDepth
  }

  // MARK: - The grammar, as a loop over an explicit stack

  /// What the loop reads next: a value, an object member, or (after a whole value) a separator or closing bracket.
  private enum Next { case value, member, separator }

  private mutating func run() throws {
    var next = Next.value
    while true {
      switch next {
      case .value:
        next = try value()
        continue
      case .member:
        next = try member()
        continue
      case .separator:
        break
      }
      skipWhitespace()
      guard let top = stack.last else { break }
      guard let byte = peek() else { throw fail("unexpected end of input: an array or object is not closed") }
      switch top {
      case .array(let index):
        if byte == UInt8(ascii: ",") {
          position += 1
          stack[stack.count - 1] = .array(index: index + 1)
          next = .value
        } else if byte == UInt8(ascii: "]") {
          position += 1
          stack.removeLast()
        } else {
          throw fail("expected ',' or ']' after an array element")
        }
      case .object:
        if byte == UInt8(ascii: ",") {
          position += 1
          next = .member
        } else if byte == UInt8(ascii: "}") {
          position += 1
          close()
        } else {
          throw fail("expected ',' or '}' after an object member")
        }
      }
    }
    if position < bytes.count { throw fail("unexpected text after the JSON value") }
  }

  /// One value. An array or object is only opened here: what is inside is read by `run`'s loop, never by recursion.
  private mutating func value() throws -> Next {
    skipWhitespace()
    guard let byte = peek() else { throw fail("unexpected end of input: a value is missing") }
    switch byte {
    case UInt8(ascii: "{"):
      try open(.object(firstKey: keys.count, large: nil, key: nil))
      skipWhitespace()
      guard peek() == UInt8(ascii: "}") else { return .member }
      position += 1
      close()
    case UInt8(ascii: "["):
      try open(.array(index: 0))
      skipWhitespace()
      guard peek() == UInt8(ascii: "]") else { return .value }
      position += 1
      stack.removeLast()
    case UInt8(ascii: "\""): _ = try string(keep: false)
    case UInt8(ascii: "t"): try literal("true")
    case UInt8(ascii: "f"): try literal("false")
    case UInt8(ascii: "n"): try literal("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
    default: throw fail("unexpected character \(describe(byte))")
    }
    return .separator
  }

  /// `"key": value` inside the innermost object, refusing a key the object already has.
  private mutating func member() throws -> Next {
    skipWhitespace()
    guard peek() != nil else { throw fail("unexpected end of input: an array or object is not closed") }
    guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string key in an object") }
    let keyLine = line
    let key = try string(keep: true) ?? ""
    guard case .object(let firstKey, var large, _) = stack[stack.count - 1] else { return .value }
    let isNew: Bool
    if large != nil {
      stack[stack.count - 1] = .object(firstKey: firstKey, large: nil, key: nil)  // keep the set uniquely referenced
      isNew = large!.insert(key).inserted
    } else {
      isNew = !keys[firstKey...].contains(key)
      keys.append(key)
      if keys.count - firstKey > Self.smallObject { large = Set(keys[firstKey...]) }
    }
    if !isNew {
      let parent = path()
      throw Failure(
        line: keyLine, path: parent.isEmpty ? key : parent + "." + key, message: "duplicate key \"\(key)\"")
    }
    stack[stack.count - 1] = .object(firstKey: firstKey, large: large, key: key)
    skipWhitespace()
    guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
    position += 1
    return .value
  }

  private mutating func open(_ container: Container) throws {
    guard stack.count < maximumDepth else {
      throw fail("arrays and objects nest deeper than \(maximumDepth) levels")
    }
    position += 1
    stack.append(container)
  }

  /// Closes the innermost object, forgetting its keys.
  private mutating func close() {
    if case .object(let firstKey, _, _) = stack.removeLast() { keys.removeSubrange(firstKey...) }
  }

  // MARK: - Tokens

  /// A string; with `keep`, its value with escapes decoded (so that `"a"` and `"\u0061"` are the same key).
  private mutating func string(keep: Bool) throws -> String? {
    position += 1  // the opening quote
    let start = position
    var escaped = false
    while let byte = peek() {
      if byte == UInt8(ascii: "\"") {
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1
        guard keep else { return nil }
        return escaped ? try unescape(raw) : String(decoding: raw, as: UTF8.self)
      }
      if byte < 0x20 { throw fail("control character \(describe(byte)) inside a string") }
      if byte == UInt8(ascii: "\\") {
        escaped = true
        try escape()
      } else {
        position += 1
      }
    }
    throw fail("unexpected end of input inside a string")
  }

  /// Steps over one escape sequence, refusing any JSON does not define.
  private mutating func escape() throws {
    position += 1
    guard let byte = peek() else { throw fail("unexpected end of input inside a string") }
    position += 1
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
      UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      return
    case UInt8(ascii: "u"):
      for _ in 0..<4 {
        guard let digit = peek(), isHexDigit(digit) else { throw fail("invalid \\u escape in a string") }
        position += 1
      }
    default:
      throw fail("invalid escape \\\(Character(Unicode.Scalar(byte))) in a string")
    }
  }

  private func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws -> String {
    var scalars = String.UnicodeScalarView()
    var utf8: [UInt8] = []
    var i = 0
    func flush() {
      scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
      utf8.removeAll()
    }
    while i < raw.count {
      guard raw[i] == UInt8(ascii: "\\") else {
        utf8.append(raw[i])
        i += 1
        continue
      }
      guard i + 1 < raw.count else { throw fail("unfinished escape in a string") }
      let simple: [UInt8: UInt8] = [
        UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
        UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
      ]
      if let byte = simple[raw[i + 1]] {
        utf8.append(byte)
        i += 2
        continue
      }
      guard raw[i + 1] == UInt8(ascii: "u"), i + 6 <= raw.count,
        let code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: raw[(i + 2)..<(i + 6)]), as: UTF8.self), radix: 16)
      else { throw fail("invalid escape in a string") }
      flush()
      // A lone surrogate half has no scalar of its own; it cannot make two keys equal, so any stand-in will do.
      scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
      i += 6
    }
    flush()
    return String(scalars)
  }

  private mutating func number() throws {
    if peek() == UInt8(ascii: "-") { position += 1 }
    guard let first = peek(), isDigit(first) else { throw fail("invalid number: a digit must follow '-'") }
    position += 1
    if first != UInt8(ascii: "0") { skipDigits() }
    if peek() == UInt8(ascii: ".") {
      position += 1
      guard let byte = peek(), isDigit(byte) else { throw fail("invalid number: a digit must follow '.'") }
      skipDigits()
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      position += 1
      if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
      guard let byte = peek(), isDigit(byte) else { throw fail("invalid number: a digit must follow the exponent") }
      skipDigits()
    }
  }

  private mutating func literal(_ word: StaticString) throws {
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    guard position + expected.count <= bytes.count,
      bytes[position..<(position + expected.count)].elementsEqual(expected)
    else { throw fail("unexpected word (expected \(word))") }
    position += expected.count
  }

  // MARK: - Helpers

  private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

  private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  private func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
  }

  private mutating func skipDigits() {
    while let byte = peek(), isDigit(byte) { position += 1 }
  }

  private mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x0A: line += 1
      case 0x20, 0x09, 0x0D: break
      default: return
      }
      position += 1
    }
  }

  private func describe(_ byte: UInt8) -> String {
    let hex = String(byte, radix: 16, uppercase: true)
    return byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + (byte < 0x10 ? "0" : "") + hex
  }

  private func fail(_ message: String) -> Failure { Failure(line: line, path: nil, message: message) }

  /// The path of the innermost container, as ingest errors print fields: `items[3].metadata`; empty at the top.
  private func path() -> String {
    var text = ""
    for (depth, container) in stack.enumerated() {
      let isLast = depth == stack.count - 1
      switch container {
      case .array(let index): text += "[\(index)]"
      case .object(_, _, let key?) where !isLast: text += (text.isEmpty ? "" : ".") + key
      case .object: break
      }
    }
    return text
  }
}
