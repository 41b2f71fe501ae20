// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

extension Primitive {
  /// The TokenRequest API mints a token for any existing service account the caller may `create
  /// serviceaccounts/token` on.
  static let tokenRequest = Primitive(
    id: "token-request", title: "Mint service-account tokens",
    condition: "create serviceaccounts/token in N (resourceNames = service account names)",
    yields: "a token of each allowed service account in N",
    reference: "kubernetes.io RBAC good practices; TokenRequest API"
  ) { context in
    context.accountEdges("create", "serviceaccounts", subresource: "token", "token-request")
  }
}
