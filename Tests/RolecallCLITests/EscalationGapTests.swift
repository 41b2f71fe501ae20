// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

// The nine kinds of path the graph once missed or invented (fixtures/cases/escalation-gaps), each laid over the same
// base cluster, asked of every command that answers "can the attacker get there": paths, audit, check no-path and
// diff must give the same steps. A step is one primitive used, however many requests it takes (write a binding and
// use it; relabel a Namespace and run the pod); leaving a hub (sa:N:*, pods:N, a bound role) is not a step.

struct EscalationGap: Sendable, CustomTestStringConvertible {
  var file: String
  /// Steps from sa:dev:attacker to cluster-admin and to node; nil: unreachable.
  var admin: Int?
  var node: Int?
  /// The primitives of the first path to the target the case is about.
  var primitives: [String]
  var target: String

  var testDescription: String { file }
}

private let gaps: [EscalationGap] = [
  EscalationGap(
    file: "1-node-takeover-without-automount.yaml", admin: 3, node: 1,
    primitives: ["privileged-pod", "node-takeover", "wildcard-admin"], target: "cluster-admin"),
  EscalationGap(file: "2-namespace-relabel.yaml", admin: nil, node: 1, primitives: ["privileged-pod"], target: "node"),
  EscalationGap(file: "3-escalate-own-role.yaml", admin: nil, node: 1, primitives: ["escalate", "privileged-pod"], target: "node"),
  EscalationGap(
    file: "4-admin-reaches-node.yaml", admin: 2, node: 2, primitives: ["impersonate", "privileged-group"], target: "node"),
  EscalationGap(file: "5-list-by-name.yaml", admin: 2, node: 2, primitives: ["secret-read", "wildcard-admin"], target: "cluster-admin"),
  EscalationGap(
    file: "6-impersonate-group-via-account.yaml", admin: 2, node: 2, primitives: ["impersonate", "privileged-group"],
    target: "cluster-admin"),
  EscalationGap(
    file: "7-bind-any-clusterrole.yaml", admin: 2, node: 1,
    primitives: ["bind", "workload-create", "any-account", "any-account", "wildcard-admin"], target: "cluster-admin"),
  EscalationGap(file: "8-ephemeral-debug-container.yaml", admin: nil, node: 1, primitives: ["pod-exec"], target: "node"),
  EscalationGap(file: "9-update-binding-is-not-create.yaml", admin: nil, node: nil, primitives: [], target: "cluster-admin"),
]

private func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

@Test(arguments: gaps)
func everyCommandAgreesOnAnEscalationGap(_ gap: EscalationGap) throws {
  let db = try temporaryDirectory().appendingPathComponent("gap.db").path
  let dir = "fixtures/cases/escalation-gaps/"
  #expect(try runRolecall(["ingest", dir + "base.yaml", dir + "0-dev.yaml", "--snapshot", "before", "--db", db, "-q"]).status == 0)
  #expect(try runRolecall(["ingest", dir + "base.yaml", dir + gap.file, "--snapshot", "case", "--db", db, "-q"]).status == 0)
  let attacker = "sa:dev:attacker"
  for (target, expected) in [("cluster-admin", gap.admin), ("node", gap.node)] {
    // paths: the steps of its first path, counted as it prints them.
    let paths = try runRolecall(["paths", "--from", attacker, "--to", target, "--snapshot", "case", "--db", db])
    if let expected {
      #expect(paths.stdout.contains("-> \(target) in \(expected) step(s)"), "\(gap.file) paths to \(target): \(paths.stdout)")
    } else {
      #expect(paths.stdout.contains("cannot reach \(target)"), "\(gap.file) paths to \(target): \(paths.stdout)")
    }
    // check no-path: fails exactly when there is a path, and says how long.
    let policy = try temporaryDirectory().appendingPathComponent("policy.yaml")
    try "- name: the attacker stays put\n  no-path: {from: \"\(attacker)\", to: \(target)}\n".write(
      to: policy, atomically: true, encoding: .utf8)
    let check = try runRolecall(["check", policy.path, "--snapshot", "case", "--db", db])
    #expect(check.status == (expected == nil ? 0 : 1), "\(gap.file) check no-path to \(target): \(check.stdout)")
    if let expected { #expect(check.stdout.contains("reaches \(target) in \(expected) step(s)"), "\(check.stdout)") }
    // diff: the attacker's path appeared with the same length (there was none before).
    let diff = try json(try runRolecall(["diff", "before", "case", "-o", "json", "--db", db]).stdout) as? [String: Any]
    let changes = (diff?["paths"] as? [[String: Any]] ?? []).filter {
      $0["identity"] as? String == attacker && $0["target"] as? String == target
    }
    #expect(changes.first?["stepsAfter"] as? Int == expected, "\(gap.file) diff to \(target)")
  }
  // audit: the attacker's steps to cluster-admin, or its finding that it reaches a node.
  let audit = try json(try runRolecall(["audit", "-o", "json", "--snapshot", "case", "--db", db]).stdout) as? [String: Any]
  let entry = (audit?["entries"] as? [[String: Any]] ?? []).first { $0["identity"] as? String == attacker }
  #expect(entry?["stepsToClusterAdmin"] as? Int == gap.admin, "\(gap.file) audit")
  let findings = (entry?["findings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
  #expect(findings.contains("reaches-node") == (gap.admin == nil && gap.node != nil), "\(gap.file) audit: \(findings)")
  // The path itself, primitive by primitive.
  let path = try json(try runRolecall(["paths", "--from", attacker, "--to", gap.target, "-o", "json", "--snapshot", "case", "--db", db]).stdout)
  let steps = ((path as? [String: Any])?["paths"] as? [[String: Any]])?.first?["steps"] as? [[String: Any]] ?? []
  #expect(steps.compactMap { $0["primitive"] as? String } == gap.primitives, "\(gap.file)")
}
