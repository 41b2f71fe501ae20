// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// A synthetic cluster as one `kubectl get -o json` List, big enough that ingesting it takes a while: for each of
/// `namespaces` namespaces, the Namespace, two ServiceAccounts, a Role and two RoleBindings; and `namespaces / 20`
/// ClusterRoles, each with a ClusterRoleBinding.
public struct SyntheticCluster {
  public let namespaces: Int
  public var clusterRoles: Int { namespaces / 20 }

  public init(namespaces: Int) { self.namespaces = namespaces }

  /// The counts `rolecall snapshots -o json` reports for it.
  public var counts: [String: Int] {
    [
      "namespaces": namespaces, "serviceAccounts": 2 * namespaces, "roles": namespaces, "roleBindings": 2 * namespaces,
      "clusterRoles": clusterRoles, "clusterRoleBindings": clusterRoles,
    ]
  }

  public var json: Data {
    let rbac = "\"apiVersion\":\"rbac.authorization.k8s.io/v1\""
    var items: [String] = []
    for i in 0..<namespaces {
      let ns = "ns-\(i)"
      items.append("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"\(ns)\"}}")
      for sa in ["app", "ci"] {
        items.append("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"\(sa)\",\"namespace\":\"\(ns)\"}}")
      }
      items.append(
        "{\(rbac),\"kind\":\"Role\",\"metadata\":{\"name\":\"deploy\",\"namespace\":\"\(ns)\"},\"rules\":["
          + "{\"apiGroups\":[\"\",\"apps\"],\"resources\":[\"pods\",\"deployments\",\"configmaps\"],"
          + "\"verbs\":[\"get\",\"list\",\"create\",\"update\"]}]}")
      items.append(
        "{\(rbac),\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"ci-deploy\",\"namespace\":\"\(ns)\"},"
          + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"deploy\"},"
          + "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"ci\",\"namespace\":\"\(ns)\"}]}")
      items.append(
        "{\(rbac),\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"team-view\",\"namespace\":\"\(ns)\"},"
          + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"reader-\(i % max(1, clusterRoles))\"},"
          + "\"subjects\":[{\"kind\":\"Group\",\"name\":\"team-\(i)\"},{\"kind\":\"ServiceAccount\",\"name\":\"app\",\"namespace\":\"\(ns)\"}]}")
    }
    for i in 0..<clusterRoles {
      items.append(
        "{\(rbac),\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"reader-\(i)\"},\"rules\":["
          + "{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"services\"],\"verbs\":[\"get\",\"list\",\"watch\"]}]}")
      items.append(
        "{\(rbac),\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"reader-\(i)\"},"
          + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"reader-\(i)\"},"
          + "\"subjects\":[{\"kind\":\"Group\",\"name\":\"readers-\(i)\"}]}")
    }
    return Data(("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n" + items.joined(separator: ",\n") + "\n]}\n").utf8)
  }
}
