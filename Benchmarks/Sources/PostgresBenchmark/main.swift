// PostgreSQL store benchmarks, one JSON object per result line. The server comes from
// POSTGRES_HOST / POSTGRES_PORT / POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DATABASE (the
// defaults match scripts/postgres); Benchmarks/peers/postgres_bench.sh runs this beside
// `jobctl bench` and pgqueuer on the same server.
//
//   swift run -c release --package-path Benchmarks PostgresBenchmark [--jobs N] [--workers N] [--concurrency N] [--max-depth N]
//
// - postgres.drain.*: N no-op jobs enqueued, then drained by --workers worker processes (this
//   executable again, each a real Worker on its own PostgresJobStore, --concurrency slots,
//   512 by default).
// - postgres.claim_cost.depth_*: µs per job to claim 100 (100 keys, key limit 1) and complete
//   them, with 1,000 … 1,000,000 jobs queued; postgres.claim_latency.*: one claim of one job.
import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCorePostgres

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}

func text(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func emit(_ fields: [String: any Sendable]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).timeInterval
}

let environment = ProcessInfo.processInfo.environment
func url(schema: String) -> String {
    let user = environment["POSTGRES_USER"] ?? "jobcore"
    let password = environment["POSTGRES_PASSWORD"] ?? "jobcore"
    let host = environment["POSTGRES_HOST"] ?? "127.0.0.1"
    let port = environment["POSTGRES_PORT"] ?? "55432"
    let database = environment["POSTGRES_DATABASE"] ?? "jobcore"
    return "postgres://\(user):\(password)@\(host):\(port)/\(database)?sslmode=disable&schema=\(schema)&max_connections=8"
}

/// Runs `body` with a store whose client runs meanwhile.
func withStore<T: Sendable>(_ url: String, listen: Bool = false, _ body: @Sendable (PostgresJobStore) async throws -> T) async throws -> T {
    let store = try PostgresJobStore(url: url, configuration: .init(listen: listen, retention: .init(keepFinished: nil)))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        defer { group.cancelAll() }
        return try await body(store)
    }
}

// A worker process: drain the queue, then exit.
if CommandLine.arguments.contains("--worker"), let workerURL = text("--url") {
    let handlers = {
        var handlers = JobHandlers()
        handlers.register(kind: "noop") { _, _ in nil }
        return handlers
    }()
    try await withStore(workerURL, listen: true) { store in
        let worker = Worker(store: store, handlers: handlers, configuration: Worker.Configuration(
            workerID: text("--id") ?? "bench", concurrency: option("--concurrency", 256), keyLimit: 1,
            pollInterval: .milliseconds(50), drain: .whenNothingQueued, validateOnStart: false
        ))
        try await worker.run()
    }
    exit(0)
}

let jobs = option("--jobs", 100_000)
let workers = option("--workers", 2)
let concurrency = option("--concurrency", 512)
let maxDepth = option("--max-depth", 1_000_000)
let schemaSuffix = UInt32.random(in: 0...UInt32.max)

func enqueue(_ store: PostgresJobStore, count: Int, keys: Int, offset: Int = 0) async throws {
    for start in stride(from: 0, to: count, by: 5000) {
        let batch = (start..<min(count, start + 5000)).map { index in
            NewJob(kind: "noop", options: JobOptions(key: keys > 0 ? "key-\((offset + index) % keys)" : nil))
        }
        _ = try await store.enqueue(batch)
    }
}

func dropSchema(_ store: PostgresJobStore) async throws {
    try await store.client.query("DROP SCHEMA IF EXISTS \(unescaped: "\"\(store.configuration.schema.name)\"") CASCADE")
}

// Drain with worker processes.
let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
for keys in [0, 1000] where jobs > 0 {
    let schema = "bench_drain_\(keys)_\(schemaSuffix)"
    try await withStore(url(schema: schema)) { store in
        let enqueueStart = ContinuousClock.now
        try await enqueue(store, count: jobs, keys: keys)
        let enqueueRate = Double(jobs) / seconds(since: enqueueStart)
        let drainStart = ContinuousClock.now
        let processes = try (0..<workers).map { index -> Process in
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--worker", "--url", url(schema: schema), "--id", "worker-\(index)", "--concurrency", "\(concurrency)"]
            try process.run()
            return process
        }
        for process in processes { process.waitUntilExit() }
        let wall = seconds(since: drainStart)
        let succeeded = try await store.count(JobFilter(states: [.succeeded]))
        precondition(succeeded == jobs, "drained \(succeeded) of \(jobs)")
        var active = wall
        for try await span in try await store.client.query("""
            SELECT extract(epoch FROM max(finished_at) - min(started_at))::float8 FROM \(unescaped: "\"\(schema)\"").job_runs
            """).decode(Double.self) { active = span }
        let label = keys == 0 ? "no_keys" : "\(keys)_keys"
        emit(["name": "postgres.enqueue.\(label)", "value": enqueueRate.rounded(), "unit": "jobs/s", "jobs": jobs, "batch": 5000])
        emit([
            "name": "postgres.drain.\(label)", "value": (Double(jobs) / active).rounded(), "unit": "jobs/s", "jobs": jobs,
            "worker_processes": workers, "concurrency": concurrency, "wall_clock_value": (Double(jobs) / wall).rounded(),
            "peer": "pgqueuer, 5 consumers (ANCHORS.md; measured by postgres_bench.sh)", "peer_value": 2700,
        ])
        try await dropSchema(store)
    }
}

// Claim cost against queue depth.
try await withStore(url(schema: "bench_depth_\(schemaSuffix)")) { store in
    var queued = 0
    var enqueued = 0
    for depth in [1_000, 10_000, 100_000, 1_000_000] where depth <= maxDepth {
        if queued < depth + 2200 {
            try await enqueue(store, count: depth + 2200 - queued, keys: 100, offset: enqueued)
            enqueued += depth + 2200 - queued
            queued = depth + 2200
        }
        try await store.client.query("ANALYZE \(unescaped: "\"\(store.configuration.schema.name)\"").jobs")
        var bestPerJob = Double.infinity
        var bestClaimPerJob = Double.infinity
        for _ in 0..<5 {
            var claimSeconds = 0.0
            let start = ContinuousClock.now
            for _ in 0..<4 {
                let claimStart = ContinuousClock.now
                let claimed = try await store.claim(ClaimRequest(workerID: "bench", limit: 100, keyLimit: 1))
                claimSeconds += seconds(since: claimStart)
                precondition(claimed.count == 100, "claimed \(claimed.count)")
                _ = try await store.finish(claimed.map { JobFinish(id: $0.id, epoch: $0.epoch, outcome: .succeeded(result: nil)) })
            }
            bestPerJob = min(bestPerJob, seconds(since: start) / 400 * 1_000_000)
            bestClaimPerJob = min(bestClaimPerJob, claimSeconds / 400 * 1_000_000)
        }
        var singles: [Double] = []
        for _ in 0..<200 {
            let start = ContinuousClock.now
            let claimed = try await store.claim(ClaimRequest(workerID: "bench", limit: 1, keyLimit: 1))
            singles.append(seconds(since: start) * 1_000_000)
            _ = try await store.finish(claimed.map { JobFinish(id: $0.id, epoch: $0.epoch, outcome: .succeeded(result: nil)) })
        }
        queued -= 2200
        singles.sort()
        emit(["name": "postgres.claim_cost.depth_\(depth)", "value": (bestPerJob * 10).rounded() / 10, "unit": "us/job",
              "what": "claim 100 + complete 100, per job (best of 5)", "queued": depth,
              "claim_only": (bestClaimPerJob * 10).rounded() / 10])
        emit(["name": "postgres.claim_latency.depth_\(depth)", "value": (singles[singles.count / 2] * 10).rounded() / 10,
              "unit": "us", "what": "one claim of one job (median of 200)", "queued": depth])
    }
    try await dropSchema(store)
}
