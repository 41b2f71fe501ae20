// swift-tools-version: 6.1
// rolecall's benchmarks, a package of their own so that `swift test` never builds the benchmark toolchain.
// Run them with `make bench` (which generates the synthetic clusters first).
import PackageDescription

let package = Package(
  name: "RolecallBenchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "rolecall", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "RolecallBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "RBACModel", package: "rolecall"),
        .product(name: "RBACIngest", package: "rolecall"),
        .product(name: "RBACStore", package: "rolecall"),
        .product(name: "RBACAnalysis", package: "rolecall"),
      ],
      path: "Benchmarks/RolecallBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  ]
)
