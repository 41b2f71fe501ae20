// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACCluster

/// A one-line progress display on stderr while a cluster is read: the kind being listed, objects so far, elapsed.
///
/// It draws only when stderr is a terminal, so logs and pipes get the summary alone; it redraws at most ten
/// times a second, since kubectl reports every chunk of output it prints.
final class ClusterProgress: @unchecked Sendable {
  private let lock = NSLock()
  private let enabled: Bool
  private let context: String
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var kind = ""
  private var step = ""
  private var bytes = 0
  private var objects = 0

  init(context: String, quiet: Bool) {
    self.context = context
    enabled = !quiet && isatty(STDERR_FILENO) == 1
  }

  func handle(_ event: ClusterSource.Event) {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    var force = false
    switch event {
    case .started(let kind, let index, let total):
      self.kind = kind
      step = "[\(index)/\(total)]"
      bytes = 0
      force = true
    case .received(let bytes):
      self.bytes = bytes
    case .finished(_, _, let total):
      objects = total
      force = true
    }
    let now = Date()
    guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
    lastDraw = now
    let size = String(format: "%.1f MB", Double(bytes) / 1_000_000)
    let elapsed = String(format: "%.1f s", now.timeIntervalSince(start))
    draw("\(context) \(step) \(kind): \(size), \(objects) objects so far, \(elapsed)")
  }

  /// Erases the line, before the summary or an error is printed.
  func clear() {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    draw("")
  }

  private func draw(_ line: String) {
    // Carriage return and erase-line: the display overwrites itself instead of scrolling.
    FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
  }
}
