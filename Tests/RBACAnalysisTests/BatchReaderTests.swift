// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACAnalysis
import RBACModel
import RBACTestSupport
import Testing

/// The reader of `can-i --batch`: JSON Lines in, the same objects with `allowed` added out, in order; a line that is
/// not a request fails the whole batch with an error naming its line, before anything is written.

/// alice may get and list pods anywhere; the group `probes` may get /healthz; nobody else may do anything.
private let policy = staticPolicy(
  clusterRoles: [
    ClusterRole(name: "pod-reader", rules: [rule("get,list", groups: "", resources: "pods")]),
    ClusterRole(name: "health", rules: [rule("get", urls: "/healthz")]),
  ],
  clusterRoleBindings: [
    clusterRoleBinding("alice-reads-pods", role: "pod-reader", "User:alice"),
    clusterRoleBinding("probes-health", role: "health", "Group:probes"),
  ])

/// Runs the batch and returns everything it wrote, or rethrows its error.
private func canI(_ text: String) throws -> (output: String, writes: Int) {
  var out: [UInt8] = []
  var writes = 0
  try Batch.canI(Data(text.utf8), policy: { policy }) { bytes in
    out += bytes
    writes += 1
  }
  return (String(decoding: out, as: UTF8.self), writes)
}

/// Each output line decoded as a JSON object.
private func objects(_ output: String) throws -> [[String: Any]] {
  try output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
    let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(line)")
  }
}

@Test func goodLinesAreAnsweredInOrderWithTheirOwnMembersKept() throws {
  // The fast path (flat strings), JSONDecoder's path (an escape, a null, a number of an unknown member), a list of
  // groups, a non-resource URL, blank lines, CRLF endings and stray spaces around an object.
  let input = [
    #"{"user":"alice","verb":"get","resource":"pods","namespace":"prod","id":"a"}"#,
    "",
    #"{"user":"bob","verb":"get","resource":"pods","namespace":"prod","id":"b"}"#,
    #"  { "user" : "al\u0069ce", "verb": "list", "resource": "pods", "name": null, "seq": 4 }  "# + "\r",
    "   ",
    #"{"user":"carol","groups":["devs","probes"],"verb":"get","nonResourceURL":"/healthz","id":"d"}"#,
    #"{"user":"carol","groups":["devs"],"verb":"get","nonResourceURL":"/healthz","id":"e"}"#,
    #"{"user":"alice","verb":"delete","apiGroup":"","resource":"pods","namespace":"prod","id":"f"}"#,
    #"{"user":"alice","verb":"get","apiGroup":"apps","resource":"deployments","namespace":"prod","id":"g"}"#,
  ].joined(separator: "\n")
  let (output, _) = try canI(input)
  #expect(output.hasSuffix("\n"))
  let answers = try objects(output)
  try #require(answers.count == 7, "one answer per non-blank line:\n\(output)")
  #expect(answers.map { $0["allowed"] as? Bool } == [true, false, true, true, false, false, false])
  // The input's own members come back untouched, in input order.
  #expect(answers.map { ($0["id"] as? String) ?? "" } == ["a", "b", "", "d", "e", "f", "g"])
  #expect(answers[2]["user"] as? String == "alice" && answers[2]["seq"] as? Int == 4)
  #expect(answers[2]["name"] is NSNull)
  #expect(answers[3]["groups"] as? [String] == ["devs", "probes"])
  // Only `allowed` is added.
  #expect(Set(answers[0].keys) == ["user", "verb", "resource", "namespace", "id", "allowed"])
}

@Test func anEmptyObjectIsAnsweredAsARequestWithoutAVerbAndFails() throws {
  let error = #expect(throws: Batch.BatchError.self) { try canI("{}\n") }
  #expect(error?.line == 1)
  #expect(error?.message == "field verb: required")
}

@Test func theAllowedMemberIsAppendedInsideTheClosingBrace() throws {
  // Appended bytes, not a re-encoding: spacing inside the object is kept, and the answer goes before the last `}`.
  let (output, _) = try canI(#"{"user": "alice", "verb": "get", "resource": "pods" }   "#)
  #expect(output == #"{"user": "alice", "verb": "get", "resource": "pods","allowed":true}"# + "\n")
}

@Test(arguments: [
  // (input, the line named, the message)
  ("{\"user\":\"alice\",\"verb\":\"get\",\"resource\":\"pods\"}\n{\"verb\": \"get\", \"resource\": \n", 2, "not a JSON object"),
  ("{\"user\":\"alice\",\"verb\":\"get\",\"resource\":\"pods\"}\n\n\nnot json at all\n", 4, "not a JSON object"),
  ("\n{\"verb\": 7, \"resource\": \"pods\"}\n", 2, "field verb: wrong type"),
  ("{\"verb\":\"get\",\"resource\":\"pods\",\"groups\":\"devs\"}\n", 1, "field groups: wrong type"),
  ("{\"user\":\"alice\",\"resource\":\"pods\"}\n", 1, "field verb: required"),
  ("{\"user\":\"alice\",\"verb\":\"\",\"resource\":\"pods\"}\n", 1, "field verb: required"),
  ("{\"verb\":\"get\"}\n", 1, "field resource (or nonResourceURL): required"),
  ("{\"verb\":\"get\",\"resource\":\"pods\",\"nonResourceURL\":\"/healthz\"}\n", 1,
   "a line has either resource or nonResourceURL, not both"),
  // JSON, but not an object: no field to name.
  ("[{\"verb\":\"get\",\"resource\":\"pods\"}]\n", 1, "not a JSON object"),
  ("\"hello\"\n", 1, "not a JSON object"),
  ("42\n", 1, "not a JSON object"),
])
func aBadLineFailsTheWholeBatchNamingItsLine(input: String, line: Int, message: String) throws {
  // A good line before the bad one: nothing at all may be written, not even its answer.
  var written: [UInt8] = []
  let error = #expect(throws: Batch.BatchError.self) {
    try Batch.canI(Data(input.utf8), policy: { policy }) { written += $0 }
  }
  #expect(error?.line == line)
  #expect(error?.message == message)
  #expect(error?.description == "line \(line): \(message)")
  #expect(written.isEmpty, "a failed batch wrote \(String(decoding: written, as: UTF8.self))")
}

@Test func aMalformedLineAfterManyGoodOnesIsNamed() throws {
  // Beyond the 64 KiB at which answers are flushed: still nothing is written before the bad line is found.
  let good = #"{"user":"alice","verb":"get","resource":"pods","namespace":"prod"}"#
  let lines = Array(repeating: good, count: 3000) + [#"{"user":"alice","verb":"get","resource":"pods""#]
  var written = 0
  let error = #expect(throws: Batch.BatchError.self) {
    try Batch.canI(Data(lines.joined(separator: "\n").utf8), policy: { policy }) { written += $0.count }
  }
  #expect(error?.line == 3001)
  #expect(written == 0)
}

@Test(arguments: ["", "\n", "\n\n  \n\t\r\n", "   "])
func emptyInputAnswersNothing(input: String) throws {
  let (output, _) = try canI(input)
  #expect(output.isEmpty)
}

@Test func aLongBatchIsWrittenWholeAndInOrder() throws {
  // More than one 64 KiB flush: the pieces join into exactly one answer per line, in order.
  let lines = (0..<4000).map { i in
    #"{"user":"\#(i.isMultiple(of: 3) ? "bob" : "alice")","verb":"get","resource":"pods","namespace":"n\#(i)"}"#
  }
  let (output, writes) = try canI(lines.joined(separator: "\n") + "\n")
  #expect(writes > 1)
  let answers = try objects(output)
  try #require(answers.count == 4000)
  for (i, answer) in answers.enumerated() {
    #expect(answer["namespace"] as? String == "n\(i)")
    #expect(answer["allowed"] as? Bool == !i.isMultiple(of: 3))
  }
}
