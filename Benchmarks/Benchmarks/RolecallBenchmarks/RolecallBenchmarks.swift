// rolecall — SPDX-License-Identifier: Apache-2.0

import Benchmark
import Foundation
import RBACAnalysis
import RBACIngest
import RBACModel
import RBACStore

// In-process figures for the synthetic XL cluster (scripts/synth-cluster.py): where the time of each command goes,
// without process start. `make bench` also times the release binary end to end (scripts/bench-cli.sh).

private let dataDirectory = ProcessInfo.processInfo.environment["ROLECALL_BENCH_DATA"] ?? "../bench-data"
private let xl = dataDirectory + "/XL"
/// The repository's fixtures, found from this file rather than from the data directory, which may live anywhere.
private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures").path

/// The XL cluster ingested once into a temporary database, for the benchmarks that read, as `rolecall ingest` writes
/// it (with escalation distances).
private let stored: (RolecallDatabase, SnapshotInfo) = {
  let path = NSTemporaryDirectory() + "rolecall-bench-\(getpid()).db"
  let db = try! RolecallDatabase(path: path)
  let info = try! Ingestion.write(try! Ingest.read(paths: [xl + "/cluster.json"]), into: db, name: "xl", sources: [])
  return (db, info)
}()

/// The same cluster written without distances, as a snapshot from before schema v4 reads: questions search the graph.
private let searched: (RolecallDatabase, SnapshotInfo) = {
  let path = NSTemporaryDirectory() + "rolecall-bench-searched-\(getpid()).db"
  let db = try! RolecallDatabase(path: path)
  let info = try! db.writeSnapshot(try! Ingest.read(paths: [xl + "/cluster.json"]), name: "xl", sources: [])
  return (db, info)
}()

/// The first service account of the file: a group binding lets every account create pods, so from it the whole
/// graph is reachable, and proving cluster-admin out of reach is the worst case for a search.
private let worstCaseAccount = "sa:default:default"

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
    timeUnits: .milliseconds,
    warmupIterations: 1,
    maxDuration: .seconds(20),
    maxIterations: 10)

  Benchmark("ingest XL: read, normalize, aggregate, distances, write") { benchmark in
    for _ in benchmark.scaledIterations {
      let path = NSTemporaryDirectory() + "rolecall-bench-ingest-\(UUID().uuidString).db"
      defer { try? FileManager.default.removeItem(atPath: path) }
      benchmark.startMeasurement()
      let content = try Ingest.read(paths: [xl + "/cluster.json"])
      try Ingestion.write(content, into: RolecallDatabase(path: path), name: "xl", sources: [])
      benchmark.stopMeasurement()
    }
  }

  Benchmark("load XL policy (all namespaces)") { benchmark in
    let (db, info) = stored
    for _ in benchmark.scaledIterations {
      blackHole(try db.policy(of: info, scope: .all))
    }
  }

  let batch = try! Data(contentsOf: URL(fileURLWithPath: xl + "/can-i.jsonl"))
  let lines = batch.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
  Benchmark(
    "can-i --batch XL, \(lines) requests (policy loaded)",
    configuration: .init(metrics: [.wallClock, .peakMemoryResident])
  ) { benchmark in
    let (db, info) = stored
    let policy = try db.policy(of: info, scope: .all)
    benchmark.startMeasurement()
    var bytes = 0
    try Batch.canI(batch, policy: { policy }) { bytes += $0.count }
    benchmark.stopMeasurement()
    blackHole(bytes)
  }

  Benchmark("who-can XL in one namespace: load scope + answer") { benchmark in
    let (db, info) = stored
    let analyst = Analyst(database: db, snapshot: info)
    let namespace = try db.run(
      sql: "SELECT name FROM namespace WHERE snapshot_id = :snapshot ORDER BY name LIMIT 1", parameters: [:],
      snapshot: info
    ).rows[0][0]!
    for _ in benchmark.scaledIterations {
      blackHole(try analyst.whoCan(RequestArgument(verb: "get", resource: "secrets", namespace: namespace)))
    }
  }

  Benchmark("audit XL: every identity's paths and powers") { benchmark in
    let (db, info) = stored
    let analyst = Analyst(database: db, snapshot: info)
    for _ in benchmark.scaledIterations {
      blackHole(try analyst.audit())
    }
  }

  Benchmark("paths XL, worst case, distances stored") { benchmark in
    let (db, info) = stored
    let analyst = Analyst(database: db, snapshot: info)
    for _ in benchmark.scaledIterations {
      blackHole(try analyst.paths(from: worstCaseAccount))
    }
  }

  Benchmark("paths XL, worst case, full search") { benchmark in
    let (db, info) = searched
    let analyst = Analyst(database: db, snapshot: info)
    for _ in benchmark.scaledIterations {
      blackHole(try analyst.paths(from: worstCaseAccount))
    }
  }

  Benchmark("diff XL against a pull request laid over it (load both, compare)") { benchmark in
    let (db, info) = stored
    let pr = try Ingest.read(
      paths: [fixtures + "/ci/pr-42.yaml"],
      options: .init(base: (info.name, try db.content(of: info))))
    let name = "pr-\(getpid())"
    if (try? db.snapshot(named: name)) == nil { try Ingestion.write(pr, into: db, name: name, sources: []) }
    for _ in benchmark.scaledIterations {
      blackHole(try Comparison.diff(in: db, from: info.name, to: name))
    }
  }

  Benchmark("perms XL for one service account") { benchmark in
    let (db, info) = stored
    let analyst = Analyst(database: db, snapshot: info)
    for _ in benchmark.scaledIterations {
      blackHole(try analyst.permissions(of: .serviceAccount(namespace: "default", name: "default")))
    }
  }
}
