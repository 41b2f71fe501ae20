// rolecall — SPDX-License-Identifier: Apache-2.0

import Dispatch
import Synchronization

extension Array where Element: Sendable {
  /// `map` on every core: the elements are cut into runs, each run is transformed on a core, and the results keep
  /// the elements' order. `transform` is `@Sendable`, so the compiler checks that it reads nothing another core
  /// could change.
  public func concurrentMap<T: Sendable>(runs: Int = 16, _ transform: @Sendable (Element) -> T) -> [T] {
    let runs = Swift.min(runs, count)
    guard runs > 1 else { return map(transform) }
    let parts = Mutex([[T]](repeating: [], count: runs))
    DispatchQueue.concurrentPerform(iterations: runs) { run in
      let part = self[run * count / runs..<(run + 1) * count / runs].map(transform)
      parts.withLock { $0[run] = part }
    }
    return parts.withLock { parts in
      var all: [T] = []
      all.reserveCapacity(count)
      for part in parts { all += part }
      return all
    }
  }
}

/// Runs `background` on another core while the calling thread runs `foreground`, and returns what each made. Only
/// the work handed to the other core must be `@Sendable`: the caller's own work shares nothing by running.
///
/// What the background work makes need not be `Sendable` (a graph with caches of its own), only `sending`: made
/// from nothing the caller still holds, it is handed over whole, and the checker proves it.
public func inParallel<A, B>(
  _ background: @escaping @Sendable () -> sending A, while foreground: () throws -> B
) rethrows -> (A, B) {
  let outcome = Outcome<A>()
  let done = DispatchSemaphore(value: 0)
  DispatchQueue.global().async {
    // Made inside the lock, so that it is handed over without ever being shared: no one else takes the lock
    // before the semaphore says it is done.
    outcome.value.withLock { $0 = background() }
    done.signal()
  }
  let b: B
  do {
    b = try foreground()
  } catch {
    // The background work finishes before this returns, thrown or not: nothing it touches outlives the call.
    done.wait()
    throw error
  }
  done.wait()
  let a = outcome.value.withLock { value -> sending A in
    guard let made = value.take() else { preconditionFailure("the background work made nothing") }
    return made
  }
  return (a, b)
}

/// What the background work of ``inParallel(_:while:)`` made, handed over under a lock.
private final class Outcome<A>: Sendable {
  let value = Mutex<A?>(nil)
}

/// Lets another core free `value` (hundreds of thousands of small objects on a large cluster) while the caller goes
/// on to print its answer, or the process exits first: nothing of it is needed any more. `sending` makes the checker
/// prove the caller keeps no part of it.
public func releaseElsewhere<T>(_ value: sending T) {
  Task.detached(priority: .utility) { withExtendedLifetime(value) {} }
}

/// A value made on one thread and taken on another: ``take()`` waits until ``put(_:)`` has run. For a pipeline
/// whose second stage starts early and needs the first stage's result only at its end.
public final class Handoff<T: Sendable>: Sendable {
  private let value = Mutex<T?>(nil)
  private let ready = DispatchSemaphore(value: 0)

  public init() {}

  public func put(_ made: T) {
    value.withLock { $0 = made }
    ready.signal()
  }

  public func take() -> T {
    ready.wait()
    return value.withLock { $0! }
  }
}
