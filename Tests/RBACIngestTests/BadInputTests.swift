// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACIngest
import RBACModel
import RBACTestSupport
import Testing

/// What ingesting `data` as a file named `file` says: the error's one line, or "no error".
private func error(_ data: Data, file: String = "input.yaml") -> String {
  do {
    _ = try Ingest.read(data: data, file: file)
    return "no error"
  } catch {
    return "\(error)"
  }
}

private func error(_ text: String, file: String = "input.yaml") -> String { error(Data(text.utf8), file: file) }

private let role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"

// MARK: - Syntax

@Test func yamlSyntaxErrorsNameTheDocumentAndLine() {
  #expect(
    error("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [Namespace\n")
      == "input.yaml, document 2, line 7: syntax error: while parsing a flow sequence: did not find expected ',' or ']'")
}

@Test func jsonSyntaxErrorsNameTheLine() {
  #expect(error("{\"apiVersion\": \"v1\",\n\"kind\": ", file: "x.json") == "x.json, line 2: syntax error: unexpected end of input: a value is missing")
  #expect(error("{\"kind\": \"Namespace\"}\n{}", file: "x.json") == "x.json, line 2: syntax error: unexpected text after the JSON value")
  #expect(error("{\"kind\": \"a\\qb\"}", file: "x.json") == "x.json, line 1: syntax error: invalid escape \\q in a string")
  #expect(error("{\"kind\": tru}", file: "x.json") == "x.json, line 1: syntax error: unexpected word (expected true)")
  #expect(error("[1,\n2,\n-]", file: "x.json") == "x.json, line 3: syntax error: invalid number: a digit must follow '-'")
  #expect(error("{\"a\" 1}", file: "x.json") == "x.json, line 1: syntax error: expected ':' after an object key")
}

// MARK: - Types

@Test func aNumberIsNotANameInYAMLOrJSON() throws {
  #expect(
    error("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: 5\n")
      == "input.yaml, document 1, field metadata.name (line 4): expected a string")
  #expect(
    error("{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": 5}}", file: "x.json")
      == "x.json, document 1, field metadata.name: expected a string")
  // Quoted, it is a string, as kubectl reads it.
  let quoted = try Ingest.read(data: Data("apiVersion: v1\nkind: Namespace\nmetadata: {name: \"5\"}\n".utf8), file: "q.yaml")
  #expect(quoted.namespaces.map(\.object.name) == ["5"])
}

@Test func aStringWhereAListBelongs() {
  #expect(
    error(
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: a}\n"
        + "roleRef: {kind: ClusterRole, name: x}\nsubjects: alice\n")
      == "input.yaml, document 1, field subjects (line 5): expected a list")
  #expect(
    error(role + "metadata: {name: a}\nrules:\n- verbs: [get]\n  resources: pods\n")
      == "input.yaml, document 1, field rules[0].resources (line 6): expected a list")
}

@Test func aBooleanAndNullKeepTheirYAMLTypes() throws {
  let content = try Ingest.read(
    data: Data("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s, namespace: n, labels: ~}\nautomountServiceAccountToken: no\n".utf8),
    file: "sa.yaml")
  #expect(content.serviceAccounts.map(\.object.automountServiceAccountToken) == [false])
  #expect(
    error("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s}\nautomountServiceAccountToken: maybe\n")
      == "input.yaml, document 1, field automountServiceAccountToken (line 4): expected true or false")
}

// MARK: - Duplicate keys: refused, as kubectl refuses them

@Test func duplicateKeysAreRefusedNamingTheKey() {
  #expect(
    error(role + "metadata: {name: a}\nrules:\n- verbs: [get]\n  resources: [pods]\n  verbs: [list]\n")
      == "input.yaml, document 1, line 5: syntax error: duplicate key \"verbs\" (kubectl refuses duplicate keys too)")
  #expect(
    error("{\"kind\":\"List\",\"items\":[{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\n\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}]}", file: "x.json")
      == "x.json, document 1, field items[0].metadata.name (line 2): duplicate key \"name\" (kubectl refuses duplicate keys too)")
  // The same key, spelled with an escape.
  #expect(error("{\"kind\":\"a\",\"\\u006bind\":\"b\"}", file: "x.json").contains("duplicate key \"kind\""))
  // YAML keeps 1 and "1" apart, but as JSON they are one key.
  #expect(
    error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  1: a\n  \"1\": b\n")
      == "input.yaml, document 1, line 6: syntax error: duplicate key \"1\"")
}

// MARK: - Aliases and merge keys

@Test func aliasesAndMergeKeysWork() throws {
  let content = try Ingest.read(
    data: Data(
      (role + "metadata: {name: a}\nrules:\n- &read {apiGroups: [\"\"], resources: &res [pods, secrets], verbs: [get]}\n"
        + "- {apiGroups: [\"\"], resources: *res, verbs: [list]}\n- <<: *read\n  verbs: [watch]\n").utf8),
    file: "alias.yaml")
  #expect(
    content.clusterRoles.map(\.object.rules) == [[
      rule("get", groups: "", resources: "pods,secrets"), rule("list", groups: "", resources: "pods,secrets"),
      rule("watch", groups: "", resources: "pods,secrets"),
    ]])
}

/// Nine anchors, each a list of nine of the one before: 9^9 (387 million) strings once expanded.
private func aliasBomb(at field: String) -> String {
  var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
  for i in 1...8 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
  return text + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\n\(field): *a8\n"
}

@Test(.timeLimit(.minutes(1))) func aliasBombsAreRefusedNotExpanded() {
  let bomb = aliasBomb(at: "data")
  let limit = InputLimits.maximumExpandedNodes(documentBytes: bomb.utf8.count)
  #expect(
    error(bomb)
      == "input.yaml, document 1, line 1: syntax error: its aliases expand to more than \(limit) values (an alias bomb?); "
      + "rolecall refuses to expand it")
  // Merge keys copy keys rather than values; a bomb of merges is refused too.
  var merges = "m0: &m0 {k0: v, k1: v, k2: v, k3: v, k4: v, k5: v, k6: v, k7: v, k8: v}\n"
  for i in 1...12 { merges += "m\(i): &m\(i) {<<: [" + Array(repeating: "*m\(i - 1)", count: 9).joined(separator: ", ") + "]}\n" }
  #expect(error(merges + "apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n").contains("an alias bomb?"))
}

// MARK: - Nesting

@Test func deepNestingIsRefusedWithoutExhaustingTheStack() {
  let brackets = String(repeating: "[", count: 100_000)
  #expect(error(brackets, file: "x.json") == "x.json, line 1: syntax error: arrays and objects nest deeper than 512 levels")
  #expect(
    error(String(repeating: "{\"a\":", count: 100_000), file: "x.json")
      == "x.json, line 1: syntax error: arrays and objects nest deeper than 512 levels")
  #expect(
    error("metadata: " + brackets)
      == "input.yaml, document 1, line 1: syntax error: sequences and mappings nest too deeply")
  // Deeper than rolecall's bound but within libyaml's: refused by rolecall, with the line.
  #expect(
    error("apiVersion: v1\nkind: Namespace\nmetadata: " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600))
      == "input.yaml, document 1, line 3: syntax error: sequences and mappings nest deeper than 512 levels")
}

// MARK: - Not text at all

@Test func binaryInputsAreNamedNotParsed() {
  let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52]
  #expect(error(Data(png), file: "logo.yaml") == "logo.yaml: syntax error: not UTF-8 text")
  #expect(error(Data("kind: a\n".utf8) + Data(count: 64), file: "z.yaml") == "z.yaml, line 2: syntax error: binary data (a NUL byte), not YAML or JSON text")
  var random = Mutator(seed: 512)  // the same bytes on every run
  for _ in 0..<20 {
    let bytes = Data((0..<512).map { _ in UInt8(random.next(256)) })
    let message = error(bytes, file: "r.yaml")
    #expect(message.hasPrefix("r.yaml") && message.contains("error"), "\(message)")
  }
}

@Test func emptyAndCommentOnlyInputsHoldNoObjects() throws {
  for text in ["", "\n\n", "# only a comment\n", "---\n---\n", "\u{FEFF}", "  \r\n"] {
    let content = try Ingest.read(data: Data(text.utf8), file: "e.yaml")
    #expect(content.skippedKinds.isEmpty, "\(text.debugDescription)")
    #expect(content.namespaces.isEmpty, "\(text.debugDescription)")
    #expect(content.roles.isEmpty, "\(text.debugDescription)")
  }
}

@Test func byteOrderMarkBeforeJSON() throws {
  let content = try Ingest.read(
    data: Data("\u{FEFF}{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"n\"}}\r\n".utf8), file: "b.json")
  #expect(content.namespaces.map(\.object.name) == ["n"])
}

// MARK: - Size

@Test func filesAboveTheLimitAreRefusedBeforeReading() throws {
  let dir = try temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: dir) }
  let path = dir.appendingPathComponent("huge.yaml").path
  // A sparse file: 1 GiB long, no disk used; reading it would take a minute and 4 GiB of memory.
  FileManager.default.createFile(atPath: path, contents: nil)
  let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
  try handle.truncate(atOffset: 1 << 30)
  try handle.close()
  let start = ContinuousClock.now
  #expect(throws: IngestError.tooLarge(path: path, bytes: 1 << 30, limit: InputLimits.maximumFileSize)) {
    try Ingest.read(paths: [path])
  }
  #expect(ContinuousClock.now - start < .seconds(1))
  #expect(
    "\(IngestError.tooLarge(path: path, bytes: 1 << 30, limit: InputLimits.maximumFileSize))"
      == "\(path): is 1024 MiB; rolecall reads at most 256 MiB from one input: split it (e.g. one `kubectl get` per kind)")
}

@Test func standardInputIsReadUpToTheLimit() throws {
  let pipe = Pipe()
  // One byte more than the limit; the reader must refuse it rather than hold a stream of any length.
  try pipe.fileHandleForWriting.write(contentsOf: Data(repeating: 0x20, count: 4097))
  try pipe.fileHandleForWriting.close()
  #expect(throws: IngestError.tooLarge(path: "-", bytes: nil, limit: 4096)) {
    try InputLimits.contents(of: pipe.fileHandleForReading, name: "-", limit: 4096)
  }
  let exact = Pipe()
  try exact.fileHandleForWriting.write(contentsOf: Data(repeating: 0x20, count: 4096))
  try exact.fileHandleForWriting.close()
  #expect(try InputLimits.contents(of: exact.fileHandleForReading, name: "-", limit: 4096).count == 4096)
}

// MARK: - Templates

/// Only Helm's actions mark a file as an unrendered template: every EKS cluster's aws-auth maps nodes to
/// `system:node:{{EC2PrivateDNSName}}`, and a syntax error elsewhere in such a dump must not be blamed on Helm.
@Test func templateHintIsForHelmActionsNotEKSPlaceholders() throws {
  #expect(Ingest.holdsTemplateAction(Data("name: {{ .Values.name }}".utf8)))
  #expect(Ingest.holdsTemplateAction(Data("{{- if .Values.rbac }}".utf8)))
  #expect(Ingest.holdsTemplateAction(Data("name: {{.Release.Name}}".utf8)))
  #expect(Ingest.holdsTemplateAction(Data("{{/* the chart's own comment */}}".utf8)))
  #expect(!Ingest.holdsTemplateAction(Data("username: system:node:{{EC2PrivateDNSName}}".utf8)))
  #expect(!Ingest.holdsTemplateAction(Data("rolearn: x\n  username: {{SessionName}}".utf8)))
  let dump = """
    {"apiVersion": "v1", "kind": "List", "items": [
      {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-auth", "namespace": "kube-system"},
       "data": {"mapRoles": "- rolearn: arn:aws:iam::1:role/n\\n  username: system:node:{{EC2PrivateDNSName}}\\n"}},
      {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": 
    """
  let file = FileManager.default.temporaryDirectory.appendingPathComponent("eks-dump-\(UUID().uuidString).json")
  try Data(dump.utf8).write(to: file)
  defer { try? FileManager.default.removeItem(at: file) }
  let said: String
  do {
    _ = try Ingest.read(paths: [file.path])
    said = "no error"
  } catch {
    said = "\(error)"
  }
  #expect(said.contains("syntax error") && !said.contains("Helm"), "\(said)")
}
