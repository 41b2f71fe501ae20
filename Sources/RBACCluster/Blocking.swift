// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// Runs asynchronous work to completion and returns its result, for synchronous callers.
///
/// The command line's commands are synchronous and kubectl runs through Swift concurrency; the calling thread
/// waits while the work runs on the concurrency pool, so the two never compete for one thread.
public func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
  let outcome = BlockingOutcome<T>()
  let done = DispatchSemaphore(value: 0)
  Task {
    do {
      outcome.result = .success(try await work())
    } catch {
      outcome.result = .failure(error)
    }
    done.signal()
  }
  done.wait()
  return try outcome.result.get()
}

/// The result of ``runBlocking(_:)``'s task: written once before the semaphore is signalled, read once after it,
/// so the semaphore orders the two accesses.
private final class BlockingOutcome<T>: @unchecked Sendable {
  var result: Result<T, any Error> = .failure(CancellationError())
}
