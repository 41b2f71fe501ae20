// rolecall — SPDX-License-Identifier: Apache-2.0

/// Why an ingest stopped. Every case names the input precisely enough to fix it; nothing has been written.
public enum IngestError: Error, Equatable, CustomStringConvertible {
  /// A path given on the command line does not exist or cannot be read.
  case unreadable(path: String, reason: String)
  /// The input is not valid YAML or JSON.
  case syntax(file: String, document: Int?, line: Int?, message: String)
  /// A document parsed, but a field has the wrong type, is missing, or holds a value the API server would reject.
  case invalidField(file: String, document: Int, field: String, message: String)
  /// No input files were found under the given paths.
  case noInput(paths: [String])
  /// A directory is a Helm chart, or a file holds template syntax: it must be rendered before it is read.
  case unrenderedTemplate(path: String, detail: String?)
  /// The inputs hold no object at all: an empty file or stdin, or a failed `helm template` upstream of a pipe.
  case noObjects(paths: [String])
  /// An input is larger than rolecall reads (``InputLimits/maximumFileSize``); `bytes` is nil for a stream.
  case tooLarge(path: String, bytes: Int?, limit: Int)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "\(path): cannot read: \(reason)"
    case .syntax(let file, let document, let line, let message):
      var place = file
      if let document { place += ", document \(document)" }
      if let line { place += ", line \(line)" }
      return "\(place): syntax error: \(message)"
    case .invalidField(let file, let document, let field, let message):
      return "\(file), document \(document), field \(field): \(message)"
    case .noInput(let paths):
      return "no .yaml, .yml or .json files found in \(paths.joined(separator: ", "))"
    case .unrenderedTemplate(let path, let detail):
      return "\(path): " + (detail.map { $0 + ", and it " } ?? "") + "holds Helm template syntax ({{ }}): render it first, "
        + "e.g. helm template RELEASE CHART | rolecall ingest -"
    case .noObjects(let paths):
      let names = paths.map { $0 == "-" ? "stdin" : $0 }.joined(separator: ", ")
      return "no objects read from \(names): the input is empty (did the command that produced it fail?); "
        + "pass --allow-empty to store an empty snapshot"
    case .tooLarge(let path, let bytes, let limit):
      let size = bytes.map { "is \(mebibytes($0)) MiB" } ?? "holds more than \(mebibytes(limit)) MiB"
      return "\(path): \(size); rolecall reads at most \(mebibytes(limit)) MiB from one input: split it "
        + "(e.g. one `kubectl get` per kind)"
    }
  }
}

private func mebibytes(_ bytes: Int) -> Int { (bytes + (1 << 20) - 1) >> 20 }

