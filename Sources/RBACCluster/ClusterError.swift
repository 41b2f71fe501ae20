// rolecall — SPDX-License-Identifier: Apache-2.0

/// Why reading a live cluster stopped. Each message says what to do; nothing has been written.
public enum ClusterError: Error, Equatable, CustomStringConvertible {
  /// No `kubectl` executable on `PATH`.
  case kubectlNotFound
  /// `--kubeconfig` names a file that does not exist.
  case kubeconfigMissing(path: String)
  /// The context named by `--context` is not in the kubeconfig.
  case unknownContext(String)
  /// No `--context` was given and the kubeconfig has no current context.
  case noCurrentContext
  /// The kubeconfig has no contexts at all (`--all-contexts`).
  case noContexts
  /// The API server did not answer: wrong address, network down, or the cluster is stopped.
  case unreachable(context: String, server: String, detail: String)
  /// The API server rejected the credentials (401): expired token, wrong certificate, logged out.
  case unauthorized(context: String, server: String)
  /// A kubectl call ran longer than the overall per-call timeout and was stopped.
  case timeout(command: String, seconds: Int)
  /// kubectl failed in a way rolecall does not recognize; `message` is the first line kubectl printed.
  case kubectlFailed(command: String, status: String, message: String)
  /// kubectl printed something rolecall cannot read (a kubectl or server bug, or an unexpected proxy).
  case unreadableOutput(command: String, detail: String)
  /// Some contexts of `--all-contexts` failed; the others were ingested, each as its own snapshot.
  case contextsFailed(failed: [String], total: Int)

  public var description: String {
    switch self {
    case .kubectlNotFound:
      return "kubectl not found on PATH: install kubectl (https://kubernetes.io/docs/tasks/tools/) or add it to PATH"
    case .kubeconfigMissing(let path):
      return "kubeconfig \(path) does not exist: fix --kubeconfig, or omit it to use $KUBECONFIG or ~/.kube/config"
    case .unknownContext(let name):
      return "context \"\(name)\" is not in the kubeconfig: `kubectl config get-contexts` lists the names"
    case .noCurrentContext:
      return "the kubeconfig has no current context: pass --context NAME or run `kubectl config use-context NAME`"
    case .noContexts:
      return "the kubeconfig has no contexts: pass --kubeconfig PATH or set KUBECONFIG"
    case .unreachable(let context, let server, let detail):
      return "cannot reach the API server \(server) of context \"\(context)\" (\(detail)): check the address, "
        + "the network or VPN, and that the cluster is running"
    case .unauthorized(let context, let server):
      return "the API server \(server) rejected the credentials of context \"\(context)\" (401 Unauthorized): "
        + "log in again or refresh the token, then check with `kubectl --context \(context) get --raw /version`"
    case .timeout(let command, let seconds):
      return "`\(command)` did not finish within \(seconds) s and was stopped: raise --call-timeout or lower --chunk-size"
    case .kubectlFailed(let command, let status, let message):
      return "`\(command)` failed (\(status)): \(message)"
    case .unreadableOutput(let command, let detail):
      return "`\(command)` printed output rolecall cannot read: \(detail)"
    case .contextsFailed(let failed, let total) where failed.count == total:
      return "all \(total) contexts failed (\(failed.joined(separator: ", "))); nothing was written"
    case .contextsFailed(let failed, let total):
      return "\(failed.count) of \(total) contexts failed (\(failed.joined(separator: ", "))); "
        + "the other contexts were ingested, each as its own snapshot"
    }
  }
}
