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
  ] + [.nodeTakeover, .awsAuthMapping]
}
