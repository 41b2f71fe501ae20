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
    var widths = Array(repeating: 0, count: header.count)
    for row in all { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
    var out = ""
    for row in all {
      var line = ""
      for (i, cell) in row.enumerated() {
        line += cell
        if i < row.count - 1 { line += String(repeating: " ", count: widths[i] + 3 - cell.count) }
      }
      while line.last == " " { line.removeLast() }
      out += line + "\n"
    }
    return out
  }
}
