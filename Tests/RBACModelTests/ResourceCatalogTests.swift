// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import Testing

@Test(arguments: [
  ("po", "", "pods", "", true),
  ("pod", "", "pods", "", true),
  ("pods/exec", "", "pods", "exec", true),
  ("deploy", "apps", "deployments", "", true),
  ("deployments.apps", "apps", "deployments", "", true),
  ("deployments.v1.apps", "apps", "deployments", "", true),
  ("sa", "", "serviceaccounts", "", true),
  ("serviceaccounts/token", "", "serviceaccounts", "token", true),
  ("cm", "", "configmaps", "", true),
  ("no", "", "nodes", "", false),
  ("ns", "", "namespaces", "", false),
  ("csr", "certificates.k8s.io", "certificatesigningrequests", "", false),
  ("clusterroles.rbac.authorization.k8s.io", "rbac.authorization.k8s.io", "clusterroles", "", false),
  ("events", "", "events", "", true),  // the core group wins over events.k8s.io, as kubectl's discovery order
  ("events.events.k8s.io", "events.k8s.io", "events", "", true),
])
func builtInResources(argument: String, group: String, resource: String, subresource: String, namespaced: Bool) {
  let r = ResourceCatalog().resolve(argument)
  #expect(r.group == group && r.resource == resource && r.subresource == subresource)
  #expect(r.namespaced == namespaced)
  #expect(!r.assumed)
}

@Test func unknownResourcesAreTakenAtTheirWord() {
  let crd = ResourceCatalog().resolve("widgets.v1beta2.example.com")
  #expect(crd.group == "example.com" && crd.resource == "widgets" && crd.namespaced && crd.assumed)
  let bare = ResourceCatalog().resolve("widgets", subresource: "status")
  #expect(bare.group == "" && bare.resource == "widgets" && bare.subresource == "status" && bare.assumed)
}
