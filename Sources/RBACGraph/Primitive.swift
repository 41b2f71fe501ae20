// rolecall — SPDX-License-Identifier: Apache-2.0

/// One way to turn a permission into another identity's power: an entry of the escalation catalog.
///
/// Each primitive lives in its own file under Primitives/, with its exact RBAC condition, what it yields, and the
/// reference it follows; `rolecall primitives` prints the catalog.
public struct Primitive: Sendable {
  /// A stable, kebab-case id used in paths, JSON and baselines.
  public var id: String
  public var title: String
  /// The exact condition, in RBAC terms.
  public var condition: String
  /// What holding it yields.
  public var yields: String
  /// Where the semantics come from.
  public var reference: String
  /// The edges out of an identity; empty when the condition does not hold.
  let edges: @Sendable (IdentityContext) -> [Edge]
  /// The edges out of the two targets and other non-identity nodes (node takeover, aws-auth mappings) are decided
  /// by the graph itself; see ``EscalationGraph``.
  public static let catalog: [Primitive] = [
    .privilegedGroup, .wildcardAdmin, .membership, .impersonate, .tokenRequest, .workloadCreate, .secretRead,
    .secretMint, .podExec, .bind, .escalate, .nodesProxy, .privilegedPod, .csrClientCertificate, .webhookControl,
    .awsAuthEdit,
  ] + [.nodeTakeover, .awsAuthMapping, .anyAccount, .podCode]

  /// The step from "any service account of N" (or of every namespace) to each one.
  static let anyAccount = Primitive(
    id: "any-account", title: "Any service account",
    condition: "a power over every service account of N (sa:N:*), or of every namespace (sa:*:*)",
    yields: "each service account of N that the snapshot shows (as an object, a binding subject or a pod's account)",
    reference: "rolecall: one step stands for many, so that a cluster-wide grant is one edge"
  ) { _ in [] }

  /// The step from code in a namespace's pods to what those pods carry.
  static let podCode = Primitive(
    id: "pod-code", title: "What running pods carry",
    condition: "code runs in the pods of N (pods:N)",
    yields: "the service account of each pod that mounts its token; node, for a privileged, hostPID or hostPath pod",
    reference: "kubernetes.io RBAC good practices"
  ) { _ in [] }
}
