// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// A one-line display on stderr of the phase an ingest is in (read, resolve, graph, write) and the time so far.
///
/// It appears only once an ingest has run for a second, only on a terminal, and never with --quiet, under CI
/// (`CI` set), with `NO_COLOR` set or on a dumb terminal: a log gets the summary alone. A timer redraws it five
/// times a second, so a long phase still shows the clock moving.
final class IngestProgress: @unchecked Sendable {
  private let lock = NSLock()
  private let enabled: Bool
  private let start = Date()
  private var phase = "read"
  private var shown = false
  private var timer: DispatchSourceTimer?

  init(quiet: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
    enabled =
      !quiet && isatty(STDERR_FILENO) == 1 && environment["CI"] == nil && environment["NO_COLOR"] == nil
      && environment["TERM"] != "dumb"
    guard enabled else { return }
    let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
    timer.schedule(deadline: .now() + 1, repeating: 0.2)
    timer.setEventHandler { [weak self] in self?.redraw() }
    timer.resume()
    self.timer = timer
  }

  /// Moves to the next phase: `read`, `resolve`, `graph` or `write`.
  func enter(_ phase: String) {
    guard enabled else { return }
    lock.lock()
    self.phase = phase
    lock.unlock()
  }

  /// Stops the display and erases its line, before the summary or an error is printed.
  func finish() {
    guard enabled else { return }
    timer?.cancel()
    lock.lock()
    defer { lock.unlock() }
    if shown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    shown = false
  }

  private func redraw() {
    lock.lock()
    defer { lock.unlock() }
    let phases = ["read", "resolve", "graph", "write"]
    let index = (phases.firstIndex(of: phase) ?? 0) + 1
    let elapsed = String(format: "%.1f s", Date().timeIntervalSince(start))
    FileHandle.standardError.write(Data("\r\u{1B}[2Kingest [\(index)/4] \(phase), \(elapsed)".utf8))
    shown = true
  }

  deinit { timer?.cancel() }
}
