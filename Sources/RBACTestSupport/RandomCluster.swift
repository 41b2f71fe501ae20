// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// A small random cluster with the objects escalation depends on: Pod Security labels, pods and controllers with
/// and without token mounts, token and Opaque secrets, and roles drawn from the escalation primitives' shapes.
public struct RandomCluster {
  public let namespaces = ["dev", "prod", "kube-system", "ops"]
  public let accounts = ["default", "app", "ci"]
  public let users = ["alice", "bob", "carol"]
  public let groups = ["devs", "ops", "system:masters"]
  public var objects = ClusterObjects()
  public var clusterRoles: [ClusterRole] = []
  public var roles: [Role] = []
  public var clusterRoleBindings: [ClusterRoleBinding] = []
  public var roleBindings: [RoleBinding] = []
  /// Every name a rule's resourceNames may hold: the objects' own, and some that name nothing.
  public var names: [String] = []

  public static let shapes: [(group: String, resource: String)] = [
    ("", "pods"), ("", "pods/exec"), ("", "pods/attach"), ("", "pods/ephemeralcontainers"), ("", "secrets"),
    ("", "serviceaccounts"), ("", "serviceaccounts/token"), ("", "users"), ("", "groups"), ("", "nodes/proxy"),
    ("", "namespaces"), ("apps", "deployments"), ("apps", "daemonsets"), ("apps", "statefulsets"), ("batch", "jobs"),
    ("batch", "cronjobs"), ("rbac.authorization.k8s.io", "rolebindings"),
    ("rbac.authorization.k8s.io", "clusterrolebindings"), ("rbac.authorization.k8s.io", "roles"),
    ("rbac.authorization.k8s.io", "clusterroles"), ("certificates.k8s.io", "certificatesigningrequests"),
    ("certificates.k8s.io", "certificatesigningrequests/approval"), ("certificates.k8s.io", "signers"),
    ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"), ("", "configmaps"), ("*", "*"),
  ]
  public static let verbs = [
    "get", "list", "watch", "create", "update", "patch", "impersonate", "bind", "escalate", "approve", "*",
  ]
  public static let kinds = ["Pod", "Pod", "Pod", "Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob"]

  public init(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    func pick<T>(_ list: [T]) -> T { list.randomElement(using: &rng)! }
    for ns in namespaces {
      let level = pick([nil, nil, "restricted", "baseline", "privileged"])
      objects.namespaces.append(
        Namespace(name: ns, labels: level.map { ["pod-security.kubernetes.io/enforce": $0] } ?? [:]))
      for sa in accounts {
        objects.serviceAccounts.append(
          ServiceAccount(namespace: ns, name: sa, automountServiceAccountToken: chance(0.2) ? false : nil))
        if chance(0.3) {
          objects.secrets.append(
            SecretMetadata(
              namespace: ns, name: "\(sa)-token", type: SecretMetadata.serviceAccountTokenType, serviceAccountName: sa))
        }
      }
      if chance(0.5) { objects.secrets.append(SecretMetadata(namespace: ns, name: "db-creds", type: "Opaque")) }
      for i in 0..<Int.random(in: 0...4, using: &rng) {
        let kind = pick(Self.kinds)
        objects.workloads.append(
          Workload(
            kind: kind, namespace: ns, name: "\(kind.lowercased())-\(i)", serviceAccount: pick(accounts),
            automountServiceAccountToken: chance(0.3) ? false : nil, onEveryNode: kind == "DaemonSet",
            privileged: chance(0.15), hostPath: chance(0.05)))
      }
    }
    names =
      ["ghost", "kubernetes.io/kube-apiserver-client", "kubernetes.io/*", "aws-auth", "db-creds", "podmaker", "r0"]
      + accounts + users + groups + namespaces + objects.workloads.map(\.name) + objects.secrets.map(\.name)
    func randomRule() -> PolicyRule {
      let (group, resource) = pick(Self.shapes)
      var verbs = (0..<Int.random(in: 1...3, using: &rng)).map { _ in pick(Self.verbs) }
      if chance(0.3) { verbs = ["create", "update", "patch"] }
      let resourceNames = chance(0.3) ? (0..<Int.random(in: 1...2, using: &rng)).map { _ in pick(names) } : []
      return PolicyRule(
        verbs: Array(Set(verbs)).sorted(), apiGroups: [chance(0.05) ? "apps" : group], resources: [resource],
        resourceNames: resourceNames)
    }
    func rules() -> [PolicyRule] { (0..<Int.random(in: 1...3, using: &rng)).map { _ in randomRule() } }
    clusterRoles = [
      ClusterRole(name: "cluster-admin", rules: [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])]),
      ClusterRole(name: "podmaker", rules: [PolicyRule(verbs: ["create"], apiGroups: [""], resources: ["pods"])]),
      ClusterRole(name: "named", rules: [PolicyRule(verbs: ["bind"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], resourceNames: ["podmaker"])]),
    ] + (0..<3).map { ClusterRole(name: "c\($0)", rules: rules()) }
    for ns in namespaces { roles += (0..<2).map { Role(namespace: ns, name: "r\($0)", rules: rules()) } }
    func randomSubject(_ ns: String) -> Subject {
      switch Int.random(in: 0..<10, using: &rng) {
      case 0..<5: return .serviceAccount(chance(0.7) ? ns : pick(namespaces), pick(accounts))
      case 5..<7: return .user(pick(users))
      case 7..<9: return .group(pick(groups.filter { $0 != UserInfo.mastersGroup }))
      default: return .group(pick(["system:serviceaccounts:\(ns)", "system:serviceaccounts", "system:authenticated"]))
      }
    }
    // Every user is named by some binding, so every name a rule may impersonate is an identity of the snapshot.
    clusterRoleBindings.append(
      ClusterRoleBinding(
        name: "everyone", roleRef: RoleRef(kind: .clusterRole, name: "none"), subjects: users.map { .user($0) }))
    // One account that is cluster-admin, as every cluster has one: reaching it is reaching cluster-admin.
    clusterRoleBindings.append(
      ClusterRoleBinding(
        name: "powerful", roleRef: RoleRef(kind: .clusterRole, name: "cluster-admin"),
        subjects: [.serviceAccount("kube-system", pick(accounts))]))
    for i in 0..<Int.random(in: 1...3, using: &rng) {
      let role = pick(clusterRoles.dropFirst().map(\.name))
      clusterRoleBindings.append(
        ClusterRoleBinding(
          name: "crb\(i)", roleRef: RoleRef(kind: .clusterRole, name: role),
          subjects: (0..<Int.random(in: 1...2, using: &rng)).map { _ in randomSubject(pick(namespaces)) }))
    }
    for ns in namespaces {
      for i in 0..<Int.random(in: 1...3, using: &rng) {
        let ref =
          chance(0.6)
          ? RoleRef(kind: .role, name: pick(["r0", "r1"])) : RoleRef(kind: .clusterRole, name: pick(clusterRoles.map(\.name)))
        roleBindings.append(
          RoleBinding(
            namespace: ns, name: "rb\(i)", roleRef: ref,
            subjects: (0..<Int.random(in: 1...2, using: &rng)).map { _ in randomSubject(ns) }))
      }
    }
  }

  public var policy: Policy {
    staticPolicy(
      clusterRoles: clusterRoles, roles: roles, clusterRoleBindings: clusterRoleBindings, roleBindings: roleBindings)
  }
}

