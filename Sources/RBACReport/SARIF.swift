// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACGraph

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
    guard let data = try? JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
      return nil
    }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// The locations of a result: the file of each binding the evidence names (relative to the working directory, as
  /// code-scanning services resolve them against the checkout), then the identity it is about.
  static func locations(_ evidence: [Evidence], bindingFiles: [String: String], identity: GraphNode) -> [[String: Any]] {
    var files: [String] = []
    for e in evidence {
      guard let binding = e.binding, let file = bindingFiles[binding], !file.isEmpty, file != "-" else { continue }
      let uri = relative(file)
      if !files.contains(uri) { files.append(uri) }
    }
    var found: [[String: Any]] = files.map { ["physicalLocation": ["artifactLocation": ["uri": $0]]] }
    found.append(["logicalLocations": [["name": identity.description, "kind": "member"]]])
    return found
  }

  /// `path` relative to the working directory when it lies below it.
  static func relative(_ path: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    guard path.hasPrefix("/") else { return path.hasPrefix("./") ? String(path.dropFirst(2)) : path }
    let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }
}
