// rolecall — SPDX-License-Identifier: Apache-2.0

import Dispatch

extension Array where Element: Sendable {
  /// The text of every element, rendered on every core in chunks and joined in order: a diff of two large clusters
  /// prints hundreds of thousands of lines, each rendered on its own.
  func renderedConcurrently(_ render: @Sendable (Element) -> String) -> String {
    let chunks = Swift.min(count, 16)
    guard chunks > 1 else { return map(render).joined() }
    var parts = [String](repeating: "", count: chunks)
    parts.withUnsafeMutableBufferPointer { buffer in
      // Each chunk writes only its own slot.
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        var text = ""
        for i in stride(from: chunk * count / chunks, to: (chunk + 1) * count / chunks, by: 1) { text += render(self[i]) }
        slots[chunk] = text
      }
    }
    return parts.joined()
  }
}
