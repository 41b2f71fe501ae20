// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
@testable import RBACIngest
import RBACModel
import Testing

private func split(_ json: String) -> (kind: String, items: [String])? {
  let bytes = Array(json.utf8)
  return bytes.withUnsafeBufferPointer { buffer in
    ListSplitter.split(buffer).map { found in
      (found.kind, found.items.map { String(decoding: bytes[$0], as: UTF8.self) })
    }
  }
}

@Test func theItemsOfAListAreFoundWithoutDecodingThem() throws {
  // Strings that hold brackets, commas, quotes and escapes, nested arrays and objects, and keys in any order.
  let json = #"""
    { "items" : [ {"kind":"Role","metadata":{"name":"a]},{\"b"},"rules":[{"verbs":["get"]}]} ,
      {"kind":"Secret","data":{"x":"[{,}]"}}, 12, "s,]" ],
      "apiVersion": "v1", "metadata": {"resourceVersion": ""}, "kind": "List" }
    """#
  let found = try #require(split(json))
  #expect(found.kind == "List")
  #expect(found.items == [
    #"{"kind":"Role","metadata":{"name":"a]},{\"b"},"rules":[{"verbs":["get"]}]}"#,
    #"{"kind":"Secret","data":{"x":"[{,}]"}}"#, "12", #""s,]""#,
  ])
  #expect(split(#"{"kind":"List","items":[]}"#)?.items == [])
  // Not a List document: the caller decodes it whole.
  #expect(split(#"[{"kind":"Role"}]"#) == nil)
  #expect(split(#"{"kind":"Role","metadata":{"name":"x"}}"#) == nil)
  #expect(split(#"{"k\u0069nd":"List","items":[]}"#) == nil)
}

@Test func aLargeListDecodedInPiecesGivesTheSameSnapshotAndTheSameErrors() throws {
  // Over 1 MiB, so that ingest decodes it in pieces; the same items as YAML documents are decoded one by one.
  var items: [String] = []
  for i in 0..<6000 {
    items.append(#"{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa-\#(i)","namespace":"ns-\#(i % 50)","annotations":{"note":"padding padding padding padding padding padding padding padding padding padding"}}}"#)
  }
  let list = #"{"apiVersion":"v1","kind":"List","items":["# + items.joined(separator: ",") + "]}"
  #expect(list.utf8.count > 1 << 20)
  let content = try Ingest.read(data: Data(list.utf8), file: "big.json")
  #expect(content.serviceAccounts.count == 6000)
  #expect(content.serviceAccounts.map(\.object.name) == (0..<6000).map { "sa-\($0)" })
  // A bad item deep in the list is still named by its place in the list.
  var bad = items
  bad[4321] = #"{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":7,"namespace":"ns"}}"#
  let badList = #"{"apiVersion":"v1","kind":"List","items":["# + bad.joined(separator: ",") + "]}"
  #expect(throws: IngestError.self) { try Ingest.read(data: Data(badList.utf8), file: "big.json") }
  do {
    _ = try Ingest.read(data: Data(badList.utf8), file: "big.json")
  } catch {
    #expect("\(error)".contains("items[4321]"), "\(error)")
  }
}
