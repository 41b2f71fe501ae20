// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// The path of an executable on `PATH`, or nil: tests that drive kubectl are skipped, visibly, without one.
public func executableOnPath(_ name: String) -> String? {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
  for dir in path.split(separator: ":") {
    let candidate = "\(dir)/\(name)"
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
  }
  return nil
}

/// scripts/fake-apiserver.py, started on a free loopback port for one test, with a kubeconfig that points at it.
///
/// The server exits when this object closes its stdin (``stop()`` or deinit), and by itself after its lifetime,
/// so that a crashed test run leaves nothing listening.
public final class FakeAPIServer: @unchecked Sendable {
  public let port: Int
  /// A directory private to this server: kubeconfig, kubectl's discovery cache, the request log.
  public let directory: URL
  public var kubeconfig: String { directory.appendingPathComponent("kubeconfig").path }
  public var requestLog: String { directory.appendingPathComponent("requests.log").path }
  public var server: String { "https://127.0.0.1:\(port)" }
  /// The environment for `runRolecall`: kubectl caches discovery here rather than in the user's ~/.kube.
  public var environment: [String: String] { ["KUBECACHEDIR": directory.appendingPathComponent("cache").path] }

  private let process = Process()
  private let stdin = Pipe()

  /// Starts the server on `objects` (a JSON List) with extra arguments (`--forbid secrets`, `--git-version V`),
  /// and writes a kubeconfig whose contexts `one` and `two` use the accepted token and `badcreds` a rejected one.
  public init(objects: String = fixture("cases/live-cluster.json"), arguments: [String] = []) throws {
    directory = try temporaryDirectory()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      ["python3", repositoryRoot.appendingPathComponent("scripts/fake-apiserver.py").path, "--objects", objects,
       "--token", "good-token", "--log", directory.appendingPathComponent("requests.log").path, "--lifetime", "300"]
      + arguments
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    // The server prints `port N` once it listens; reading that line is the readiness check.
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = stdout.fileHandleForReading.availableData
      guard !chunk.isEmpty else { break }
      line += chunk
    }
    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
      process.terminate()
      throw FakeAPIServerError(message: "fake-apiserver.py did not start (printed \"\(text)\")")
    }
    self.port = port
    try writeKubeconfig(contexts: ["one": "tester", "two": "tester", "badcreds": "intruder"], current: "one")
  }

  /// Writes the kubeconfig with these contexts (name: user); `tester` has the accepted token, others not.
  public func writeKubeconfig(contexts: [String: String], current: String, server: String? = nil) throws {
    var text = """
      apiVersion: v1
      kind: Config
      clusters:
      - name: fake
        cluster: {server: "\(server ?? self.server)", insecure-skip-tls-verify: true}
      users:
      - name: tester
        user: {token: good-token}
      - name: intruder
        user: {token: expired-token}
      contexts:

      """
    for (name, user) in contexts.sorted(by: { $0.key < $1.key }) {
      text += "- name: \(name)\n  context: {cluster: fake, user: \(user)}\n"
    }
    text += "current-context: \(current)\n"
    try text.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
  }

  /// Every request path the server has answered, in order.
  public func requests() -> [String] {
    ((try? String(contentsOfFile: requestLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }

  public func stop() {
    try? stdin.fileHandleForWriting.close()
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
  }

  deinit { stop() }
}

public struct FakeAPIServerError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}
