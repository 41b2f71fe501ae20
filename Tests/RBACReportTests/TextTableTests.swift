// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACReport
import Testing

/// The table every `table` output prints: columns start where the widest cell above or below them ends, plus three
/// spaces, counted in characters whatever the bytes, and no line ends in spaces.
@Suite struct TextTableTests {
  /// The column each cell of every line starts at, in characters.
  private func starts(_ text: String) -> [[Int]] {
    text.split(separator: "\n").map { line in
      var found: [Int] = []
      var previous: Character = " "
      for (i, c) in line.enumerated() {
        if c != " " && previous == " " { found.append(i) }
        previous = c
      }
      return found
    }
  }

  @Test func columnsAlignByCharactersForASCIIAndOtherNames() {
    var table = TextTable(["KIND", "NAME", "VIA"])
    table.add(["User", "alice", "x"])
    // Four characters in nine bytes, and a letter with a combining accent (two scalars, one character).
    table.add(["User", "δοκι", "y"])
    table.add(["Group", "e\u{301}quipe", "z"])
    let text = table.text
    #expect(starts(text) == Array(repeating: [0, 8, 17], count: 4))
    #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") })
  }

  @Test func aCellWiderThanThePaddingBufferStillAligns() {
    let long = String(repeating: "n", count: 700)
    var table = TextTable(["NAME", "VIA"])
    table.add([long, "a"])
    table.add(["b", "c"])
    let lines = table.text.split(separator: "\n")
    #expect(lines.map { $0.count } == [706, 704, 704])
    #expect(lines[2].hasPrefix("b" + String(repeating: " ", count: 702) + "c"))
  }
}
