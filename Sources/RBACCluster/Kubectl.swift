// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Subprocess

/// Runs the user's own `kubectl`, found on `PATH`, with the user's kubeconfig and credentials.
///
/// rolecall never talks to the API server itself: whatever kubectl can do with the user's configuration (exec
/// plugins, OIDC, proxies, certificates), rolecall can read, and nothing else.
public struct Kubectl: Sendable {
  /// Passed as `--kubeconfig`; nil leaves kubectl's own choice ($KUBECONFIG, else ~/.kube/config).
  public var kubeconfig: String?
  /// Passed as `--request-timeout` to every call that contacts the server, so that kubectl gives up by itself.
  public var requestTimeout: Int
  /// The longest one call may run, however many pages it fetches, before rolecall stops it.
  public var callTimeout: Int

  public init(kubeconfig: String? = nil, requestTimeout: Int = 60, callTimeout: Int = 600) {
    self.kubeconfig = kubeconfig
    self.requestTimeout = requestTimeout
    self.callTimeout = callTimeout
  }

  /// What one call printed and how it ended.
  struct Call: Sendable {
    var command: String
    var stdout: Data
    /// At most ``stderrLimit`` bytes: enough for any error kubectl prints, bounded against a chatty plugin.
    var stderr: String
    var status: TerminationStatus

    var succeeded: Bool { status.isSuccess }
    /// The error for a call that failed in a way rolecall has no more specific words for.
    var failed: ClusterError { .kubectlFailed(command: command, status: "\(status)", message: errorLine) }
    /// The line of stderr that states the error, for messages: kubectl ends with it, after any `Warning:` lines
    /// and klog lines (`E1123 12:00:00.000000 ...`) that repeat it with less context.
    var errorLine: String {
      let lines = stderr.split(whereSeparator: \.isNewline).map(String.init)
      let isChatter = { (line: String) -> Bool in
        line.hasPrefix("Warning:")
          || (line.first.map { "IWEF".contains($0) } == true && line.dropFirst().prefix(4).allSatisfy(\.isNumber))
      }
      let line = lines.last { !isChatter($0) } ?? lines.last ?? "no message"
      return line.hasPrefix("error: ") ? String(line.dropFirst(7)) : line
    }
  }

  static let stderrLimit = 64 << 10

  /// Runs `kubectl [--kubeconfig K] [--context C] [--request-timeout Ns] ARGUMENTS` and collects what it prints.
  ///
  /// Standard output is streamed into one buffer as it arrives (`onBytes` sees the running total), never copied
  /// through an intermediate string; standard error is read alongside it so that neither pipe can fill and stall
  /// kubectl. A call that outlives ``callTimeout`` is cancelled, which makes Subprocess terminate kubectl.
  func run(
    _ arguments: [String], context: String?, contactsServer: Bool = true,
    onBytes: @escaping @Sendable (Int) -> Void = { _ in }
  ) async throws -> Call {
    var full: [String] = []
    if let kubeconfig { full += ["--kubeconfig", kubeconfig] }
    if let context { full += ["--context", context] }
    if contactsServer { full += ["--request-timeout", "\(requestTimeout)s"] }
    full += arguments
    let launched = full
    let command = (["kubectl"] + (context.map { ["--context", $0] } ?? []) + arguments).joined(separator: " ")
    let limit = callTimeout
    do {
      return try await withThrowingTaskGroup(of: Call?.self) { group in
        group.addTask { try await Self.launch(launched, command: command, onBytes: onBytes) }
        group.addTask {
          try await Task.sleep(for: .seconds(limit))
          return nil
        }
        // The first task to finish decides; cancelling the other stops kubectl or the timer.
        defer { group.cancelAll() }
        guard let first = try await group.next(), let call = first else {
          throw ClusterError.timeout(command: command, seconds: limit)
        }
        return call
      }
    } catch let error as SubprocessError where error.code == .executableNotFound {
      throw ClusterError.kubectlNotFound
    }
  }

  private static func launch(_ arguments: [String], command: String, onBytes: @escaping @Sendable (Int) -> Void)
    async throws -> Call
  {
    var options = PlatformOptions()
    // Give kubectl a moment to exit cleanly on a timeout or ^C before it is killed.
    options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
    let configuration = Configuration(
      executable: .name("kubectl"), arguments: Arguments(arguments), environment: .inherit, platformOptions: options)
    let result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .sequence) {
      execution in
      let errors = execution.standardError
      async let stderr = collect(errors, limit: stderrLimit)
      var stdout = Data()
      for try await buffer in execution.standardOutput {
        buffer.withUnsafeBytes { stdout.append(contentsOf: $0) }
        onBytes(stdout.count)
      }
      return (stdout, try await stderr)
    }
    let (stdout, stderr) = result.closureResult
    return Call(
      command: command, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self),
      status: result.terminationStatus)
  }

  /// Reads a stream to its end, keeping only the first `limit` bytes.
  private static func collect(_ stream: SubprocessOutputSequence, limit: Int) async throws -> Data {
    var data = Data()
    for try await buffer in stream where data.count < limit {
      buffer.withUnsafeBytes { data.append(contentsOf: $0.prefix(limit - data.count)) }
    }
    return data
  }
}
