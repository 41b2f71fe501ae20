// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACIngest

/// One fuzz input through the whole ingest path short of the database: sniffing, UTF-8, JSON check or YAML parse,
/// YAML-to-JSON, decoding, normalizing and the binding checks. It must come back as content or as an IngestError;
/// any other error is a bug, and so (caught by libFuzzer itself) is a crash, a hang, a leak or a memory error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIngest(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  // The first byte picks the name, so that both the ".json" and ".yaml" spellings of a file are exercised; the
  // reader sniffs JSON by content, so the name only shows in messages.
  for file in ["fuzz.yaml", "fuzz.json"] {
    do {
      _ = try Ingest.read(data: data, file: file)
    } catch let error as IngestError {
      // Every message is one line that names the input.
      let message = "\(error)"
      if message.contains("\n") || !message.hasPrefix(file) { fatalError("malformed message: \(message.debugDescription)") }
    } catch {
      fatalError("not an IngestError: \(type(of: error)): \(error)")
    }
  }
  return 0
}
