// rolecall — SPDX-License-Identifier: Apache-2.0

/// SplitMix64: a small seeded generator, so that a failing random input can be rebuilt from its seed. The one
/// generator of the tests' random clusters and mutated fixtures.
public struct SeededRandom: RandomNumberGenerator {
  public var state: UInt64

  /// A generator whose sequence depends on `seed` (seeds 1, 2, 3... start far apart).
  public init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

  /// A generator that starts exactly at `state`.
  public init(state: UInt64) { self.state = state }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in `0..<bound`.
  public mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

  /// One of `items`.
  public mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
}
