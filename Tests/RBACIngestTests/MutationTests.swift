// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACIngest
import RBACTestSupport
import Testing

/// A thousand mutated fixtures (bit flips, truncations, splices, inserted anchors, aliases, tags, brackets,
/// duplicate keys, broken UTF-8) through the whole ingest path: each must come back as content or as an
/// IngestError of one line naming the file, quickly. `make fuzz` runs libFuzzer on the same path for longer.
@Test(.timeLimit(.minutes(1))) func mutatedFixturesGiveContentOrOneLineErrors() throws {
  let seeds = try mutationSeeds()
  try #require(seeds.count > 100)
  var mutator = Mutator(seed: 6)
  var outcomes: [String: Int] = [:]
  for i in 0..<1000 {
    let input = mutator.mutate(seeds[mutator.next(seeds.count)], other: seeds[mutator.next(seeds.count)])
    let file = i.isMultiple(of: 2) ? "m.yaml" : "m.json"
    do {
      _ = try Ingest.read(data: input, file: file)
      outcomes["content", default: 0] += 1
    } catch let error as IngestError {
      let message = "\(error)"
      #expect(message.hasPrefix(file) && !message.contains("\n"), "input \(i): \(message.debugDescription)")
      outcomes["error", default: 0] += 1
    } catch {
      Issue.record("input \(i): not an IngestError: \(type(of: error)): \(error)")
    }
  }
  // Both outcomes occur: the mutations neither all break the input nor all leave it intact.
  #expect(outcomes["content", default: 0] > 20 && outcomes["error", default: 0] > 20, "\(outcomes)")
}
