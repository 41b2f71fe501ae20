// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel
import Testing

private let known = KnownIdentities(
  serviceAccounts: [("ci", "builder"), ("prod", "deployer"), ("ci", "builder")],
  users: ["alice", "system:anonymous", "system:serviceaccount:ci:tester"],
  awsAuth: [
    AWSAuthMapping(source: "mapRoles", arn: "arn:aws:iam::1:role/ops", username: "ops", groups: ["ops-team"]),
    AWSAuthMapping(source: "mapUsers", arn: "arn:aws:iam::1:user/root", username: "alice", groups: ["system:masters"]),
  ])

private func names(_ group: String) -> [String] {
  known.members(of: group).map { "\($0.subject.kind.rawValue):\($0.subject.namespace)/\($0.subject.name) \($0.through)" }
}

@Test func serviceAccountGroupsHoldTheAccountsOfTheirNamespaceOnce() {
  #expect(names("system:serviceaccounts:ci") == [
    "ServiceAccount:ci/builder service account", "ServiceAccount:ci/tester service account",
  ])
  #expect(names("system:serviceaccounts").count == 3)
}

@Test func awsAuthGroupsAreExplainedByTheirMapping() {
  #expect(names("ops-team") == ["User:/ops aws-auth mapRoles arn:aws:iam::1:role/ops"])
  #expect(names("system:masters") == ["User:/alice aws-auth mapUsers arn:aws:iam::1:user/root"])
}

@Test func everyoneButAnonymousIsAuthenticated() {
  let authenticated = names("system:authenticated")
  #expect(!authenticated.contains { $0.contains("system:anonymous") })
  #expect(authenticated.filter { $0 == "User:/alice authenticated" }.count == 1)
  #expect(authenticated.contains("User:/ops authenticated"))
  #expect(names("system:unauthenticated") == ["User:/system:anonymous unauthenticated"])
  // A group only an identity provider fills has no member the snapshot can know.
  #expect(names("oidc:devs").isEmpty)
}
