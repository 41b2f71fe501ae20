// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
@testable import RBACCluster
import Subprocess
import Testing

/// What rolecall makes of kubectl's standard error: `KubectlFailure` decides whether a kind is skipped with a warning
/// (Forbidden, a type the server does not serve), the read stops with a clear reason (401, an unreachable server),
/// or kubectl's own last line is shown; `Kubectl.Call.errorLine` picks that line out of the chatter.
/// The messages are kubectl's own, as it prints them for the API server's status codes and Go's network errors.

@Test(arguments: [
  // RBAC denies the list (kubectl get clusterroles.rbac.authorization.k8s.io as a service account).
  """
  Error from server (Forbidden): clusterroles.rbac.authorization.k8s.io is forbidden: User \
  "system:serviceaccount:ci:deployer" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" \
  at the cluster scope
  """,
  // Secrets, denied cluster-wide, with a klog line before it.
  """
  E0312 10:00:00.123456   41234 reflector.go:150] failed to list *v1.Secret
  Error from server (Forbidden): secrets is forbidden: User "alice@example.com" cannot list resource "secrets" in API \
  group "" at the cluster scope
  """,
  // A server that hides /version from the caller.
  #"Error from server (Forbidden): forbidden: User "system:anonymous" cannot get path "/version""#,
  // A caller whose own name holds "unauthorized": still a 403 for this kind, not rejected credentials.
  #"Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:sec:unauthorized-scanner" cannot list resource "secrets" in API group "" at the cluster scope"#,
])
func forbiddenIsRecognized(stderr: String) {
  #expect(KubectlFailure(stderr) == .forbidden)
}

@Test(arguments: [
  "error: You must be logged in to the server (Unauthorized)",
  "error: You must be logged in to the server (the server has asked for the client to provide credentials)",
  // An exec plugin whose token expired: kubectl repeats the 401 after the plugin's message.
  """
  E0312 10:00:00.000000   1234 memcache.go:265] couldn't get current server API group list: the server has asked \
  for the client to provide credentials
  error: You must be logged in to the server (the server has asked for the client to provide credentials)
  """,
])
func unauthorizedIsRecognized(stderr: String) {
  #expect(KubectlFailure(stderr) == .unauthorized)
}

@Test(arguments: [
  (
    "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?",
    "connection refused"
  ),
  (
    """
    E0312 10:00:00.000000   1234 memcache.go:265] couldn't get current server API group list: Get \
    "https://10.0.0.1:6443/api?timeout=32s": dial tcp 10.0.0.1:6443: connect: connection refused
    The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?
    """,
    "connection refused"
  ),
  (
    "Unable to connect to the server: dial tcp: lookup api.cluster.example.invalid on 127.0.0.53:53: no such host",
    "no such host"
  ),
  ("Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout", "i/o timeout"),
  ("Unable to connect to the server: net/http: TLS handshake timeout", "tls handshake timeout"),
  ("Unable to connect to the server: dial tcp 10.0.0.1:443: connect: no route to host", "no route to host"),
  ("Unable to connect to the server: dial tcp 10.0.0.1:443: connect: network is unreachable", "network is unreachable"),
  (
    """
    Unable to connect to the server: read tcp 192.168.1.2:51234->10.0.0.1:443: read: connection reset by peer
    """,
    "connection reset"
  ),
  (
    "Unable to connect to the server: context deadline exceeded",
    "context deadline exceeded"
  ),
  (
    #"Unable to connect to the server: proxyconnect tcp: dial tcp: lookup proxy.corp on 10.0.0.2:53: server misbehaving"#,
    "unable to connect"
  ),
])
func unreachableIsRecognizedWithItsReason(stderr: String, detail: String) {
  #expect(KubectlFailure(stderr) == .unreachable(detail))
}

@Test(arguments: [
  #"error: the server doesn't have a resource type "cronjobs""#,
  // With kubectl's discovery warning in front.
  """
  E0312 10:00:00.000000   1234 memcache.go:287] couldn't get resource list for metrics.k8s.io/v1beta1: the server \
  is currently unable to handle the request
  error: the server doesn't have a resource type "deployments"
  """,
])
func anUnservedResourceTypeIsRecognized(stderr: String) {
  #expect(KubectlFailure(stderr) == .noResourceType)
}

@Test(arguments: [
  #"Error from server (NotFound): configmaps "aws-auth" not found"#,
  #"Error from server (NotFound): namespaces "kube-system" not found"#,
])
func notFoundIsRecognized(stderr: String) {
  #expect(KubectlFailure(stderr) == .notFound)
}

@Test(arguments: [
  "error: unknown flag: --chunk-size",
  #"Error from server (InternalError): an error on the server ("") has prevented the request from succeeding"#,
  #"error: error loading config file "/root/.kube/config": yaml: line 3: mapping values are not allowed in this context"#,
  "",
])
func anythingElseIsOther(stderr: String) {
  #expect(KubectlFailure(stderr) == .other)
}

// MARK: - The line shown to the user

private func call(stderr: String, status: TerminationStatus = .exited(1)) -> Kubectl.Call {
  Kubectl.Call(
    command: "kubectl get secrets --all-namespaces", stdout: Data(), stderr: stderr, status: status)
}

@Test func theErrorLineIsKubectlsLastLineWithoutWarningsAndKlogChatter() {
  let stderr = """
    Warning: v1 ComponentStatus is deprecated in v1.19+
    I0312 10:00:00.000000   1234 request.go:697] Waited for 1.04s due to client-side throttling
    E0312 10:00:00.000000   1234 memcache.go:265] couldn't get current server API group list: the server is busy
    error: the server doesn't have a resource type "cronjobs"
    W0312 10:00:00.000000   1234 loader.go:222] Config not found: /root/.kube/config

    """
  #expect(call(stderr: stderr).errorLine == #"the server doesn't have a resource type "cronjobs""#)
}

@Test func theErrorLineKeepsAServerErrorWhole() {
  let stderr = #"Error from server (NotFound): configmaps "aws-auth" not found"# + "\n"
  #expect(call(stderr: stderr).errorLine == #"Error from server (NotFound): configmaps "aws-auth" not found"#)
}

@Test func onlyChatterFallsBackToTheLastLineAndNothingToAPlaceholder() {
  let klog = "E0312 10:00:00.000000   1234 memcache.go:265] couldn't get current server API group list"
  #expect(call(stderr: "Warning: something\n" + klog + "\n").errorLine == klog)
  #expect(call(stderr: "").errorLine == "no message")
  #expect(call(stderr: "\n\n").errorLine == "no message")
}

@Test func aFailedCallIsReportedWithItsCommandStatusAndLine() {
  let failed = call(stderr: "error: unknown flag: --chunk-size\n").failed
  guard case .kubectlFailed(let command, let status, let message) = failed else {
    Issue.record("expected kubectlFailed, got \(failed)")
    return
  }
  #expect(command == "kubectl get secrets --all-namespaces")
  #expect(status == "\(TerminationStatus.exited(1))")
  #expect(message == "unknown flag: --chunk-size")
  #expect(failed.description.hasSuffix("failed (\(status)): unknown flag: --chunk-size"))
  #expect(!call(stderr: "", status: .exited(1)).succeeded)
  #expect(call(stderr: "", status: .exited(0)).succeeded)
}

// MARK: - Secrets as the template prints them

@Test func secretLinesBecomeAListOfSecretsWithMetadataOnly() throws {
  var listing = call(stderr: "", status: .exited(0))
  listing.stdout = Data("kube-system\tbuilder-token\tkubernetes.io/service-account-token\tbuilder\ndev\tdb\tOpaque\t\n".utf8)
  let list = try #require(
    try JSONSerialization.jsonObject(with: ClusterSource.secretList(listing)) as? [String: Any])
  #expect(list["kind"] as? String == "List")
  let items = try #require(list["items"] as? [[String: Any]])
  try #require(items.count == 2)
  let first = try #require(items[0]["metadata"] as? [String: Any])
  #expect(items[0]["kind"] as? String == "Secret")
  #expect(items[0]["type"] as? String == "kubernetes.io/service-account-token")
  #expect(first["namespace"] as? String == "kube-system" && first["name"] as? String == "builder-token")
  #expect((first["annotations"] as? [String: String]) == ["kubernetes.io/service-account.name": "builder"])
  let second = try #require(items[1]["metadata"] as? [String: Any])
  #expect(second["annotations"] == nil, "an empty account is no annotation")
  // Nothing but metadata and type: no data, no stringData.
  #expect(items.allSatisfy { Set($0.keys) == ["apiVersion", "kind", "metadata", "type"] })
}

@Test func aSecretLineWithoutFourFieldsIsUnreadableOutput() {
  var listing = call(stderr: "", status: .exited(0))
  listing.stdout = Data("kube-system\tbuilder-token\tOpaque\n".utf8)
  #expect(
    throws: ClusterError.unreadableOutput(
      command: "kubectl get secrets --all-namespaces",
      detail: "expected namespace, name, type and account separated by tabs")
  ) { try ClusterSource.secretList(listing) }
}
