// rolecall — SPDX-License-Identifier: Apache-2.0

import Foundation
import RBACTestSupport
import Testing

/// A directory with a database holding snapshot "base" (the semantics fixture) and a synthetic cluster big enough
/// that ingesting it takes about a second in a debug build.
private struct Workspace {
  let dir: URL
  let db: String
  let big: String
  let cluster = SyntheticCluster(namespaces: 1200)

  init() throws {
    dir = try temporaryDirectory()
    db = dir.appendingPathComponent("rolecall.db").path
    big = dir.appendingPathComponent("cluster.json").path
    try cluster.json.write(to: URL(fileURLWithPath: big))
    let base = try runRolecall(["ingest", "fixtures/cases/semantics.yaml", "--snapshot", "base", "--db", db, "-q"])
    try #require(base.status == 0, "\(base.stderr)")
  }

  /// `rolecall ingest` of the big cluster, started and not waited for.
  func startIngest(snapshot: String) throws -> Process {
    let process = Process()
    process.executableURL = rolecallBinary
    process.currentDirectoryURL = repositoryRoot
    process.arguments = ["ingest", big, "--snapshot", snapshot, "--db", db, "-q"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = try FileHandle(forWritingTo: errorLog(snapshot))
    try process.run()
    return process
  }

  func errorLog(_ snapshot: String) -> URL {
    let url = dir.appendingPathComponent("\(snapshot).stderr")
    if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
    return url
  }

  /// The snapshots `rolecall snapshots -o json` lists, by name, with the counts it reports.
  func snapshots() throws -> [String: [String: Int]] {
    let result = try runRolecall(["snapshots", "-o", "json", "--db", db])
    try #require(result.status == 0, "snapshots failed: \(result.stderr)")
    let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    var found: [String: [String: Int]] = [:]
    for entry in list {
      let name = try #require(entry["name"] as? String, "\(entry)")
      found[name] = Dictionary(
        uniqueKeysWithValues: try SyntheticCluster(namespaces: 0).counts.keys.map { key in
          (key, try #require(entry[key] as? Int, "\(name): \(key)"))
        })
    }
    return found
  }

  /// A file holding `text`, for `rolecall query`.
  func sql(_ text: String) throws -> String {
    let url = dir.appendingPathComponent("q-\(UUID().uuidString).sql")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  /// Rows of any table that belong to no snapshot: what a half-written or half-deleted snapshot would leave.
  func orphanRows() throws -> String {
    let sql = dir.appendingPathComponent("orphans.sql")
    try """
      SELECT (SELECT count(*) FROM role WHERE snapshot_id NOT IN (SELECT id FROM snapshot))
        + (SELECT count(*) FROM binding WHERE snapshot_id NOT IN (SELECT id FROM snapshot))
        + (SELECT count(*) FROM service_account WHERE snapshot_id NOT IN (SELECT id FROM snapshot))
        + (SELECT count(*) FROM namespace WHERE snapshot_id NOT IN (SELECT id FROM snapshot))
        + (SELECT count(*) FROM graph_distance WHERE snapshot_id NOT IN (SELECT id FROM snapshot))
        + (SELECT count(*) FROM policy_rule WHERE role_id NOT IN (SELECT id FROM role))
        + (SELECT count(*) FROM binding_subject WHERE binding_id NOT IN (SELECT id FROM binding)) AS orphans
      """.write(to: sql, atomically: true, encoding: .utf8)
    let result = try runRolecall(["query", sql.path, "-o", "json", "--db", db])
    return result.status == 0 ? result.stdout : result.stderr
  }
}

private func walModified(_ db: String) -> Date? {
  try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.modificationDate] as? Date
}

private let noOrphans = "[\n  {\n    \"orphans\" : \"0\"\n  }\n]\n"

/// Tests that run for tens of seconds: `make test` runs them as a step of their own (see the Makefile).
@Suite struct Slow {}

extension Slow {
  @Test(.timeLimit(.minutes(60))) func anIngestKilledAnywhereLeavesEveryEarlierSnapshotAndNoPartialOne() throws {
    let space = try Workspace()
    // One complete ingest: its duration spreads the kills, and its counts are what a finished ingest stores.
    let clock = ContinuousClock()
    let start = clock.now
    let full = try space.startIngest(snapshot: "full")
    full.waitUntilExit()
    let duration = clock.now - start
    try #require(full.terminationStatus == 0)
    let before = try space.snapshots()
    try #require(before["full"] == space.cluster.counts)

    var mutator = Mutator(seed: 9)  // the same kill points on every run
    var killedRunning = 0
    var estimate = duration
    var walsLeft = 0
    var killedWriting = 0
    // Twelve kills by default; ROLECALL_KILLS=200 swift test --filter CrashSafety for a longer run.
    let kills = ProcessInfo.processInfo.environment["ROLECALL_KILLS"].flatMap { Int($0) } ?? 12
    for i in 0..<kills {
      let name = "victim-\(i)"
      let walBefore = walModified(space.db)
      let ingest = try space.startIngest(snapshot: name)
      // Anywhere in the run, but mostly in its second half, where the transaction writes and commits.
      let delay = estimate * (Double(mutator.next(1000)) / 1000).squareRoot()
      Thread.sleep(forTimeInterval: delay / .seconds(1))
      kill(ingest.processIdentifier, SIGKILL)
      ingest.waitUntilExit()
      if ingest.terminationReason == .uncaughtSignal {
        killedRunning += 1
        // The -wal was written to (uncommitted pages): the kill hit the write transaction itself, not the parsing
        // before it. (Its size says nothing: SQLite reuses a -wal from its start without shrinking it.)
        if walModified(space.db) != walBefore { killedWriting += 1 }
      } else {
        // It finished sooner than the first, timed under other load: aim the next kills within this shorter run.
        estimate = min(estimate, delay)
      }

      // The database opens; the earlier snapshots are all there, unchanged; the killed one is absent, or complete
      // when the ingest had committed before the signal.
      var after = try space.snapshots()
      if let victim = after.removeValue(forKey: name) {
        #expect(victim == space.cluster.counts, "kill \(i): \(name) is partial: \(victim)")
        #expect(try runRolecall(["snapshots", "rm", name, "--db", space.db]).status == 0)
      }
      #expect(after == before, "kill \(i)")
      #expect(try space.orphanRows() == noOrphans, "kill \(i)")
      // What SQLite leaves after a kill is as private as the database.
      for suffix in ["", "-wal", "-shm"] {
        if let mode = try? FileManager.default.attributesOfItem(atPath: space.db + suffix)[.posixPermissions] as? Int {
          #expect(mode & 0o077 == 0, "\(suffix): \(String(mode, radix: 8))")
          if suffix == "-wal" { walsLeft += 1 }
        }
      }
    }
    // Where the kills land depends on the machine's load: the tally is printed, not required, except that a run
    // whose every kill came after the ingest finished proved nothing and says so.
    #expect(killedRunning > 0, "no kill hit a running ingest: the kill points missed every run")
    print(
      "crash safety: \(killedRunning) of \(kills) kills hit a running ingest, \(killedWriting) of them while it "
        + "wrote the -wal; \(walsLeft) left a -wal file")
    // The next ingest needs no repair.
    let next = try space.startIngest(snapshot: "next")
    next.waitUntilExit()
    #expect(next.terminationStatus == 0)
    #expect(try space.snapshots()["next"] == space.cluster.counts)
    #expect(
      try runRolecall(["can-i", "get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs", "--snapshot", "base", "--db", space.db]).stdout
        == "yes\n")
  }
}

@Test(.timeLimit(.minutes(1))) func readersAreNotBlockedByAnIngestAndNeverSeeAPartialSnapshot() throws {
  let space = try Workspace()
  let before = try space.snapshots()
  let ingest = try space.startIngest(snapshot: "new")
  var readsWhileRunning = 0
  var reads = 0
  while ingest.isRunning || reads == 0 {
    var list = try space.snapshots()
    let answer = try runRolecall(
      ["can-i", "get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs", "--snapshot", "base", "--db", space.db])
    let stillRunning = ingest.isRunning
    reads += 1
    if let new = list.removeValue(forKey: "new") {
      #expect(new == space.cluster.counts, "read \(reads) saw a partial snapshot: \(new)")
      #expect(list == before)
    } else {
      #expect(list == before, "read \(reads)")
      if stillRunning { readsWhileRunning += 1 }
    }
    #expect(answer.status == 0 && answer.stdout == "yes\n", "read \(reads): \(answer.stderr)")
  }
  ingest.waitUntilExit()
  #expect(ingest.terminationStatus == 0)
  // Reads went on, and finished, while the ingest still ran (how many depends on the machine's load).
  #expect(readsWhileRunning >= 1, "\(readsWhileRunning) of \(reads) reads finished during the ingest")
  #expect(try space.snapshots()["new"] == space.cluster.counts)
}

@Test(.timeLimit(.minutes(1))) func readersAreNotBlockedByAnOpenWriteTransaction() throws {
  // The moment an ingest is slowest to observe, held open on purpose: a writer mid-transaction (the sqlite3 shell,
  // reading its statements from a pipe that stays open), with a half-written snapshot.
  let space = try Workspace()
  let before = try space.snapshots()
  let sqlite = Process()
  sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  sqlite.arguments = ["sqlite3", space.db]
  let input = Pipe()
  let output = Pipe()
  sqlite.standardInput = input
  sqlite.standardOutput = output
  try sqlite.run()
  defer {
    try? input.fileHandleForWriting.close()
    sqlite.waitUntilExit()
  }
  try input.fileHandleForWriting.write(
    contentsOf: Data(
      """
      BEGIN IMMEDIATE;
      INSERT INTO snapshot (name, created_at) VALUES ('half-written', '2026-01-01T00:00:00Z');
      INSERT INTO namespace (snapshot_id, name, source_file, source_document)
        SELECT id, 'ns', 'x.yaml', 1 FROM snapshot WHERE name = 'half-written';
      SELECT 'writing';

      """.utf8))
  // The shell prints the marker once the transaction holds the write lock and the rows are in.
  var printed = Data()
  while printed.range(of: Data("writing".utf8)) == nil {
    let chunk = output.fileHandleForReading.availableData
    if chunk.isEmpty { break }  // the shell exited
    printed += chunk
  }
  try #require(printed.range(of: Data("writing".utf8)) != nil, "the sqlite3 shell did not start writing")
  #expect(try space.snapshots() == before)
  let answer = try runRolecall(
    ["can-i", "get", "pods", "-n", "prod", "--as", "bob", "--as-group", "devs", "--snapshot", "base", "--db", space.db])
  // A reader blocked by the transaction would wait out the busy timeout and then fail, not answer.
  #expect(answer.stdout == "yes\n" && answer.status == 0)
  try input.fileHandleForWriting.write(contentsOf: Data("ROLLBACK;\n".utf8))
}

@Test(.timeLimit(.minutes(1))) func twoIngestsAtOnceBothLandWhole() throws {
  for fresh in [false, true] {
    // Into an existing database, and into a new one that both processes create and migrate at the same moment.
    let space = try Workspace()
    if fresh { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: space.db + suffix) } }
    let first = try space.startIngest(snapshot: "first")
    let second = try space.startIngest(snapshot: "second")
    first.waitUntilExit()
    second.waitUntilExit()
    let errors = ["first", "second"].map { String(decoding: contents(of: space.errorLog($0).path) ?? Data(), as: UTF8.self) }
    // The later one waits for the earlier (busy timeout), rather than failing or corrupting anything.
    #expect(first.terminationStatus == 0 && second.terminationStatus == 0, "fresh: \(fresh): \(errors)")
    let snapshots = try space.snapshots()
    #expect(snapshots["first"] == space.cluster.counts && snapshots["second"] == space.cluster.counts, "fresh: \(fresh)")
    #expect(try space.orphanRows() == noOrphans)
  }
}

@Test(.timeLimit(.minutes(1))) func concurrentIngestsIntoANewDatabaseAllLand() throws {
  // Four processes create and migrate one new file at the same moment, eight times over. Before migrations were
  // retried and the file created with O_EXCL, about half of such rounds lost an ingest ("table snapshot already
  // exists", "disk I/O error").
  let dir = try temporaryDirectory()
  for round in 0..<8 {
    let db = dir.appendingPathComponent("round-\(round).db").path
    let processes = try (1...4).map { n in
      let process = Process()
      process.executableURL = rolecallBinary
      process.currentDirectoryURL = repositoryRoot
      process.arguments = ["ingest", "fixtures/cases/semantics.yaml", "--snapshot", "s\(n)", "--db", db, "-q"]
      process.standardOutput = FileHandle.nullDevice
      let log = dir.appendingPathComponent("round-\(round)-\(n).stderr").path
      FileManager.default.createFile(atPath: log, contents: nil)
      process.standardError = FileHandle(forWritingAtPath: log)
      try process.run()
      return process
    }
    for process in processes { process.waitUntilExit() }
    let errors = (1...4).map { String(decoding: contents(of: dir.appendingPathComponent("round-\(round)-\($0).stderr").path) ?? Data(), as: UTF8.self) }
    #expect(processes.map(\.terminationStatus) == [0, 0, 0, 0], "round \(round): \(errors)")
    let list = try runRolecall(["snapshots", "-o", "json", "--db", db])
    let names = try (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? [])
      .map { "\(try #require($0["name"])):\(try #require($0["roleBindings"]))" }
    #expect(names.sorted() == ["s1:4", "s2:4", "s3:4", "s4:4"], "round \(round)")
  }
}
