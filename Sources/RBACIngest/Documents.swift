// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACModel

extension Ingest {
  /// The objects of one in-memory document, decoded but not yet normalized.
  ///
  /// A live-cluster ingest decodes each kind as soon as kubectl has printed it, so that the raw JSON of one kind
  /// can be released before the next is fetched; all of them are normalized together at the end, as one input.
  public struct Decoded: Sendable {
    let items: [Located]
    /// How many Kubernetes objects the document held, `List` items counted one by one.
    public let objectCount: Int
  }

  /// Decodes one document set (YAML or JSON, as a file would hold it) named `name` in messages and sources.
  public static func decode(data: Data, name: String) throws -> Decoded {
    let items = try ManifestReader.manifests(in: data, file: name)
    return Decoded(items: items, objectCount: items.reduce(0) { $0 + count($1.manifest) })
  }

  /// Normalizes decoded documents as one input, in order: the same pipeline, checks and diagnostics as files.
  public static func normalize(_ decoded: [Decoded], options: Options = Options()) throws -> SnapshotContent {
    try normalize(decoded.flatMap(\.items), options: options)
  }

  private static func count(_ manifest: Manifest) -> Int {
    if case .list(let items) = manifest { return items.reduce(0) { $0 + count($1) } }
    return 1
  }
}
