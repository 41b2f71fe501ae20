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
  // Files, not pipes: nothing has to be read while the process runs, so no reader thread can race the test.
  let dir = try temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: dir) }
  let outURL = dir.appendingPathComponent("stdout")
  let errURL = dir.appendingPathComponent("stderr")
  let inURL = dir.appendingPathComponent("stdin")
  for url in [outURL, errURL] { FileManager.default.createFile(atPath: url.path, contents: nil) }
  FileManager.default.createFile(atPath: inURL.path, contents: stdin ?? Data())
  let out = try FileHandle(forWritingTo: outURL)
  let err = try FileHandle(forWritingTo: errURL)
  let input = try FileHandle(forReadingFrom: inURL)
  defer {
    try? out.close()
    try? err.close()
    try? input.close()
  }
  process.standardOutput = out
  process.standardError = err
  process.standardInput = input
  try process.run()
  process.waitUntilExit()
  return RunResult(
    stdout: String(decoding: contents(of: outURL.path) ?? Data(), as: UTF8.self),
    stderr: String(decoding: contents(of: errURL.path) ?? Data(), as: UTF8.self), status: process.terminationStatus)
}

/// A file's bytes, or nil when it cannot be opened. Read through a FileHandle: `Data(contentsOf:)` and
/// `FileManager.contents(atPath:)` of an empty file leak a 4 KiB buffer in this toolchain's Foundation, which
/// LeakSanitizer (`make sanitize`) reports on every run with an empty stderr.
public func contents(of path: String) -> Data? {
  guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
  defer { try? handle.close() }
  return (try? handle.readToEnd()) ?? Data()
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
