// Durable store benchmarks (SQLite), one JSON object per result line:
//   swift run -c release --package-path Benchmarks StoreBenchmark [--jobs N] [--max-depth N] [--no-peer]
//
// - sqlite.drain.*: N no-op jobs enqueued, then drained by one Worker (the real claim/run/report
//   path: claims in batches up to free capacity, completions written in batches).
// - sqlite.claim_cost.depth_*: µs per job to claim (batches of 100, 100 keys, key limit 1) and
//   complete, with 1,000 … 1,000,000 jobs queued (best of 5); claim_latency: one claim (median).
// - sqlite.claim_latency.behind_busy_key: a claim that must pass a 100,000-job backlog of a busy key.
// - huey.sqlite.drain: the peer, run from Benchmarks/peers/huey_bench.py when huey is installed.
import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCoreSQLite

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}

func emit(_ fields: [String: any Sendable]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).timeInterval
}

let jobs = option("--jobs", 100_000)
let maxDepth = option("--max-depth", 1_000_000)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobcore-store-benchmark-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

func enqueue(_ store: SQLiteJobStore, count: Int, keys: Int, offset: Int = 0) async throws {
    for start in stride(from: 0, to: count, by: 5000) {
        let batch = (start..<min(count, start + 5000)).map { index in
            NewJob(kind: "noop", options: JobOptions(key: keys > 0 ? "key-\((offset + index) % keys)" : nil))
        }
        _ = try await store.enqueue(batch)
    }
}

// Drain through the worker.
var handlers = JobHandlers()
handlers.register(kind: "noop") { _, _ in nil }
var ourDrain = 0.0
for keys in [0, 1000] {
    let store = try SQLiteJobStore(path: directory.appendingPathComponent("drain-\(keys).sqlite").path)
    let enqueueStart = ContinuousClock.now
    try await enqueue(store, count: jobs, keys: keys)
    let enqueueRate = Double(jobs) / seconds(since: enqueueStart)
    let worker = Worker(store: store, handlers: handlers, configuration: Worker.Configuration(
        concurrency: 256, keyLimit: 1, pollInterval: .milliseconds(50), drain: .whenNothingQueued, validateOnStart: false
    ))
    let drainStart = ContinuousClock.now
    try await worker.run()
    let drainRate = Double(jobs) / seconds(since: drainStart)
    let succeeded = try await store.count(JobFilter(states: [.succeeded]))
    precondition(succeeded == jobs, "drained \(succeeded) of \(jobs)")
    let label = keys == 0 ? "no_keys" : "\(keys)_keys"
    emit(["name": "sqlite.enqueue.\(label)", "value": enqueueRate.rounded(), "unit": "jobs/s", "jobs": jobs, "batch": 5000])
    emit(["name": "sqlite.drain.\(label)", "value": drainRate.rounded(), "unit": "jobs/s", "jobs": jobs, "concurrency": 256,
          "peer": "huey on SQLite, 4 threads (ANCHORS.md)", "peer_value": 2600])
    if keys == 0 { ourDrain = drainRate }
}

// Claim cost against queue depth.
let store = try SQLiteJobStore(path: directory.appendingPathComponent("depth.sqlite").path)
var queued = 0
var enqueued = 0
for depth in [1_000, 10_000, 100_000, 1_000_000] where depth <= maxDepth {
    // Top up so that at least `depth` jobs stay queued while this depth is measured.
    let repetitions = 5
    let cycles = 10
    let singles = 200
    let target = depth + repetitions * cycles * 100 + singles
    if queued < target {
        try await enqueue(store, count: target - queued, keys: 100, offset: enqueued)
        enqueued += target - queued
        queued = target
    }
    // Batches of 100: claim and complete; the best of 5 repetitions (the machine is shared).
    var best = Double.infinity
    var bestClaim = Double.infinity
    for _ in 0..<repetitions {
        var claiming = 0.0
        let start = ContinuousClock.now
        for _ in 0..<cycles {
            let claimStart = ContinuousClock.now
            let claimed = try await store.claim(ClaimRequest(workerID: "bench", limit: 100, keyLimit: 1))
            claiming += seconds(since: claimStart)
            precondition(claimed.count == 100, "claimed \(claimed.count) of 100 at depth \(depth)")
            _ = try await store.finish(claimed.map { JobFinish(id: $0.id, epoch: $0.epoch, outcome: .succeeded(result: nil)) })
        }
        best = min(best, seconds(since: start) / Double(cycles * 100) * 1_000_000)
        bestClaim = min(bestClaim, claiming / Double(cycles * 100) * 1_000_000)
    }
    // One at a time: the median latency of a single claim.
    var latencies: [Double] = []
    for _ in 0..<singles {
        let start = ContinuousClock.now
        let claimed = try await store.claim(ClaimRequest(workerID: "bench", limit: 1, keyLimit: 1))
        latencies.append(seconds(since: start) * 1_000_000)
        _ = try await store.finish(claimed.map { JobFinish(id: $0.id, epoch: $0.epoch, outcome: .succeeded(result: nil)) })
    }
    latencies.sort()
    queued -= repetitions * cycles * 100 + singles
    emit(["name": "sqlite.claim_cost.depth_\(depth)", "value": (best * 10).rounded() / 10, "unit": "us/job",
          "what": "claim 100 + complete 100, per job (best of 5)", "queued": depth])
    emit(["name": "sqlite.claim_only.depth_\(depth)", "value": (bestClaim * 10).rounded() / 10, "unit": "us/job",
          "what": "the claim part of the above, per job (best of 5)", "queued": depth])
    emit(["name": "sqlite.claim_latency.depth_\(depth)", "value": (latencies[singles / 2] * 10).rounded() / 10,
          "unit": "us", "what": "one claim of one job (median)", "queued": depth])
}

// The worst case for the claim walk: a deep backlog behind one busy key, free keys behind it.
do {
    let store = try SQLiteJobStore(path: directory.appendingPathComponent("busy.sqlite").path)
    let backlog = min(100_000, maxDepth)
    for start in stride(from: 0, to: backlog, by: 5000) {
        _ = try await store.enqueue((start..<min(backlog, start + 5000)).map { _ in NewJob(kind: "noop", options: JobOptions(key: "busy")) })
    }
    let busy = try await store.claim(ClaimRequest(workerID: "bench", limit: 1))
    precondition(busy.count == 1)
    try await enqueue(store, count: 400, keys: 100)
    let rounds = 200
    let start = ContinuousClock.now
    for _ in 0..<rounds {
        let claimed = try await store.claim(ClaimRequest(workerID: "bench", limit: 1, keyLimit: 1))
        precondition(claimed.count == 1 && claimed[0].key != "busy")
        _ = try await store.finish(claimed.map { JobFinish(id: $0.id, epoch: $0.epoch, outcome: .succeeded(result: nil)) })
    }
    emit(["name": "sqlite.claim_latency.behind_busy_key", "value": (seconds(since: start) / Double(rounds) * 1_000_000 * 10).rounded() / 10,
          "unit": "us", "what": "claim 1 + complete 1 behind \(backlog) queued jobs of one busy key", "queued": backlog + 400])
}

// The peer, measured here when huey is installed.
if !CommandLine.arguments.contains("--no-peer") {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../peers/huey_bench.py").standardized
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, "--jobs", "20000", "--threads", "4"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    if (try? process.run()) != nil {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 0 {
            FileHandle.standardOutput.write(data)
            if let drain = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
               let object = try? JSONSerialization.jsonObject(with: Data(drain.utf8)) as? [String: Any],
               let huey = object["value"] as? Double, huey > 0 {
                emit(["name": "sqlite.drain.vs_huey", "value": (ourDrain / huey * 10).rounded() / 10, "unit": "x"])
            }
        } else {
            emit(["name": "huey.sqlite.drain", "skipped": "huey not installed (pip install huey)"])
        }
    }
}
