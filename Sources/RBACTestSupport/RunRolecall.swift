// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// The repository root, found from this file's location.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A file under fixtures/.
public func fixture(_ path: String) -> String {
  repositoryRoot.appendingPathComponent("fixtures").appendingPathComponent(path).path
}

/// What a run of the built `rolecall` binary printed and returned.
public struct RunResult: Sendable {
  public var stdout: String
  public var stderr: String
  public var status: Int32
}

/// The `rolecall` executable next to the test bundle (SwiftPM builds both into the same products folder).
public var rolecallBinary: URL {
  var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  // On Linux the test runner is `<products>/rolecallPackageTests.xctest`; on macOS it sits inside a bundle.
  while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("rolecall").path) && dir.path != "/" {
    dir.deleteLastPathComponent()
  }
  return dir.appendingPathComponent("rolecall")
}

/// Runs `rolecall` with arguments, optional stdin and extra environment, and waits for it.
/// It runs in the repository root, so that fixture paths in its output are the same on every machine.
public func runRolecall(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws
  -> RunResult
{
  let process = Process()
  process.executableURL = rolecallBinary
  process.currentDirectoryURL = repositoryRoot
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  env.removeValue(forKey: "ROLECALL_DB")
  for (k, v) in environment { env[k] = v }
  process.environment = env
  let out = Pipe()
  let err = Pipe()
  let input = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = input
  try process.run()
  // Read both pipes while the process runs, so that a large output cannot fill a pipe and stall it.
  let group = DispatchGroup()
  nonisolated(unsafe) var outData = Data()
  nonisolated(unsafe) var errData = Data()
  group.enter()
  DispatchQueue.global().async {
    outData = out.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  group.enter()
  DispatchQueue.global().async {
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  if let stdin { input.fileHandleForWriting.write(stdin) }
  try input.fileHandleForWriting.close()
  process.waitUntilExit()
  group.wait()
  return RunResult(
    stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
    status: process.terminationStatus)
}

/// A fresh temporary directory for one test.
public func temporaryDirectory() throws -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rolecall-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir
}

/// Compares `actual` with Tests/<suite>/Golden/<name>; `UPDATE_GOLDEN=1 swift test` rewrites the file instead.
/// Returns nil when they match, else a message with both texts.
public func goldenMismatch(_ actual: String, suite: String, name: String) -> String? {
  let url = repositoryRoot.appendingPathComponent("Tests").appendingPathComponent(suite)
    .appendingPathComponent("Golden").appendingPathComponent(name)
  if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? actual.write(to: url, atomically: true, encoding: .utf8)
    return nil
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    return "no golden file \(url.path): run UPDATE_GOLDEN=1 swift test"
  }
  return expected == actual ? nil : "output differs from \(url.path):\n--- expected\n\(expected)\n--- actual\n\(actual)"
}
