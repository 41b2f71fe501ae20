// swift-tools-version: 6.1
// The rolecall package: a Kubernetes RBAC permission analyzer.
//
// Dependencies point one way: RBACModel (pure semantics) <- RBACIngest, RBACStore <- RBACReport <- RBACAnalysis
// <- rolecall, the only target that parses arguments.
import PackageDescription

let package = Package(
  name: "rolecall",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "rolecall", targets: ["rolecall"]),
    .library(name: "RBACModel", targets: ["RBACModel"]),
    .library(name: "RBACIngest", targets: ["RBACIngest"]),
    .library(name: "RBACStore", targets: ["RBACStore"]),
    .library(name: "RBACReport", targets: ["RBACReport"]),
    .library(name: "RBACGraph", targets: ["RBACGraph"]),
    .library(name: "RBACDiff", targets: ["RBACDiff"]),
    .library(name: "RBACAnalysis", targets: ["RBACAnalysis"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: [
    .target(name: "RBACModel"),
    // Work on every core, with closures the compiler checks are safe to share.
    .target(name: "Parallel"),
    .target(
      name: "RBACIngest",
      dependencies: ["RBACModel", "Parallel", .product(name: "Yams", package: "Yams")]
    ),
    // Reads a live cluster by running the user's kubectl; kept apart so that file ingest needs no subprocesses.
    .target(
      name: "RBACCluster",
      dependencies: ["RBACModel", "RBACIngest", .product(name: "Subprocess", package: "swift-subprocess")]
    ),
    .target(
      name: "RBACStore",
      dependencies: [
        "RBACModel", "RBACGraph", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "RBACReport",
      dependencies: [
        "RBACModel", "RBACGraph", "RBACDiff", "Parallel", .product(name: "Yams", package: "Yams"),
      ]
    ),
    .target(name: "RBACGraph", dependencies: ["RBACModel", "Parallel"]),
    // Two snapshots compared: permissions per subject, escalation paths, admin-equivalence, objects. No I/O.
    .target(name: "RBACDiff", dependencies: ["RBACModel", "RBACGraph", "Parallel"]),
    .target(
      name: "RBACAnalysis",
      dependencies: [
        "RBACModel", "RBACIngest", "RBACStore", "RBACReport", "RBACGraph", "RBACDiff", "Parallel",
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .executableTarget(
      name: "rolecall",
      dependencies: [
        "RBACModel", "RBACIngest", "RBACCluster", "RBACStore", "RBACReport", "RBACGraph", "RBACAnalysis", "RBACDiff",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .target(name: "RBACTestSupport", dependencies: ["RBACModel"]),
    .testTarget(name: "RBACModelTests", dependencies: ["RBACModel", "RBACTestSupport"]),
    .testTarget(
      name: "RBACIngestTests",
      dependencies: ["RBACIngest", "RBACModel", "RBACTestSupport", .product(name: "Yams", package: "Yams")]),
    .testTarget(name: "RBACStoreTests", dependencies: ["RBACStore", "RBACIngest", "RBACModel", "RBACTestSupport"]),
    .testTarget(name: "RBACGraphTests", dependencies: ["RBACGraph", "RBACIngest", "RBACModel", "RBACTestSupport"]),
    .testTarget(
      name: "RBACDiffTests", dependencies: ["RBACDiff", "RBACGraph", "RBACIngest", "RBACModel", "RBACTestSupport"]),
    .testTarget(
      name: "RBACAnalysisTests",
      dependencies: ["RBACAnalysis", "RBACGraph", "RBACIngest", "RBACModel", "RBACReport", "RBACStore", "RBACTestSupport"]),
    .testTarget(
      name: "RBACClusterTests",
      dependencies: ["RBACCluster", .product(name: "Subprocess", package: "swift-subprocess")]),
    .testTarget(name: "RBACReportTests", dependencies: ["RBACReport", "RBACGraph", "RBACModel"]),
    .testTarget(
      name: "RolecallCLITests", dependencies: ["RBACTestSupport", .product(name: "Yams", package: "Yams")],
      exclude: ["Golden"]),
  ]
)
