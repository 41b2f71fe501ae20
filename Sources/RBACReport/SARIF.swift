// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation

/// SARIF 2.1.0, the one log shape `audit`, `diff` and `check` print for code-scanning dashboards.
enum SARIF {
  /// A log of one run of rolecall: `rules` as (id, short description), `results` as SARIF result objects.
  static func log(rules: [(id: String, text: String)], results: [[String: Any]]) -> String? {
    let log: [String: Any] = [
      "version": "2.1.0",
      "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
      "runs": [
        [
          "tool": ["driver": ["name": "rolecall", "rules": rules.map { ["id": $0.id, "shortDescription": ["text": $0.text]] }]],
          "results": results,
        ]
      ],
    ]
    guard let data = try? JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys]) else {
      return nil
    }
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
