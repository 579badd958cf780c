import ArgumentParser
import Foundation
import JobCore
import Logging

/// `jobctl bench`: no-op jobs through the real store and worker code.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a store with no-op jobs: enqueue rate, drain rate and pickup latency.",
        discussion: """
            Enqueues --jobs no-op jobs spread over --keys concurrency keys (in batches), then runs a \
            worker with --concurrency slots until all are done, then measures pickup latency: the \
            time from enqueue to handler start for jobs enqueued one at a time to an idle worker. \
            With --dependents N, then also the time to end a job that N waiting jobs depend on \
            (which queues them all in the same transaction), beside the time to end a job with none. \
            Then the rate of single-job enqueues from 1, 16 and 256 concurrent callers \
            (--enqueue-callers), which the SQL stores combine into shared transactions. \
            Then, on a store other processes share (SQLite, PostgreSQL), the pickup latency across \
            processes: a `jobctl worker` child process polling only every 60 s runs command jobs \
            (`true`) enqueued one at a time by this process (--process-samples). \
            The jobs use a private queue and are purged at the end.
            """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Option(help: "Jobs to enqueue and drain.")
    var jobs: Int = 10_000

    @Option(help: "Concurrency keys the jobs are spread over (0: no key).")
    var keys: Int = 100

    @Option(help: "Jobs the worker runs at once.")
    var concurrency: Int = 64

    @Option(name: .customLong("key-limit"), help: "Jobs of one key running at once.")
    var keyLimit: Int = 1

    @Option(help: "Jobs enqueued one at a time to measure pickup latency.")
    var samples: Int = 200

    @Option(name: .customLong("process-samples"), help: "Jobs enqueued one at a time for a worker in another process (0: skip).")
    var processSamples: Int = 100

    @Option(help: "Waiting jobs that depend on one job, to time that job's end (0: skip).")
    var dependents: Int = 0

    @Option(name: .customLong("enqueue-callers"), help: ArgumentHelp(
        "Concurrent callers enqueueing single jobs, to measure group commit (repeatable; 0: skip).", valueName: "n"))
    var enqueueCallers: [Int] = [1, 16, 256]

    @Option(name: .customLong("enqueue-jobs"), help: "Single jobs enqueued at each --enqueue-callers level.")
    var enqueueJobs: Int = 2000

    @Flag(help: "Print one JSON document.")
    var json = false

    func validate() throws {
        guard (1...1_000_000).contains(jobs) else { throw ValidationError("--jobs must be from 1 to 1000000") }
        guard (0...jobs).contains(keys) else { throw ValidationError("--keys must be from 0 to --jobs") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 1024") }
        guard (1...100_000).contains(keyLimit) else { throw ValidationError("--key-limit must be from 1 to 100000") }
        guard (0...100_000).contains(samples) else { throw ValidationError("--samples must be from 0 to 100000") }
        guard (0...10_000).contains(processSamples) else { throw ValidationError("--process-samples must be from 0 to 10000") }
        guard (0...100_000).contains(dependents) else { throw ValidationError("--dependents must be from 0 to 100000") }
        guard enqueueCallers.allSatisfy({ (0...4096).contains($0) }) else { throw ValidationError("--enqueue-callers must be from 0 to 4096") }
        guard (1...1_000_000).contains(enqueueJobs) else { throw ValidationError("--enqueue-jobs must be from 1 to 1000000") }
    }

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger(label: "jobctl.bench")
            let location = try global.storeOptions.location()
            var report = try await global.withStore(logger: logger) { store in
                let runner = BenchRunner(
                    store: store, jobs: jobs, keys: keys, concurrency: concurrency, keyLimit: keyLimit, samples: samples,
                    dependents: dependents, enqueueCallers: enqueueCallers.filter { $0 > 0 }, enqueueJobs: enqueueJobs,
                    processSamples: location == .memory ? 0 : processSamples, location: location,
                    workspaceRoot: global.resolvedWorkspaceRoot, logger: logger
                )
                return try await runner.run()
            }
            report.store = try global.storeOptions.location().description
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.text)
            }
        }
    }
}

/// What `jobctl bench` measured.
struct BenchReport: Codable {
    var store = ""
    var jobs: Int
    var keys: Int
    var concurrency: Int
    var keyLimit: Int
    var enqueueSeconds: Double
    var enqueueJobsPerSecond: Double
    var drainSeconds: Double
    var drainJobsPerSecond: Double
    var pickupSamples: Int
    var pickupLatencyP50Ms: Double?
    var pickupLatencyP99Ms: Double?
    /// With `--dependents N`: N waiting jobs depended on one job; the time to end that job
    /// (queueing all N in the same transaction), and to end a job with no dependents.
    var dependents: Int?
    var unblockMs: Double?
    var completeWithoutDependentsMs: Double?
    /// Single jobs enqueued by concurrent callers: the rate at each level.
    var enqueueConcurrency: [EnqueueRate] = []
    /// Jobs enqueued one at a time by this process for a `jobctl worker` in another process that
    /// polls every `crossProcessPollIntervalMs`: the time from enqueue to the attempt's start.
    var crossProcessPickupSamples = 0
    var crossProcessPickupLatencyP50Ms: Double?
    var crossProcessPickupLatencyP99Ms: Double?
    var crossProcessPollIntervalMs: Double?

    struct EnqueueRate: Codable {
        var callers: Int
        var jobs: Int
        var jobsPerSecond: Double
    }

    var text: String {
        func rate(_ value: Double) -> String { String(format: "%.0f jobs/s", value) }
        func ms(_ value: Double?) -> String { value.map { String(format: "%.2f ms", $0) } ?? "-" }
        return """
            store        \(store)
            jobs         \(jobs) over \(keys) keys, concurrency \(concurrency), key limit \(keyLimit)
            enqueue      \(rate(enqueueJobsPerSecond)) (\(String(format: "%.2f", enqueueSeconds)) s)
            drain        \(rate(drainJobsPerSecond)) (\(String(format: "%.2f", drainSeconds)) s)
            pickup p50   \(ms(pickupLatencyP50Ms))
            pickup p99   \(ms(pickupLatencyP99Ms)) (\(pickupSamples) samples)
            """ + (crossProcessPickupSamples == 0 ? "" : """

            pickup p50   \(ms(crossProcessPickupLatencyP50Ms)) from another process
            pickup p99   \(ms(crossProcessPickupLatencyP99Ms)) from another process (\(crossProcessPickupSamples) samples; it polls every \(String(format: "%.0f s", (crossProcessPollIntervalMs ?? 0) / 1000)))
            """) + (dependents.map { count in
                "\nunblock      \(ms(unblockMs)) to end a job \(count) waiting jobs depend on (\(ms(completeWithoutDependentsMs)) without)"
            } ?? "") + enqueueConcurrency.map { level in
                "\nenqueue x\(level.callers)".padding(toLength: 14, withPad: " ", startingAt: 0)
                    + "\(rate(level.jobsPerSecond)) (single jobs from \(level.callers) concurrent caller\(level.callers == 1 ? "" : "s"))"
            }.joined()
    }
}
