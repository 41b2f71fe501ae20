// rolecall — SPDX-License-Identifier: Apache-2.0

/// Shell-style patterns over identity and object names, as fnmatch(3) reads them without flags: `*` matches any run
/// of characters (`:` and `/` included), `?` any one character, every other character itself. The one matcher of
/// `check` subjects and the provider catalog of `backdoors` (baselines name identities exactly, or by tag).
public enum Glob {
  /// Whether `text` matches `pattern` as a whole.
  public static func matches(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.unicodeScalars)
    let t = Array(text.unicodeScalars)
    var i = 0, j = 0
    // The last `*` seen and the text position it was tried at: on a mismatch, let it take one more character.
    var star: Int? = nil
    var resume = 0
    while j < t.count {
      if i < p.count && (p[i] == "?" || (p[i] != "*" && p[i] == t[j])) {
        i += 1
        j += 1
      } else if i < p.count && p[i] == "*" {
        star = i
        resume = j
        i += 1
      } else if let s = star {
        i = s + 1
        resume += 1
        j = resume
      } else {
        return false
      }
    }
    while i < p.count && p[i] == "*" { i += 1 }
    return i == p.count
  }

  /// Whether `text` holds a wildcard: a pattern that may match many names rather than name one.
  public static func isPattern(_ text: String) -> Bool { text.contains("*") || text.contains("?") }
}
