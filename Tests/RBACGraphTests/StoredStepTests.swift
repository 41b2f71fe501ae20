// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
@testable import RBACGraph
import RBACIngest
import RBACModel
import RBACTestSupport
import Testing

// Ingest stores each first step as JSON written by hand (Edge.storedJSON); snapshots written before, and diffs that
// compare stored steps as text, need it to be exactly what JSONEncoder with sorted keys writes.

@Test func storedStepsAreWhatTheEncoderWrites() throws {
  let content = try Ingest.read(paths: [fixture("kubehound-attacks"), fixture("bootstrap/cluster-roles.yaml")])
  let g = EscalationGraph(policy: content.policy(), objects: content.clusterObjects)
  var edges = g.identities.flatMap { g.edges(from: $0) }
  #expect(edges.count > 10)
  let grant = Evidence(binding: #"RoleBinding "a/b""#, role: "Role \"a/c\\d\"", rule: "rule 0 {verbs: [*]}", namespace: "a")
  edges += [
    Edge(from: .user("x/y"), to: .clusterAdmin, primitive: "impersonate", evidence: [grant, .fact("one\ttab")]),
    Edge(from: .user("zoë"), to: .group("é/ü"), primitive: "membership", evidence: [.fact("non-ASCII: ☃")]),
    Edge(from: .user("ctl"), to: .node, primitive: "pod-code", evidence: [.fact("bell \u{7} and del \u{7F}")]),
    Edge(from: .group("g"), to: .node, primitive: "nodes-proxy", evidence: []),
    Edge(from: .group("g"), to: .node, primitive: "nodes-proxy", evidence: [Evidence()]),
  ]
  for edge in edges {
    let hand = try #require(edge.storedJSON)
    #expect(hand == Edge.encoderJSON(edge), "\(edge)")
    #expect(try JSONDecoder().decode(Edge.self, from: Data(hand.utf8)) == edge)
  }
}
