// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import Parallel
import RBACModel
import Yams

/// A manifest and where it came from.
struct Located {
  var manifest: Manifest
  var source: ObjectSource
}

/// Reads files, directories and standard input into manifests, one YAML document (or one JSON value) at a time.
public enum ManifestReader {
  static let extensions: Set<String> = ["yaml", "yml", "json"]

  /// Expands the paths into the files to read: files as given, directories recursively (only `.yaml`, `.yml` and
  /// `.json`, in sorted order so that "later wins" is reproducible), and `-` for standard input.
  public static func inputFiles(_ paths: [String]) throws -> [String] {
    try inputs(paths).files
  }

  /// ``inputFiles(_:)``, and the files left out because they describe manifests rather than hold them: a Helm
  /// chart's `Chart.yaml` and values files, a `kustomization.yaml`. A directory that is a Helm chart (its
  /// `Chart.yaml` beside a `templates/`) is refused: its templates must be rendered first.
  static func inputs(_ paths: [String]) throws -> (files: [String], skipped: [(file: String, why: String)]) {
    var files: [String] = []
    var skipped: [(file: String, why: String)] = []
    let fm = FileManager.default
    func take(_ file: String) {
      if let why = notAManifest(file) { skipped.append((file, why)) } else { files.append(file) }
    }
    for path in paths {
      if path == "-" {
        files.append(path)
        continue
      }
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw IngestError.unreadable(path: path, reason: "no such file or directory")
      }
      guard isDirectory.boolValue else {
        take(path)
        continue
      }
      guard let walker = fm.enumerator(atPath: path) else {
        throw IngestError.unreadable(path: path, reason: "cannot list directory")
      }
      var found: [String] = []
      var charts: Set<String> = []
      var templateDirectories: Set<String> = []
      while let relative = walker.nextObject() as? String {
        let name = (relative as NSString).lastPathComponent
        let parent = (relative as NSString).deletingLastPathComponent
        if name == "Chart.yaml" { charts.insert(parent) }
        if name == "templates" { templateDirectories.insert(parent) }
        let ext = (relative as NSString).pathExtension.lowercased()
        if extensions.contains(ext) { found.append((path as NSString).appendingPathComponent(relative)) }
      }
      if let chart = charts.intersection(templateDirectories).sorted().first {
        throw IngestError.unrenderedTemplate(
          path: chart.isEmpty ? path : (path as NSString).appendingPathComponent(chart),
          detail: "is a Helm chart (Chart.yaml and templates/)")
      }
      for file in found.sorted() { take(file) }
    }
    return (files, skipped)
  }

  /// Why a file is not read as manifests, by its name.
  static func notAManifest(_ file: String) -> String? {
    let name = (file as NSString).lastPathComponent
    let lower = name.lowercased()
    if name == "Chart.yaml" { return "a Helm chart's metadata, not a manifest" }
    if lower == "values.yaml" || lower == "values.yml" || (lower.hasPrefix("values-") && (lower.hasSuffix(".yaml") || lower.hasSuffix(".yml"))) {
      return "Helm values, not a manifest"
    }
    if lower == "kustomization.yaml" || lower == "kustomization.yml" {
      return "a Kustomize configuration, not a manifest: run kustomize build and ingest its output"
    }
    return nil
  }

  /// Decodes every document of one input.
  static func manifests(in data: Data, file: String) throws -> [Located] {
    var bytes = data
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    guard let text = String(data: bytes, encoding: .utf8) else {
      throw IngestError.syntax(file: file, document: nil, line: nil, message: "not UTF-8 text")
    }
    // Valid UTF-8 can still be binary (a file of zeros, a UTF-8 encoded image): no YAML or JSON holds a NUL byte.
    // Scanned through a raw pointer: Data's own per-byte access costs ~20 ns a byte, 0.4 s on a 20 MB dump.
    if let line = bytes.withUnsafeBytes({ raw in raw.firstIndex(of: 0).map { lineNumber(at: $0, in: raw) } }) {
      throw IngestError.syntax(
        file: file, document: nil, line: line, message: "binary data (a NUL byte), not YAML or JSON text")
    }
    let firstByte = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
    if firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[") {
      return try jsonManifests(bytes, file: file)
    }
    return try yamlManifests(text, file: file)
  }

  private static func jsonManifests(_ data: Data, file: String) throws -> [Located] {
    let source = ObjectSource(file: file, document: 1)
    @Sendable func check() throws {
      do {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
          try JSONCheck.check(raw.bindMemory(to: UInt8.self))
        }
      } catch let error as JSONCheck.Failure {
        if let field = error.path {
          throw IngestError.invalidField(
            file: file, document: 1, field: "\(field) (line \(error.line))", message: error.message + duplicateKeyNote)
        }
        throw IngestError.syntax(file: file, document: nil, line: error.line, message: error.message)
      }
    }
    // A large List decodes in pieces on every core; when a piece fails, JSONDecoder decodes the document again whole,
    // below, for the error to name the item and field (the lean decoder would only fail again). The check, one pass
    // on one core, runs meanwhile: its error, when it finds one, is the one reported.
    var leanFailed = false
    if data.count > 1 << 20 {
      let (checked, pieces) = inParallel({ Result { try check() } }, while: { Result { try decodeListInPieces(data) } })
      try checked.get()
      switch pieces {
      case .success(let items?): return [Located(manifest: .list(items), source: source)]
      case .success(nil): break
      case .failure: leanFailed = true
      }
    } else {
      try check()
    }
    do {
      if data.first(where: { $0 > 0x20 }) == UInt8(ascii: "[") {
        return try decode([Manifest].self, from: data, lean: !leanFailed).map { Located(manifest: $0, source: source) }
      }
      return [Located(manifest: try decode(Manifest.self, from: data, lean: !leanFailed), source: source)]
    } catch let error as DecodingError {
      throw describe(error, file: file, document: 1, json: true)
    }
  }

  /// `data` (syntax checked) decoded as `T` by the lean decoder, or, when it gives up or `lean` is false, by
  /// JSONDecoder, whose errors name the item and field (the lean decoder's are not worded).
  private static func decode<T: Decodable>(_ type: T.Type, from data: Data, lean: Bool = true) throws -> T {
    if lean,
      let value = try? data.withUnsafeBytes({ try LeanJSONDecoder.decode(type, from: $0.bindMemory(to: UInt8.self)) })
    {
      return value
    }
    return try JSONDecoder().decode(type, from: data)
  }

  /// The items of a `kind: List` document, decoded a slice of items at a time on every core; nil when the document
  /// is not such a List.
  private static func decodeListInPieces(_ data: Data) throws -> [Manifest]? {
    let found = data.withUnsafeBytes { raw in ListSplitter.split(raw.bindMemory(to: UInt8.self)) }
    guard let (kind, items) = found, kind == "List" || kind.hasSuffix("List"), items.count > 1 else { return nil }
    let pieces = min(items.count, 32)
    let slices = (0..<pieces).map { p in items[p * items.count / pieces..<(p + 1) * items.count / pieces] }
    // Each item is decoded where it lies, reading only the fields rolecall uses (LeanJSONDecoder).
    let decoded = slices.concurrentMap { slice -> Result<[Manifest], Error> in
      Result {
        try data.withUnsafeBytes { raw in
          let bytes = raw.bindMemory(to: UInt8.self)
          return try slice.map { item in
            try LeanJSONDecoder.decode(Manifest.self, from: UnsafeBufferPointer(rebasing: bytes[item]))
          }
        }
      }
    }
    return try decoded.flatMap { try $0.get() }
  }

  /// kubectl refuses duplicate keys (sigs.k8s.io/yaml for YAML, strict field validation for JSON): so does rolecall,
  /// rather than guess which of the values was meant.
  private static let duplicateKeyNote = " (kubectl refuses duplicate keys too)"

  /// Each YAML document is parsed, turned into the JSON kubectl would send for it, and decoded as JSON is.
  private static func yamlManifests(_ text: String, file: String) throws -> [Located] {
    var located: [Located] = []
    var document = 0
    let size = text.utf8.count
    do {
      let parser = try Parser(yaml: text)
      while let node = try parser.nextRoot() {
        document += 1
        // Helm renders empty documents (a `---` followed only by comments); they hold no object.
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~" {
          continue
        }
        guard case .mapping = node else {
          throw IngestError.invalidField(
            file: file, document: document, field: "(document)",
            message: "expected a Kubernetes object (a mapping with apiVersion and kind)")
        }
        let json: Data
        do {
          json = try YAMLToJSON.convert(node, documentBytes: size)
        } catch let error as YAMLToJSON.Failure {
          throw IngestError.syntax(file: file, document: document, line: error.line, message: error.message)
        }
        do {
          let manifest = try decode(Manifest.self, from: json)
          located.append(Located(manifest: manifest, source: ObjectSource(file: file, document: document)))
        } catch let error as DecodingError {
          throw describe(error, file: file, document: document, root: node)
        }
      }
    } catch let error as YamlError {
      // The parser fails while reading the document after the last one it returned.
      throw IngestError.syntax(file: file, document: document + 1, line: line(of: error), message: summary(of: error))
    }
    return located
  }

  /// The line each YAML document of a file starts on, numbered as ingest numbers documents: where `lint` points.
  /// Empty for JSON (one document) and for a file that cannot be read or parsed.
  public static func documentLines(ofFile file: String) -> [Int: Int] {
    guard file != "-", let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8),
      text.first(where: { !$0.isWhitespace }).map({ $0 != "{" && $0 != "[" }) ?? false,
      let parser = try? Parser(yaml: text)
    else { return [:] }
    var lines: [Int: Int] = [:]
    var document = 0
    while let node = try? parser.nextRoot() {
      document += 1
      if let line = node.mark?.line { lines[document] = line }
    }
    return lines
  }

  private static func lineNumber(at offset: Int, in bytes: UnsafeRawBufferPointer) -> Int {
    bytes[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
  }

  // MARK: - Error messages

  static func describe(_ error: DecodingError, file: String, document: Int, root: Node? = nil, json: Bool = false)
    -> IngestError
  {
    let (path, message): ([any CodingKey], String) = {
      switch error {
      case .keyNotFound(let key, let context):
        return (context.codingPath + [key], context.debugDescription.hasPrefix("not a Kubernetes object")
          ? context.debugDescription : "required field is missing")
      case .typeMismatch(let type, let context):
        return (context.codingPath, "expected \(typeName(type))")
      case .valueNotFound(let type, let context):
        return (context.codingPath, "expected \(typeName(type)), found null")
      case .dataCorrupted(let context):
        if let underlying = context.underlyingError, json {
          return (context.codingPath, "invalid JSON: \(underlying.localizedDescription)")
        }
        return (context.codingPath, invalidValueMessage(context))
      @unknown default:
        return ([], "\(error)")
      }
    }()
    if path.isEmpty, json, case .dataCorrupted = error {
      return .syntax(file: file, document: nil, line: nil, message: message)
    }
    var field = fieldPath(path)
    if let root, let mark = mark(at: path, in: root) { field += " (line \(mark))" }
    return .invalidField(file: file, document: document, field: field.isEmpty ? "(document)" : field, message: message)
  }

  static func fieldPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
      if let index = key.intValue {
        text += "[\(index)]"
      } else {
        text += (text.isEmpty ? "" : ".") + key.stringValue
      }
    }
    return text
  }

  private static func typeName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    case is [String].Type, is [Any].Type: return "a list"
    case is [String: String].Type, is [String: Any].Type: return "a mapping of strings"
    default:
      // Yams names its node types (Node.Sequence, Node.Mapping, Node.Scalar) where JSONDecoder names Swift's.
      let name = "\(type)"
      if name.hasPrefix("Array") || name.contains("Sequence") { return "a list" }
      if name.hasPrefix("Dictionary") || name.contains("Mapping") { return "a mapping" }
      if name.contains("Scalar") { return "a single value" }
      return "an object"
    }
  }

  private static func invalidValueMessage(_ context: DecodingError.Context) -> String {
    switch context.codingPath.last?.stringValue {
    case "kind" where context.codingPath.contains { $0.stringValue == "roleRef" }:
      return "unknown role kind (expected Role or ClusterRole)"
    case "operator":
      return "unknown selector operator (expected In, NotIn, Exists or DoesNotExist)"
    default:
      return context.debugDescription
    }
  }

  /// The 1-based line of the node at `path`, or of the deepest node on the way to it.
  private static func mark(at path: [any CodingKey], in root: Node) -> Int? {
    var node = root
    for key in path {
      var next: Node?
      if let index = key.intValue, case .sequence(let sequence) = node, index < sequence.count {
        next = sequence[index]
      } else if case .mapping(let mapping) = node {
        next = mapping[key.stringValue]
      }
      guard let found = next else { break }
      node = found
    }
    return node.mark.map { $0.line }
  }

  private static func line(of error: YamlError) -> Int? {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
    case .duplicatedKeysInMapping(_, let context): return context.mark.line
    default: return nil
    }
  }

  private static func summary(of error: YamlError) -> String {
    switch error {
    case .parser(_, let problem, _, _) where problem.contains("nesting level"):
      // libyaml's own words name a C function; say what is wrong with the input instead.
      return "sequences and mappings nest too deeply"
    case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
      .composer(let context, let problem, _, _):
      return [context.map { "\($0.text)" }, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
    case .duplicatedKeysInMapping(let duplicates, _):
      let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
      return (duplicates.count == 1 ? "duplicate key " : "duplicate keys ") + keys + duplicateKeyNote
    default:
      return "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
    }
  }
}
