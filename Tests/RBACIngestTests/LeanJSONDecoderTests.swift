// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
@testable import RBACIngest
import RBACTestSupport
import Testing
import Yams

// Large List documents are decoded by LeanJSONDecoder, falling back to JSONDecoder on any error for its wording. So
// the two must agree: the same objects from every fixture, and an error from the lean decoder wherever JSONDecoder
// refuses a document (or the bad document would be taken).

/// The decoded objects written out in full, to compare two decodes (the Raw types are not Equatable): every field
/// by name, dictionaries in key order, which their iteration is not.
private func dumped(_ value: Any) -> String {
  let mirror = Mirror(reflecting: value)
  if mirror.children.isEmpty && mirror.displayStyle != .collection && mirror.displayStyle != .dictionary {
    return String(reflecting: value)
  }
  var parts = mirror.children.map { ($0.label.map { $0 + ": " } ?? "") + dumped($0.value) }
  if mirror.displayStyle == .dictionary { parts.sort() }
  return "\(mirror.subjectType)(" + parts.joined(separator: ", ") + ")"
}

private func lean(_ json: Data) throws -> [Manifest] {
  try json.withUnsafeBytes { raw in
    try LeanJSONDecoder.decode([Manifest].self, from: raw.bindMemory(to: UInt8.self))
  }
}

/// Every document of every YAML and JSON fixture, as the JSON kubectl would send for it.
private func fixtureDocuments() throws -> [(name: String, json: Data)] {
  let root = URL(fileURLWithPath: fixture(""))
  let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
    .filter { ["yaml", "yml", "json"].contains($0.pathExtension) && !$0.path.contains("/bad/") }
    .sorted { $0.path < $1.path }
  var documents: [(String, Data)] = []
  for file in files {
    let data = try Data(contentsOf: file)
    if file.pathExtension == "json" {
      documents.append((file.lastPathComponent, data))
      continue
    }
    guard let text = String(data: data, encoding: .utf8), let parser = try? Parser(yaml: text) else { continue }
    var n = 0
    while let node = try? parser.nextRoot() {
      n += 1
      guard case .mapping = node, let json = try? YAMLToJSON.convert(node, documentBytes: data.count) else { continue }
      documents.append(("\(file.lastPathComponent)#\(n)", json))
    }
  }
  return documents
}

@Test func leanDecoderReadsEveryFixtureAsJSONDecoderDoes() throws {
  let documents = try fixtureDocuments()
  #expect(documents.count > 300)
  var compared = 0
  for (name, json) in documents {
    let array = Data("[".utf8) + json + Data("]".utf8)
    let expected = try? JSONDecoder().decode([Manifest].self, from: array)
    let got = try? lean(array)
    #expect((expected == nil) == (got == nil), "\(name)")
    if let expected, let got {
      #expect(dumped(got) == dumped(expected), "\(name)")
      compared += 1
    }
  }
  #expect(compared > 300)
}

/// One object of each kind rolecall reads, with every field it reads and some it does not.
private let sample = #"""
  [
   {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "agg", "labels": {"a": "b"}},
    "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"x": "y"}, "matchExpressions": [{"key": "k", "operator": "In", "values": ["v"]}]}]},
    "rules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["p"]}, {"verbs": ["get"], "nonResourceURLs": ["/x"]}]},
   {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "ns", "annotations": {"n": "o"}},
    "rules": [{"verbs": ["create", "patch"], "apiGroups": ["apps"], "resources": ["deployments"]}]},
   {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb", "namespace": "ns"},
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
    "subjects": [{"kind": "ServiceAccount", "name": "sa", "namespace": "ns"}, {"kind": "User", "name": "u\u00e9\ud83d\ude00"}]},
   {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa", "namespace": "ns"}, "automountServiceAccountToken": false},
   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns", "labels": {"pod-security.kubernetes.io/enforce": "baseline"}}},
   {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns", "uid": 7},
    "spec": {"serviceAccountName": "sa", "hostPID": true, "volumes": [{"hostPath": {"path": "/"}}, {"emptyDir": {}}],
     "containers": [{"name": "c", "securityContext": {"privileged": true}, "resources": {"limits": {"cpu": 1.5}}}]}},
   {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj", "namespace": "ns"},
    "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {"serviceAccount": "sa", "nodeName": "n1"}}}}}},
   {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "t", "namespace": "ns", "annotations": {"kubernetes.io/service-account.name": "sa"}},
    "type": "kubernetes.io/service-account-token", "data": {"token": "c2VjcmV0"}},
   {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": {"mapRoles": "- rolearn: x\n"}},
   {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "ws.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "ws", "kind": "W", "shortNames": ["w"]}}},
   {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "in\"list"}}]},
   {"apiVersion": "example.com/v1", "kind": "W", "metadata": {"name": "w"}, "spec": {"n": [1, 2.5e3, -0.1, true, null]}}
  ]
  """#

/// Replacements that change a value's type, its presence or its content.
private let replacements = [
  "1", "-2.5e3", "\"x\"", "\"\"", "null", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\": \"b\"}", "[null]",
  "\"\\u0041\\n\\/\"", "\"\\ud83d\"", "{\"name\": \"n\"}",
]

@Test func leanDecoderRefusesWhatJSONDecoderRefuses() throws {
  let original = Data(sample.utf8)
  #expect(dumped(try lean(original)) == dumped(try JSONDecoder().decode([Manifest].self, from: original)))
  // Every value of the sample, each replaced by each replacement: the two decoders must both fail, or both give
  // the same objects.
  let bytes = [UInt8](original)
  let values = valueRanges(bytes)
  #expect(values.count > 150)
  var refused = 0
  var accepted = 0
  for range in values {
    for replacement in replacements {
      let mutated = Data(bytes[..<range.lowerBound] + Array(replacement.utf8) + bytes[range.upperBound...])
      let expected = try? JSONDecoder().decode([Manifest].self, from: mutated)
      let got = try? lean(mutated)
      #expect((expected == nil) == (got == nil), "\(String(decoding: mutated, as: UTF8.self))")
      if let expected, let got {
        #expect(dumped(got) == dumped(expected))
        accepted += 1
      } else {
        refused += 1
      }
    }
  }
  // Both outcomes are exercised many times over.
  #expect(refused > 300 && accepted > 300)
}

@Test func leanDecoderStopsAtTheEndOfBadSyntax() {
  // JSONCheck reports syntax; the lean decoder must only fail, never read past the end or loop.
  for text in ["[{\"kind\": \"Role\"", "[{\"kind\": \"Ro", "[\"\\", "[{\"a\": [}", "[{\"kind\" 1}]", "[tru", "[", ""] {
    #expect(throws: (any Error).self, "\(text)") { try lean(Data(text.utf8)) }
  }
}

/// The byte range of every value (object member or array element, nested ones too) in a JSON text.
private func valueRanges(_ bytes: [UInt8]) -> [Range<Int>] {
  var found: [Range<Int>] = []
  bytes.withUnsafeBufferPointer { buffer in
    let input = LeanJSONDecoder.Input(buffer)
    func visit(_ at: Int) {
      guard let end = try? input.skipValue(at) else { return }
      if at > 0 { found.append(at..<end) }
      if buffer[at] == UInt8(ascii: "{"), let members = try? input.members(at) {
        for m in members { visit(m.value) }
      } else if buffer[at] == UInt8(ascii: "["), let elements = try? input.elements(at) {
        for e in elements { visit(e) }
      }
    }
    visit(input.skipSpace(0))
  }
  return found
}

@Test func leanDecoderReadsIntegersAndLeavesTheRestToJSONDecoder() throws {
  struct Numbers: Decodable, Equatable {
    var count: Int
    var small: UInt8?
    var list: [Int64]
    var labels: [String: Int]
  }
  func lean(_ text: String) throws -> Numbers {
    try Data(text.utf8).withUnsafeBytes { raw in
      try LeanJSONDecoder.decode(Numbers.self, from: raw.bindMemory(to: UInt8.self))
    }
  }
  let text = #"{"count": -12, "small": 255, "list": [0, 9007199254740993], "labels": {"a": 1}}"#
  #expect(try lean(text) == JSONDecoder().decode(Numbers.self, from: Data(text.utf8)))
  #expect(try lean(text).list == [0, 9_007_199_254_740_993])
  // Out of range, written as a fraction or an exponent, a string, a float field: the lean decoder gives way.
  for bad in [
    #"{"count": 1, "small": 256, "list": [], "labels": {}}"#, #"{"count": 1.0, "list": [], "labels": {}}"#,
    #"{"count": 1e2, "list": [], "labels": {}}"#, #"{"count": "1", "list": [], "labels": {}}"#,
  ] {
    #expect(throws: (any Error).self, "\(bad)") { try lean(bad) }
  }
  struct Ratio: Decodable { var value: Double }
  #expect(throws: (any Error).self) {
    try Data(#"{"value": 0.5}"#.utf8).withUnsafeBytes { raw in
      try LeanJSONDecoder.decode(Ratio.self, from: raw.bindMemory(to: UInt8.self))
    }
  }
}
