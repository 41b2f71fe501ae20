// rolecall — SPDX-License-Identifier: Apache-2.0

/// A Kubernetes label selector: `matchLabels` and `matchExpressions`, all of which must hold.
public struct LabelSelector: Sendable, Hashable, Codable {
  /// One `matchExpressions` entry.
  public struct Requirement: Sendable, Hashable, Codable {
    /// The set-based operators of `metav1.LabelSelectorOperator`.
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
      case `in` = "In"
      case notIn = "NotIn"
      case exists = "Exists"
      case doesNotExist = "DoesNotExist"
    }

    public var key: String
    public var `operator`: Operator
    public var values: [String]

    public init(key: String, operator: Operator, values: [String] = []) {
      self.key = key
      self.operator = `operator`
      self.values = values
    }

    /// Whether the labels satisfy the requirement (upstream `labels.Requirement.Matches`);
    /// `NotIn` holds for a missing key.
    public func matches(_ labels: [String: String]) -> Bool {
      switch `operator` {
      case .in:
        guard let value = labels[key] else { return false }
        return values.contains(value)
      case .notIn:
        guard let value = labels[key] else { return true }
        return !values.contains(value)
      case .exists: return labels[key] != nil
      case .doesNotExist: return labels[key] == nil
      }
    }

    /// Why the requirement is invalid, as `metav1.LabelSelectorAsSelector` would reject it, or nil.
    public var invalidReason: String? {
      switch `operator` {
      case .in, .notIn:
        return values.isEmpty ? "operator \(`operator`.rawValue) needs at least one value" : nil
      case .exists, .doesNotExist:
        return values.isEmpty ? nil : "operator \(`operator`.rawValue) takes no values"
      }
    }
  }

  public var matchLabels: [String: String]
  public var matchExpressions: [Requirement]

  public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
    self.matchLabels = matchLabels
    self.matchExpressions = matchExpressions
  }

  /// Whether the labels satisfy the selector. An empty selector selects everything, as upstream's
  /// `LabelSelectorAsSelector` turns it into `labels.Everything()`.
  public func matches(_ labels: [String: String]) -> Bool {
    for (key, value) in matchLabels where labels[key] != value { return false }
    return matchExpressions.allSatisfy { $0.matches(labels) }
  }
}

extension LabelSelector {
  /// Why a selector's text does not parse, with the place it stopped.
  public struct ParseError: Error, Hashable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "label selector \"\(text)\": \(reason)" }
  }

  /// Parses the selector syntax of `kubectl -l` (upstream `labels.Parse`): requirements separated by commas, each
  /// `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key` (exists) or `!key` (does not
  /// exist). Every requirement must hold; `key!=value` and `notin` also hold where the key is missing.
  public init(parsing text: String) throws {
    var parser = SelectorParser(text: text)
    self.init(matchExpressions: try parser.requirements())
  }
}

/// A cursor over a selector's text; each method reads one part of the grammar.
private struct SelectorParser {
  let text: String
  let characters: [Character]
  var position = 0

  init(text: String) {
    self.text = text
    characters = Array(text)
  }

  func fail(_ reason: String) -> LabelSelector.ParseError {
    LabelSelector.ParseError(text: text, reason: reason)
  }

  mutating func skipSpaces() {
    while position < characters.count, characters[position] == " " { position += 1 }
  }

  mutating func take(_ character: Character) -> Bool {
    skipSpaces()
    guard position < characters.count, characters[position] == character else { return false }
    position += 1
    return true
  }

  /// A key or value: the characters a label key or value may hold (letters, digits, `-`, `_`, `.`, `/`).
  mutating func word() -> String {
    skipSpaces()
    let start = position
    while position < characters.count,
      characters[position].isLetter || characters[position].isNumber || "-_./".contains(characters[position])
    {
      position += 1
    }
    return String(characters[start..<position])
  }

  mutating func requirements() throws -> [LabelSelector.Requirement] {
    var found: [LabelSelector.Requirement] = []
    repeat {
      found.append(try requirement())
    } while take(",")
    skipSpaces()
    if position < characters.count { throw fail("unexpected \"\(characters[position])\" at character \(position + 1)") }
    return found
  }

  mutating func requirement() throws -> LabelSelector.Requirement {
    if take("!") {
      let key = word()
      if key.isEmpty { throw fail("\"!\" must be followed by a label key") }
      return .init(key: key, operator: .doesNotExist)
    }
    let key = word()
    if key.isEmpty { throw fail("expected a label key at character \(position + 1)") }
    if take("!") {
      guard take("=") else { throw fail("expected \"!=\" after \"\(key)\"") }
      return .init(key: key, operator: .notIn, values: [word()])
    }
    if take("=") {
      _ = take("=")
      return .init(key: key, operator: .in, values: [word()])
    }
    let save = position
    switch word() {
    case "in": return .init(key: key, operator: .in, values: try values(after: key))
    case "notin": return .init(key: key, operator: .notIn, values: try values(after: key))
    default:
      position = save
      return .init(key: key, operator: .exists)
    }
  }

  /// `(a, b, ...)`: at least one value.
  mutating func values(after key: String) throws -> [String] {
    guard take("(") else { throw fail("expected \"(\" after the operator of \"\(key)\"") }
    var values: [String] = []
    repeat {
      values.append(word())
    } while take(",")
    guard take(")") else { throw fail("expected \")\" to close the values of \"\(key)\"") }
    if values == [""] { throw fail("\"\(key)\" needs at least one value in its parentheses") }
    return values
  }
}
