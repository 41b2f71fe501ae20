// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// The kinds whose objects make pods, and the verbs that set the pod template: (group, resource, verbs).
/// A Job's template is immutable, so only `create` counts for it.
let podMakingResources: [(group: String, resource: String, kind: String, verbs: [String])] = [
  ("", "pods", "Pod", ["create"]),
  ("apps", "deployments", "Deployment", ["create", "update", "patch"]),
  ("apps", "replicasets", "ReplicaSet", ["create", "update", "patch"]),
  ("apps", "statefulsets", "StatefulSet", ["create", "update", "patch"]),
  ("apps", "daemonsets", "DaemonSet", ["create", "update", "patch"]),
  ("batch", "jobs", "Job", ["create"]),
  ("batch", "cronjobs", "CronJob", ["create", "update", "patch"]),
  ("", "replicationcontrollers", "ReplicationController", ["create", "update", "patch"]),
]

extension IdentityContext {
  /// Where the identity can make pods: everywhere (a ClusterRoleBinding's create), or per namespace. `create`
  /// needs no name; updating an existing object is checked against its name, as resourceNames may limit it.
  func podMaking() -> (cluster: Grant?, namespaces: [(namespace: String, grant: Grant)]) {
    var found: [String: Grant] = [:]
    for (group, resource, kind, verbs) in podMakingResources {
      let create = unrestrictedScopes(["create"], group, resource)
      if let grant = create.cluster { return (grant, []) }
      for (ns, grant) in create.namespaces where found[ns] == nil { found[ns] = grant }
      guard verbs.contains("update"), mentions("update", group, resource) || mentions("patch", group, resource) else {
        continue
      }
      for (ns, workloads) in cluster.workloads where found[ns] == nil {
        for workload in workloads where workload.kind == kind {
          if let grant = anyGrant(["update", "patch"], group, resource, name: workload.name, in: ns) {
            found[ns] = grant
            break
          }
        }
      }
    }
    return (nil, found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
  }
}

extension Primitive {
  /// A pod may name any service account of its namespace, and so may a controller's pod template; the pod then
  /// carries that account's token.
  static let workloadCreate = Primitive(
    id: "workload-create", title: "Run pods as any service account",
    condition: "in N: create pods, or create/update/patch deployments, replicasets, statefulsets, daemonsets (apps), "
      + "cronjobs (batch), replicationcontrollers, or create jobs (batch)",
    yields: "every service account of N (a pod can name any of them and mount its token)",
    reference: "kubernetes.io RBAC good practices: workload creation"
  ) { context in
    let scopes = context.podMakingScopes
    if let grant = scopes.cluster { return [context.toAccounts(of: nil, "workload-create", [Evidence(grant)])] }
    return scopes.namespaces.map { context.toAccounts(of: $0.namespace, "workload-create", [Evidence($0.grant)]) }
  }
}
