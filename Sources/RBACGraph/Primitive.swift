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
  ] + [.nodeTakeover, .adminNode, .awsAuthMapping, .anyAccount, .anyPod, .tokenSecret, .anyIdentity, .anyRoleInNamespace, .podCode]

  /// How a hub's own entries are justified: they are rolecall's, not Kubernetes'.
  static let oneStepForMany = "rolecall: one step stands for many, so that a cluster-wide grant is one edge"

  /// The step from "any service account of N" (or of every namespace) to each one.
  static let anyAccount = Primitive(
    id: "any-account", title: "Any service account",
    condition: "a power over every service account of N (sa:N:*), or of every namespace (sa:*:*)",
    yields: "each service account of N that the snapshot shows (as an object, a binding subject or a pod's account)",
    reference: oneStepForMany
  )

  /// The step from "every user" or "every group" to each one the snapshot names.
  static let anyIdentity = Primitive(
    id: "any-identity", title: "Any user or group",
    condition: "a power over every user (user:*) or every group but system:masters (group:*)",
    yields: "each user or group the snapshot names (a binding subject, an aws-auth entry)",
    reference: oneStepForMany
  )

  /// The step from the roles a grant in every namespace lets one bind to those of each namespace.
  static let anyRoleInNamespace = Primitive(
    id: "any-role", title: "Any role, namespace by namespace",
    condition: "bind any Role of each namespace, or add a subject to any RoleBinding, in every namespace "
      + "(roles:roles@*, roles:bindings@*, roles:clusterrole-bindings@*)",
    yields: "the same in each namespace that holds such a role or binding (roles:KIND@N): a RoleBinding's rules hold "
      + "in its namespace only, so every namespace's part is decided on its own",
    reference: oneStepForMany
  )

  /// The step from "code in every pod" to the pods of each namespace.
  static let anyPod = Primitive(
    id: "any-pod", title: "Any running pod",
    condition: "a power over every pod of every namespace (pods:*)",
    yields: "the pods of each namespace that runs some (pods:N)",
    reference: oneStepForMany
  )

  /// The step from reading a namespace's secrets to the accounts whose token secrets are among them.
  static let tokenSecret = Primitive(
    id: "token-secret", title: "Token secrets read",
    condition: "every secret of N can be read (secrets:N), or of every namespace (secrets:*)",
    yields: "each service account of N that a kubernetes.io/service-account-token Secret belongs to",
    reference: "kubernetes.io RBAC good practices: listing secrets; pre-1.24 long-lived token secrets"
  )

  /// Cluster-admin is allowed everything, so it may also run a privileged pod on a node of its choice.
  static let adminNode = Primitive(
    id: "admin-node", title: "Cluster-admin is root on any node",
    condition: "cluster-admin",
    yields: "node: a privileged pod pinned to any node",
    reference: "kubernetes.io RBAC good practices: workload creation, node escalation"
  )

  /// The step from code in a namespace's pods to what those pods carry.
  static let podCode = Primitive(
    id: "pod-code", title: "What running pods carry",
    condition: "code runs in the pods of N (pods:N)",
    yields: "the service account of each pod that mounts its token; node, for a privileged, hostPID or hostPath pod",
    reference: "kubernetes.io RBAC good practices"
  )
}

extension Primitive {
  /// An entry whose edges leave a target, a hub or an aws-auth identity, not an identity's grants: the graph
  /// computes them (``EscalationGraph``), and the entry says what they mean.
  init(id: String, title: String, condition: String, yields: String, reference: String) {
    self.init(id: id, title: title, condition: condition, yields: yields, reference: reference) { _ in [] }
  }
}
