// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACIngest

/// One fuzz input through the whole ingest path short of the database (`Ingest.read(data:file:)`): UTF-8 and NUL
/// checks, JSON sniffed by the first non-blank byte, JSON check or YAML parse, YAML-to-JSON, decoding, normalizing
/// (aggregation included) and the binding checks. It must come back as content or as an IngestError whose message is
/// one line starting with the file's name; anything else stops the run with fatalError, and libFuzzer itself catches
/// a crash, a hang, a leak or a memory error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIngest(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  // Every input is read twice, as "fuzz.yaml" and as "fuzz.json". The reader tells JSON from YAML by content, not
  // by name, so both reads take the same path; the name only shows in messages, which must start with it either way.
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
