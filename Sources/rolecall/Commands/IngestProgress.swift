// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization

/// A one-line display on stderr of the phase an ingest is in (read, resolve, graph, write) and the time so far.
///
/// It appears only once an ingest has run for a second, only on a terminal, and never with --quiet, under CI
/// (`CI` set), with `NO_COLOR` set or on a dumb terminal: a log gets the summary alone. A timer redraws it five
/// times a second, so a long phase still shows the clock moving. Shown or not, it keeps when each phase began, which
/// `--timings` prints.
final class IngestProgress: Sendable {
  private struct Display {
    var phase = "read"
    /// When each phase began, for `--timings`.
    var marks: [(phase: String, at: ContinuousClock.Instant)] = [("read", ContinuousClock.now)]
    var shown = false
    /// Set by ``finish()``: a tick that was already under way draws nothing after it.
    var finished = false
    var ticker: Task<Void, Never>?
  }
  private let display = Mutex(Display())
  private let enabled: Bool
  private let start = Date()

  init(quiet: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
    enabled =
      !quiet && isatty(STDERR_FILENO) == 1 && environment["CI"] == nil && environment["NO_COLOR"] == nil
      && environment["TERM"] != "dumb"
    guard enabled else { return }
    let ticker = Task.detached(priority: .utility) { [weak self] in
      try? await Task.sleep(for: .seconds(1))
      while !Task.isCancelled {
        self?.redraw()
        try? await Task.sleep(for: .milliseconds(200))
      }
    }
    display.withLock { $0.ticker = ticker }
  }

  /// Moves to the next phase: `read`, `resolve`, `graph` or `write`.
  func enter(_ phase: String) {
    let now = ContinuousClock.now
    display.withLock { display in
      display.phase = phase
      display.marks.append((phase, now))
    }
  }

  /// "read 2.10 s, resolve 0.30 s, ...": each phase until the next began, the last until `end`.
  func phaseTimes(until end: ContinuousClock.Instant, format: (Duration) -> String) -> String {
    let marks = display.withLock { $0.marks }
    return marks.indices.map { i in
      "\(marks[i].phase) \(format((i + 1 < marks.count ? marks[i + 1].at : end) - marks[i].at))"
    }.joined(separator: ", ")
  }

  /// Stops the display and erases its line, before the summary or an error is printed.
  func finish() {
    guard enabled else { return }
    display.withLock { display in
      display.ticker?.cancel()
      display.finished = true
      if display.shown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
      display.shown = false
    }
  }

  private func redraw() {
    display.withLock { display in
      guard !display.finished else { return }
      let phases = ["read", "resolve", "graph", "write"]
      let index = (phases.firstIndex(of: display.phase) ?? 0) + 1
      let elapsed = String(format: "%.1f s", Date().timeIntervalSince(start))
      FileHandle.standardError.write(Data("\r\u{1B}[2Kingest [\(index)/4] \(display.phase), \(elapsed)".utf8))
      display.shown = true
    }
  }

  deinit { display.withLock { $0.ticker?.cancel() } }
}
