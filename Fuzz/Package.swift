// swift-tools-version: 6.1
// A libFuzzer target for rolecall's ingest: built only by `make fuzz` (scripts/fuzz.sh), with
// `--sanitize=fuzzer --sanitize=address`; never part of `swift build` or `make test` at the top level.
import Foundation
import PackageDescription

// A path dependency is known by its folder's name (the checkout may be called rolecall, main, wt6, ...).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
  name: "rolecall-fuzz",
  dependencies: [.package(path: "..")],
  targets: [
    .executableTarget(
      name: "FuzzIngest",
      dependencies: [.product(name: "RBACIngest", package: root)],
      // libFuzzer supplies main(); the target only defines LLVMFuzzerTestOneInput.
      swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
  ]
)
