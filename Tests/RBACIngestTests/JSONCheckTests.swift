// rolecall — SPDX-License-Identifier: Apache-2.0

@testable import RBACIngest
import Testing

private func check(_ text: String, maximumDepth: Int = InputLimits.maximumDepth) -> JSONCheck.Failure? {
  var bytes = Array(text.utf8)
  return bytes.withUnsafeMutableBufferPointer { buffer in
    do {
      try JSONCheck.check(UnsafeBufferPointer(buffer), maximumDepth: maximumDepth)
      return nil
    } catch {
      return error as? JSONCheck.Failure
    }
  }
}

@Test(arguments: [
  "{}", "[]", "0", "-0.5e+10", "\"a\\u00e9\\n\"", "true", " null ", "[1, [2, {\"a\": [3]}], {}]",
  "{\"a\": {\"a\": {\"a\": 1}}, \"b\": [\"a\", \"a\"]}", "{\"k\\\"ey\": 1, \"key\": 2}",
])
func validJSONPasses(text: String) {
  #expect(check(text) == nil)
}

@Test(arguments: [
  ("", 1, "unexpected end of input: a value is missing"), ("[1,]", 1, "unexpected character ']'"),
  ("{\"a\":1,}", 1, "expected a string key in an object"), ("01", 1, "unexpected text after the JSON value"),
  ("[1\n2]", 2, "expected ',' or ']' after an array element"), ("\"a\tb\"", 1, "control character 0x09 inside a string"),
  ("{\"a\" 1}", 1, "expected ':' after an object key"), ("[\"\\x\"]", 1, "invalid escape \\x in a string"),
  ("[\"\\u12\"]", 1, "invalid \\u escape in a string"), ("1.", 1, "invalid number: a digit must follow '.'"),
  ("nul", 1, "unexpected word (expected null)"), ("{\n\n", 3, "unexpected end of input: an array or object is not closed"),
])
func invalidJSONNamesItsLine(text: String, line: Int, message: String) {
  #expect(check(text) == JSONCheck.Failure(line: line, path: nil, message: message))
}

@Test func duplicateKeysNameTheirPath() {
  #expect(
    check("{\"items\": [{}, {\"metadata\": {\n\"name\": 1, \"name\": 2}}]}")
      == JSONCheck.Failure(line: 2, path: "items[1].metadata.name", message: "duplicate key \"name\""))
  // Past the small-object list, keys are kept in a set: still found.
  let many = (0..<40).map { "\"k\($0)\": 0" }.joined(separator: ", ")
  #expect(check("{\(many), \"k3\": 1}")?.message == "duplicate key \"k3\"")
  #expect(check("{\(many)}") == nil)
  // A closed object's keys do not leak into its parent or siblings.
  #expect(check("{\"a\": {\"b\": 1}, \"b\": {\"b\": 2}, \"c\": [{\"b\": 3}, {\"b\": 4}]}") == nil)
}

@Test func nestingIsBoundedAndNeverRecursed() {
  #expect(check(String(repeating: "[", count: 513)) == JSONCheck.Failure(line: 1, path: nil, message: "arrays and objects nest deeper than 512 levels"))
  // Without the bound, a million levels are checked on an explicit stack: no recursion to overflow.
  let deep = String(repeating: "[{\"a\":", count: 500_000) + "1" + String(repeating: "}]", count: 500_000)
  #expect(check(deep, maximumDepth: .max) == nil)
}
