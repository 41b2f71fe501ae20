// rolecall — SPDX-License-Identifier: Apache-2.0

import Dispatch

extension Array {
  /// `map` on every core: the elements are cut into runs, each run is transformed on a core, and the results keep
  /// the elements' order. For work that reads shared state and writes none of it: the caller vouches for that, since
  /// the checker cannot see into the classes (a graph's caches, a database queue) that `transform` may read.
  public func concurrentMap<T>(runs: Int = 16, _ transform: (Element) -> T) -> [T] {
    let runs = Swift.min(runs, count)
    guard runs > 1 else { return map(transform) }
    return withoutActuallyEscaping(transform) { transform in
      nonisolated(unsafe) let (items, transform) = (self, transform)
      return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        // Each run initializes only its own slots.
        nonisolated(unsafe) let slots = buffer.baseAddress!
        DispatchQueue.concurrentPerform(iterations: runs) { run in
          for i in run * items.count / runs..<(run + 1) * items.count / runs {
            (slots + i).initialize(to: transform(items[i]))
          }
        }
        initialized = items.count
      }
    }
  }
}

/// Runs two independent pieces of work at once, one per core, and returns what each made. Neither may touch what
/// the other does: as with ``Swift/Array/concurrentMap(runs:_:)``, the caller vouches for that.
public func inParallel<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
  withoutActuallyEscaping(first) { first in
    withoutActuallyEscaping(second) { second in
      nonisolated(unsafe) let work = (first, second)
      nonisolated(unsafe) var made: (A?, B?) = (nil, nil)
      DispatchQueue.concurrentPerform(iterations: 2) { part in
        if part == 0 { made.0 = work.0() } else { made.1 = work.1() }
      }
      return (made.0!, made.1!)
    }
  }
}
