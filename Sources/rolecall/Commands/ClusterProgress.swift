// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import RBACCluster

/// A one-line progress display on stderr while a cluster is read: the kind being listed, objects so far, elapsed.
///
/// It draws only when stderr is a terminal, so logs and pipes get the summary alone; it redraws at most ten
/// times a second, since kubectl reports every chunk of output it prints.
final class ClusterProgress: Sendable {
  private struct Display {
    var lastDraw = Date.distantPast
    var kind = ""
    var step = ""
    var bytes = 0
    var objects = 0
  }
  private let display = Mutex(Display())
  private let enabled: Bool
  private let context: String
  private let start = Date()

  init(context: String, quiet: Bool) {
    self.context = context
    enabled = !quiet && isatty(STDERR_FILENO) == 1
  }

  func handle(_ event: ClusterSource.Event) {
    guard enabled else { return }
    display.withLock { d in
      var force = false
      switch event {
      case .started(let kind, let index, let total):
        d.kind = kind
        d.step = "[\(index)/\(total)]"
        d.bytes = 0
        force = true
      case .received(let bytes):
        d.bytes = bytes
      case .finished(_, _, let total):
        d.objects = total
        force = true
      }
      let now = Date()
      guard force || now.timeIntervalSince(d.lastDraw) >= 0.1 else { return }
      d.lastDraw = now
      let size = String(format: "%.1f MB", Double(d.bytes) / 1_000_000)
      let elapsed = String(format: "%.1f s", now.timeIntervalSince(start))
      draw("\(context) \(d.step) \(d.kind): \(size), \(d.objects) objects so far, \(elapsed)")
    }
  }

  /// Erases the line, before the summary or an error is printed.
  func clear() {
    guard enabled else { return }
    display.withLock { _ in draw("") }
  }

  private func draw(_ line: String) {
    // Carriage return and erase-line: the display overwrites itself instead of scrolling.
    FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
  }
}
