// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// Why a fixture shared by several tests could not be built. Each test that uses the fixture throws it, so the
/// failure is reported once per test with this message instead of crashing the test process.
public struct FixtureError: Error, CustomStringConvertible {
  public var description: String

  public init(_ description: String) { self.description = description }
}

/// A new database file `name` in a temporary directory, into which `rolecall` ran each of `ingests` in turn (each an
/// argument list without `--db`). Throws `FixtureError` with the command and its stderr when one of them fails.
///
/// Shared databases are built once per test process: keep the outcome in a global `Result`, and read it with
/// `try result.get()` inside each test.
public func ingestedDatabase(_ name: String, _ ingests: [[String]]) throws -> String {
  let path = try temporaryDirectory().appendingPathComponent(name).path
  for arguments in ingests {
    let result = try runRolecall(arguments + ["--db", path])
    guard result.status == 0 else {
      throw FixtureError(
        "fixture database \(name): `rolecall \(arguments.joined(separator: " "))` exited with \(result.status): \(result.stderr)")
    }
  }
  return path
}
