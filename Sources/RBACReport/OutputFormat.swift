// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Yams

/// The formats every command can print.
public enum OutputFormat: String, Sendable, CaseIterable {
  /// Aligned columns for people (the default).
  case table
  /// The table with the provenance of every line.
  case wide
  /// Pretty-printed JSON with sorted keys, stable for scripts.
  case json
  /// YAML, the same structure as JSON.
  case yaml
  /// Graphviz, for escalation paths.
  case dot
  /// Mermaid flowcharts, for escalation paths in Markdown.
  case mermaid
  /// SARIF 2.1.0, for code-scanning dashboards.
  case sarif
  /// Markdown, for a pull-request comment (diff).
  case markdown
  /// JUnit XML, for CI test reports (check).
  case junit
  /// One self-contained HTML page, for people (report).
  case html
  /// Resources against verbs, yes / no / partial (can-i --list, perms).
  case matrix
}

/// A format the command has no rendering for.
public struct UnsupportedFormat: Error, CustomStringConvertible {
  public var format: OutputFormat
  public var description: String { "this command cannot print -o \(format.rawValue)" }
}

/// A command's result: encodable for json and yaml, and able to lay itself out as a table.
public protocol Report: Encodable, Sendable {
  /// The text for `table` (wide false) and `wide` (wide true); ends with a newline unless empty.
  func table(wide: Bool) -> String
  /// The report in a format only some reports have (dot, mermaid, sarif), or nil.
  func special(_ format: OutputFormat) -> String?
}

extension Report {
  public func special(_ format: OutputFormat) -> String? { nil }
}

/// Renders reports: the one place where output formats are decided.
public enum Renderer {
  public static func render<R: Report>(_ report: R, as format: OutputFormat) throws -> String {
    switch format {
    case .table: return report.table(wide: false)
    case .wide: return report.table(wide: true)
    case .json: return json(report, pretty: true) + "\n"
    case .yaml:
      let encoder = YAMLEncoder()
      encoder.options.sortKeys = true
      return (try? encoder.encode(report)) ?? json(report, pretty: true) + "\n"
    case .dot, .mermaid, .sarif, .markdown, .junit, .html, .matrix:
      guard let text = report.special(format) else { throw UnsupportedFormat(format: format) }
      return text
    }
  }

  /// Compact JSON, one line: for JSON Lines output.
  public static func json<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return "null" }
    return String(decoding: data, as: UTF8.self)
  }
}

/// Left-aligned columns separated by three spaces, as kubectl prints them.
public struct TextTable {
  public var header: [String]
  public var rows: [[String]] = []

  public init(_ header: [String]) {
    self.header = header
  }

  public mutating func add(_ row: [String]) { rows.append(row) }

  public var text: String {
    let all = [header] + rows
    // Each cell's width is measured once: a who-can across a large cluster prints tens of thousands of rows.
    let cellWidths = all.map { $0.map(Self.width) }
    var widths = Array(repeating: 0, count: header.count)
    for row in cellWidths { for (i, w) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], w) } }
    // Written as bytes: appending strings and padding substrings cost thousands of instructions a line.
    var out: [UInt8] = []
    out.reserveCapacity(all.count * (widths.reduce(0, +) + 3 * widths.count + 1))
    for (row, rowWidths) in zip(all, cellWidths) {
      let start = out.count
      for (i, cell) in row.enumerated() {
        out.append(contentsOf: cell.utf8)
        guard i < row.count - 1 else { continue }
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: widths[i] + 3 - rowWidths[i]))
      }
      while out.count > start && out[out.count - 1] == UInt8(ascii: " ") { out.removeLast() }
      out.append(UInt8(ascii: "\n"))
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The characters a cell takes: its bytes when it is ASCII (nearly every name in a cluster), which costs no
  /// grapheme breaking.
  static func width(_ cell: String) -> Int {
    cell.utf8.allSatisfy { $0 < 0x80 } ? cell.utf8.count : cell.count
  }
}
