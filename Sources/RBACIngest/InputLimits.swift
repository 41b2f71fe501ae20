// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// The bounds that keep a broken or hostile input from exhausting memory or the stack. Each is far above what a
/// real cluster needs (the XL benchmark cluster is 21.7 MB of JSON, nested 9 levels deep, with no aliases) and far
/// below what would take the machine down; an input beyond one is refused with a message, never half-read.
public enum InputLimits {
  /// The largest file (or standard input) rolecall reads: 256 MiB. Larger files are refused before a byte is read.
  public static let maximumFileSize = 256 << 20

  /// How deeply JSON arrays and objects, or YAML sequences and mappings, may nest.
  public static let maximumDepth = 512

  /// How many nodes one YAML document may hold once its aliases are expanded, for a document of `bytes` bytes.
  ///
  /// Without aliases every node costs at least one byte of text, so only aliases can go beyond this; a few shared
  /// lists stay far below it, while a "billion laughs" document (each anchor repeating the last nine times) does not.
  public static func maximumExpandedNodes(documentBytes bytes: Int) -> Int { 100_000 + 2 * bytes }

  /// Reads a whole file, refusing it before reading when it is larger than ``maximumFileSize``.
  static func contents(ofFile path: String) throws -> Data {
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    } catch {
      throw IngestError.unreadable(path: path, reason: (error as NSError).localizedDescription)
    }
    defer { try? handle.close() }
    // The size of a regular file is known without reading it; a pipe or device must be read to find out.
    if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > maximumFileSize {
      throw IngestError.tooLarge(path: path, bytes: size, limit: maximumFileSize)
    }
    return try contents(of: handle, name: path)
  }

  /// Reads a stream to its end, refusing it as soon as it holds more than `limit` bytes.
  public static func contents(of handle: FileHandle, name: String, limit: Int = maximumFileSize) throws -> Data {
    var data = Data()
    while true {
      let chunk: Data?
      do {
        chunk = try handle.read(upToCount: min(1 << 20, limit + 1))
      } catch {
        throw IngestError.unreadable(path: name, reason: (error as NSError).localizedDescription)
      }
      guard let chunk, !chunk.isEmpty else { return data }
      data += chunk
      if data.count > limit { throw IngestError.tooLarge(path: name, bytes: nil, limit: limit) }
    }
  }
}
