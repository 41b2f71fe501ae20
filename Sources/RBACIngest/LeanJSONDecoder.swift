// rolecall — SPDX-License-Identifier: Apache-2.0

/// A JSON decoder that reads only what the decoded type asks for, straight from the bytes.
///
/// Foundation's JSONDecoder first parses a whole document into values, keys and all; a Kubernetes object is mostly
/// fields rolecall never reads (a pod's containers, every `managedFields` entry), and on a cluster dump that parse
/// was the largest part of an ingest. Here an object is scanned for where its members start, a member is decoded
/// only when a type asks for it, and everything else is skipped over without being built.
///
/// It is strict where JSONDecoder is strict (a string is not a number, `null` is not a value of a non-optional
/// field, a key must be present) and its errors are not worded: a caller that gets one decodes again with
/// JSONDecoder, whose error names the item and field. Floating-point numbers are not decoded (no type rolecall reads
/// from a manifest holds one); asking for one is such an error, and JSONDecoder then does the work. Syntax and
/// duplicate keys are ``JSONCheck``'s to report; this decoder only never reads past the input, nor loops, on bad
/// syntax.
enum LeanJSONDecoder {
  /// Why a decode was given up; the caller falls back to JSONDecoder for the wording.
  struct Failure: Error {
    let offset: Int
  }

  /// Decodes the JSON value at the start of `bytes` (after any whitespace); what follows it is not read.
  static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeBufferPointer<UInt8>) throws -> T {
    let input = Input(bytes)
    return try T(from: ValueDecoder(input: input, at: input.skipSpace(0), codingPath: []))
  }

  // MARK: - The bytes

  /// The input and the scans over it. Every read is bounds-checked: past the end reads as 0, which no scan accepts.
  final class Input {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The members of the object scanned last: a type that reads its kind first (``Manifest``) hands the same
    /// object to the type of that kind, which would otherwise scan it again.
    private var lastObject: (at: Int, members: [Member])?

    /// ``byteClasses``, held here so that the scanning loops do not reach for the static on every byte.
    private let classes = Input.byteClasses

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Per byte: ``structural`` for what the scan of an object or array must look at (quotes and brackets),
    /// ``stopsString`` for what ends a run of plain string bytes (a quote, a backslash, a control character).
    private static let byteClasses: [UInt8] = (0..<256).map { b in
      switch b {
      case Int(UInt8(ascii: "\"")): structural | stopsString
      case Int(UInt8(ascii: "\\")), 0..<0x20: stopsString
      case Int(UInt8(ascii: "{")), Int(UInt8(ascii: "}")), Int(UInt8(ascii: "[")), Int(UInt8(ascii: "]")): structural
      default: 0
      }
    }
    private static let structural: UInt8 = 1
    private static let stopsString: UInt8 = 2

    @inline(__always) func byte(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }

    func skipSpace(_ i: Int) -> Int {
      var i = i
      while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
      return i
    }

    /// The first position from `i` on whose byte is of a class in `mask` (the end of the input when none is).
    @inline(__always) private func next(_ i: Int, in mask: UInt8) -> Int {
      var i = i
      while i < bytes.count, classes[Int(bytes[i])] & mask == 0 { i += 1 }
      return i
    }

    /// From an opening quote to just past the closing one, and whether an escape came between.
    func skipString(_ i: Int) throws -> (end: Int, escaped: Bool) {
      guard byte(i) == UInt8(ascii: "\"") else { throw Failure(offset: i) }
      var i = i + 1
      var escaped = false
      while true {
        i = next(i, in: Self.stopsString)
        guard i < bytes.count else { break }
        switch bytes[i] {
        case UInt8(ascii: "\""): return (i + 1, escaped)
        case UInt8(ascii: "\\"):
          escaped = true
          i += 2
        case 0..<0x20: throw Failure(offset: i)
        default: i += 1
        }
      }
      throw Failure(offset: i)
    }

    /// Past the value that starts at `i`.
    func skipValue(_ i: Int) throws -> Int {
      switch byte(i) {
      case UInt8(ascii: "\""): return try skipString(i).end
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        var depth = 0
        var i = i
        while true {
          i = next(i, in: Self.structural)
          guard i < bytes.count else { break }
          switch bytes[i] {
          case UInt8(ascii: "\""):
            i = try skipString(i).end
            continue
          case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
          case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
            if depth == 0 { return i + 1 }
          default: break
          }
          i += 1
        }
        throw Failure(offset: i)
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"),
        UInt8(ascii: "n"):
        var i = i
        while i < bytes.count, Self.isLiteralByte(bytes[i]) { i += 1 }
        return i
      default: throw Failure(offset: i)
      }
    }

    private static func isLiteralByte(_ b: UInt8) -> Bool {
      switch b {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"),
        UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E"):
        return true
      default: return false
      }
    }

    /// Whether the literal at `i` is exactly `word` (`null`, `true`, `false`), not the start of a longer token.
    func isLiteral(_ word: StaticString, at i: Int) -> Bool {
      let count = word.utf8CodeUnitCount
      guard i + count <= bytes.count else { return false }
      let text = word.utf8Start
      for k in 0..<count where bytes[i + k] != text[k] { return false }
      return !Self.isLiteralByte(byte(i + count))
    }

    /// Where each member of the object at `i` starts: its key's raw bytes (between the quotes), whether the key
    /// holds an escape, and where its value starts.
    func members(_ i: Int) throws -> [Member] {
      if let last = lastObject, last.at == i { return last.members }
      let found = try scanMembers(i)
      lastObject = (i, found)
      return found
    }

    private func scanMembers(_ i: Int) throws -> [Member] {
      var found: [Member] = []
      try eachItem(of: i, open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) { i in
        let (keyEnd, escaped) = try skipString(i)
        let colon = skipSpace(keyEnd)
        guard byte(colon) == UInt8(ascii: ":") else { throw Failure(offset: colon) }
        let value = skipSpace(colon + 1)
        found.append(Member(key: (i + 1)..<(keyEnd - 1), escaped: escaped, value: value))
        return try skipValue(value)
      }
      return found
    }

    /// Where each element of the array at `i` starts.
    func elements(_ i: Int) throws -> [Int] {
      var found: [Int] = []
      try eachItem(of: i, open: UInt8(ascii: "["), close: UInt8(ascii: "]")) { i in
        found.append(i)
        return try skipValue(i)
      }
      return found
    }

    /// Calls `item` with where each item of the object or array at `i` starts (`open` ... `close`, items separated
    /// by commas); `item` returns where it ends.
    private func eachItem(of i: Int, open: UInt8, close: UInt8, _ item: (Int) throws -> Int) throws {
      guard byte(i) == open else { throw Failure(offset: i) }
      var i = skipSpace(i + 1)
      if byte(i) == close { return }
      while true {
        i = skipSpace(try item(i))
        switch byte(i) {
        case UInt8(ascii: ","): i = skipSpace(i + 1)
        case close: return
        default: throw Failure(offset: i)
        }
      }
    }

    /// The string at `i`.
    func string(_ i: Int) throws -> String {
      let (end, escaped) = try skipString(i)
      let raw = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<(end - 1)])
      if !escaped {
        guard let text = String(validating: raw, as: UTF8.self) else { throw Failure(offset: i) }
        return text
      }
      return try unescape(raw, at: i + 1)
    }

    private func unescape(_ raw: UnsafeBufferPointer<UInt8>, at offset: Int) throws -> String {
      var out: [UInt8] = []
      out.reserveCapacity(raw.count)
      var k = 0
      func hex4() throws -> UInt32 {
        guard k + 4 <= raw.count else { throw Failure(offset: offset + k) }
        var value: UInt32 = 0
        for b in raw[k..<(k + 4)] {
          let digit: UInt8
          switch b {
          case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
          case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
          case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
          default: throw Failure(offset: offset + k)
          }
          value = value << 4 | UInt32(digit)
        }
        k += 4
        return value
      }
      while k < raw.count {
        let b = raw[k]
        k += 1
        guard b == UInt8(ascii: "\\") else {
          out.append(b)
          continue
        }
        guard k < raw.count else { throw Failure(offset: offset + k) }
        let e = raw[k]
        k += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar) {
            // A high surrogate must be followed by an escaped low one; anything else is left to JSONDecoder.
            guard k + 1 < raw.count, raw[k] == UInt8(ascii: "\\"), raw[k + 1] == UInt8(ascii: "u") else {
              throw Failure(offset: offset + k)
            }
            k += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw Failure(offset: offset + k) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let unicode = Unicode.Scalar(scalar) else { throw Failure(offset: offset + k) }
          UTF8.encode(unicode, into: { out.append($0) })
        default: throw Failure(offset: offset + k)
        }
      }
      guard let text = String(validating: out, as: UTF8.self) else { throw Failure(offset: offset) }
      return text
    }

    /// Whether the key of `member` is `key`.
    func keyMatches(_ member: Member, _ key: String) -> Bool {
      if member.escaped { return (try? self.key(member)) == key }
      guard key.utf8.count == member.key.count else { return false }
      let raw = UnsafeBufferPointer(rebasing: bytes[member.key])
      return key.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(raw) } ?? key.utf8.elementsEqual(raw)
    }

    func key(_ member: Member) throws -> String { try string(member.key.lowerBound - 1) }

    func isNull(_ i: Int) -> Bool { isLiteral("null", at: i) }

    /// The text of the number at `i`.
    func literal(_ i: Int) throws -> String {
      guard byte(i) == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte(i)) else {
        throw Failure(offset: i)
      }
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(try skipValue(i))]), as: UTF8.self)
    }

    func bool(_ i: Int) throws -> Bool {
      if isLiteral("true", at: i) { return true }
      if isLiteral("false", at: i) { return false }
      throw Failure(offset: i)
    }
  }

  struct Member {
    var key: Range<Int>
    var escaped: Bool
    var value: Int
  }

  // MARK: - Decoder and containers

  struct ValueDecoder: Decoder {
    let input: Input
    let at: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
      KeyedDecodingContainer(KeyedContainer<Key>(input: input, members: try input.members(at), codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
      UnkeyedContainer(input: input, elements: try input.elements(at), codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
      SingleValueContainer(input: input, at: at, codingPath: codingPath)
    }
  }

  /// Decodes the value at `at` as `T`: the one body of every container's decode, whose generic method stands for
  /// the per-type ones of the protocols. Strings and booleans, most of what is read, are read here at once.
  static func value<T: Decodable>(_ type: T.Type, _ input: Input, at: Int, path: [any CodingKey]) throws -> T {
    if T.self == String.self { return try input.string(at) as! T }
    if T.self == Bool.self { return try input.bool(at) as! T }
    return try T(from: ValueDecoder(input: input, at: at, codingPath: path))
  }

  /// Decodes the value at `at` as `T` for a single-value container, through which the standard library's numbers
  /// decode themselves: an integer is read from its literal (a literal that is not one, `1.0` or `1e2`, is
  /// JSONDecoder's to judge), a floating-point number is left to JSONDecoder (whose rounding is its own).
  static func single<T: Decodable>(_ type: T.Type, _ input: Input, at: Int, path: [any CodingKey]) throws -> T {
    if T.self == String.self || T.self == Bool.self { return try value(type, input, at: at, path: path) }
    if let integer = T.self as? any (BinaryInteger & LosslessStringConvertible).Type {
      guard let value = integer.init(try input.literal(at)) else { throw Failure(offset: at) }
      return value as! T
    }
    if T.self is any BinaryFloatingPoint.Type { throw Failure(offset: at) }
    return try value(type, input, at: at, path: path)
  }

  struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let input: Input
    let members: [Member]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.compactMap { (try? input.key($0)).flatMap(Key.init(stringValue:)) } }

    private func find(_ key: Key) throws -> Int {
      let name = key.stringValue
      for member in members where input.keyMatches(member, name) { return member.value }
      throw Failure(offset: members.first?.value ?? 0)
    }

    func contains(_ key: Key) -> Bool { (try? find(key)) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { input.isNull(try find(key)) }
    // Strings are most of what is read: asked for by name, they skip the generic path's dispatch.
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try input.string(try find(key)) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
      try LeanJSONDecoder.value(type, input, at: try find(key), path: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
      -> KeyedDecodingContainer<NestedKey>
    {
      try ValueDecoder(input: input, at: try find(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
      try ValueDecoder(input: input, at: try find(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw Failure(offset: members.first?.value ?? 0) }
    func superDecoder(forKey key: Key) throws -> any Decoder {
      ValueDecoder(input: input, at: try find(key), codingPath: codingPath + [key])
    }
  }

  struct UnkeyedContainer: UnkeyedDecodingContainer {
    let input: Input
    let elements: [Int]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(input: Input, elements: [Int], codingPath: [any CodingKey]) {
      self.input = input
      self.elements = elements
      self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> Int {
      guard currentIndex < elements.count else { throw Failure(offset: elements.last ?? 0) }
      defer { currentIndex += 1 }
      return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
      guard currentIndex < elements.count else { throw Failure(offset: elements.last ?? 0) }
      if input.isNull(elements[currentIndex]) {
        currentIndex += 1
        return true
      }
      return false
    }


    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
      let at = try next()
      return try LeanJSONDecoder.value(type, input, at: at, path: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
      -> KeyedDecodingContainer<NestedKey>
    {
      try ValueDecoder(input: input, at: try next(), codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
      try ValueDecoder(input: input, at: try next(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
      ValueDecoder(input: input, at: try next(), codingPath: codingPath)
    }
  }

  struct SingleValueContainer: SingleValueDecodingContainer {
    let input: Input
    let at: Int
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { input.isNull(at) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
      try LeanJSONDecoder.single(type, input, at: at, path: codingPath)
    }
  }
}
