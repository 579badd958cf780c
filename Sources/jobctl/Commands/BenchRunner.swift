import Foundation
@_spi(JobStoreImplementation) import JobCore
import Logging
import Synchronization

/// Runs the phases of `jobctl bench` against a store with a real ``Worker``.
struct BenchRunner {
    let store: any JobStore
    let jobs: Int
    let keys: Int
    let concurrency: Int
    let keyLimit: Int
    let samples: Int
    let dependents: Int
    let enqueueCallers: [Int]
    let enqueueJobs: Int
    let processSamples: Int
    let location: StoreLocation
    let workspaceRoot: String
    let logger: Logger

    static let noop = "jobctl.bench.noop"
    static let ping = "jobctl.bench.ping"

    func run() async throws -> BenchReport {
        let queue = "jobctl-bench-\(UInt32.random(in: 0...UInt32.max))"
        // Enqueue in batches, as a producer would.
        let enqueueStart = ContinuousClock.now
        var ids: [JobID] = []
        ids.reserveCapacity(jobs + samples)
        for batchStart in stride(from: 0, to: jobs, by: 1000) {
            let batch = (batchStart..<min(jobs, batchStart + 1000)).map { index in
                NewJob(kind: Self.noop, options: JobOptions(queue: queue, key: keys > 0 ? "key-\(index % keys)" : nil))
            }
            ids += try await store.enqueue(batch).map(\.job.id)
        }
        let enqueueSeconds = (ContinuousClock.now - enqueueStart).timeInterval

        let finished = Countdown(jobs)
        let pings = AsyncStream<Date>.makeStream()
        var handlers = JobHandlers()
        handlers.register(kind: Self.noop) { _, _ in nil }
        handlers.register(kind: Self.ping) { _, _ in
            pings.continuation.yield(Date())
            return nil
        }
        let worker = Worker(
            store: store, handlers: handlers,
            configuration: Worker.Configuration(
                workerID: queue, queue: queue, concurrency: concurrency, keyLimit: keyLimit,
                lease: .seconds(60), pollInterval: .milliseconds(100), validateOnStart: false
            ),
            logger: logger,
            observer: { event in if case .finished = event { finished.tick() } }
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let drainStart = ContinuousClock.now
            group.addTask { try await worker.run() }
            await finished.wait()
            let drainSeconds = (ContinuousClock.now - drainStart).timeInterval

            var latencies: [Double] = []
            var pingTimes = pings.stream.makeAsyncIterator()
            for _ in 0..<samples {
                let sent = Date()
                ids.append(try await store.enqueue(NewJob(kind: Self.ping, options: JobOptions(queue: queue))).job.id)
                guard let started = await pingTimes.next() else { break }
                latencies.append(started.timeIntervalSince(sent) * 1000)
            }
            worker.requestShutdown(grace: .seconds(5))
            try await group.waitForAll()
            for start in stride(from: 0, to: ids.count, by: 500) {
                _ = try await store.purge(Array(ids[start..<min(ids.count, start + 500)]))
            }
            var report = BenchReport(
                jobs: jobs, keys: keys, concurrency: concurrency, keyLimit: keyLimit,
                enqueueSeconds: enqueueSeconds, enqueueJobsPerSecond: Double(jobs) / enqueueSeconds,
                drainSeconds: drainSeconds, drainJobsPerSecond: Double(jobs) / drainSeconds,
                pickupSamples: latencies.count, pickupLatencyP50Ms: Self.percentile(latencies, 0.5),
                pickupLatencyP99Ms: Self.percentile(latencies, 0.99)
            )
            if dependents > 0 {
                (report.unblockMs, report.completeWithoutDependentsMs) = try await unblock(queue: "\(queue)-graph")
                report.dependents = dependents
            }
            report.enqueueConcurrency = try await concurrentEnqueues(queue: "\(queue)-single")
            if processSamples > 0 {
                let latencies = try await crossProcessPickup(queue: "\(queue)-process")
                report.crossProcessPickupSamples = latencies.count
                report.crossProcessPickupLatencyP50Ms = Self.percentile(latencies, 0.5)
                report.crossProcessPickupLatencyP99Ms = Self.percentile(latencies, 0.99)
                report.crossProcessPollIntervalMs = Double(Self.childPollInterval.components.seconds * 1000)
            }
            return report
        }
    }
}

extension BenchRunner {
    /// The value at `fraction` of the sorted latencies.
    static func percentile(_ values: [Double], _ fraction: Double) -> Double? {
        let sorted = values.sorted()
        return sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    /// How often the child worker of ``crossProcessPickup(queue:)`` polls: far longer than any
    /// latency it shows, so that only a wake-up explains one.
    static let childPollInterval: Duration = .seconds(60)

    /// Pickup latency across processes: a `jobctl worker` child process (this executable, the
    /// store given in its environment, never on its command line) runs command jobs enqueued
    /// one at a time by this process; each sample is the time from before the enqueue to the
    /// start the child recorded (one host, one clock). The first job only starts the child.
    func crossProcessPickup(queue: String) async throws -> [Double] {
        let storeText: String
        switch location {
        case .sqlite(let path): storeText = "sqlite:\(path)"
        case .postgres(let url): storeText = url
        case .memory: return []
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = [
            "worker", "--queue", queue, "--concurrency", "1", "--grace", "5s", "--log-level", "error",
            "--poll-interval", "\(Self.childPollInterval.components.seconds)s",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["JOBCTL_STORE"] = storeText
        environment["JOBCTL_WORKSPACE_ROOT"] = workspaceRoot
        child.environment = environment
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        let measured: Result<[Double], any Error>
        do { measured = .success(try await pickups(by: child, queue: queue)) } catch { measured = .failure(error) }
        // Stopped whatever happened; its exit is awaited on a thread of its own.
        child.terminate()
        _ = try? await DedicatedThread.run(name: "jobctl-bench-child") { child.waitUntilExit() }
        return try measured.get()
    }

    /// The samples of ``crossProcessPickup(queue:)``, with `child` running.
    private func pickups(by child: Process, queue: String) async throws -> [Double] {
        let command = NewJob(
            kind: CommandJob.kind.name, payload: try JSONEncoder().encode(CommandJob(command: ["true"])), options: JobOptions(queue: queue)
        )
        var latencies: [Double] = []
        var ids: [JobID] = []
        for sample in 0...processSamples {
            let sent = Date()
            let id = try await store.enqueue(command).job.id
            ids.append(id)
            // Until the child ends it (a bounded wait: a child that died fails the bench).
            let deadline = ContinuousClock.now + .seconds(30)
            var record = try await store.job(id)
            while !record.state.isTerminal {
                guard child.isRunning, ContinuousClock.now < deadline else {
                    throw CLIError(.failure, "bench: the worker process did not run job \(id) (state \(record.state.rawValue))")
                }
                try await Task.sleep(for: .milliseconds(1))
                record = try await store.job(id)
            }
            guard record.state == .succeeded, let started = record.startedAt else {
                throw CLIError(.failure, "bench: job \(id) ended \(record.state.rawValue) in the worker process")
            }
            if sample > 0 { latencies.append(started.timeIntervalSince(sent) * 1000) }
        }
        _ = try await store.purge(ids)
        return latencies
    }

    /// Times the end of a job that `dependents` waiting jobs depend on, and of a job with none,
    /// each claimed and completed as a worker does; checks that every dependent was queued.
    /// Returns both in milliseconds.
    func unblock(queue: String) async throws -> (Double, Double) {
        let options = JobOptions(queue: queue)
        let alone = try await store.enqueue(NewJob(kind: Self.noop, options: options)).job
        let root = try await store.enqueue(NewJob(kind: Self.noop, options: options)).job
        var ids = [alone.id, root.id]
        for batchStart in stride(from: 0, to: dependents, by: 1000) {
            let batch = (batchStart..<min(dependents, batchStart + 1000)).map { _ in
                NewJob(kind: Self.noop, options: JobOptions(queue: queue, dependsOn: [root.id]))
            }
            ids += try await store.enqueue(batch).map(\.job.id)
        }
        func timeCompletion(_ id: JobID) async throws -> Double {
            let claimed = try await store.claim(ClaimRequest(workerID: queue, limit: 1, lease: .seconds(60), queue: queue))
            guard claimed.first?.id == id else { throw CLIError(.failure, "bench: expected to claim job \(id)") }
            let start = ContinuousClock.now
            try await store.complete(id, epoch: claimed[0].epoch)
            return (ContinuousClock.now - start).timeInterval * 1000
        }
        let without = try await timeCompletion(alone.id)
        let unblock = try await timeCompletion(root.id)
        let queued = try await store.count(JobFilter(states: [.queued], queue: queue))
        guard queued == dependents else {
            throw CLIError(.failure, "bench: \(queued) of \(dependents) dependents were queued when their dependency ended")
        }
        for start in stride(from: 0, to: ids.count, by: 500) {
            _ = try await store.purge(Array(ids[start..<min(ids.count, start + 500)]))
        }
        return (unblock, without)
    }
}

extension BenchRunner {
    /// Single jobs enqueued by `callers` concurrent tasks, `enqueueJobs` in all, at each level:
    /// the rate a web server or webhook handler would see (concurrent enqueues share transactions).
    func concurrentEnqueues(queue: String) async throws -> [BenchReport.EnqueueRate] {
        var rates: [BenchReport.EnqueueRate] = []
        for callers in enqueueCallers {
            let each = max(1, enqueueJobs / callers)
            let start = ContinuousClock.now
            let ids = try await withThrowingTaskGroup(of: [JobID].self) { group in
                for _ in 0..<callers {
                    group.addTask {
                        var ids: [JobID] = []
                        for _ in 0..<each {
                            ids.append(try await store.enqueue(NewJob(kind: Self.noop, options: JobOptions(queue: queue))).job.id)
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let seconds = (ContinuousClock.now - start).timeInterval
            rates.append(.init(callers: callers, jobs: ids.count, jobsPerSecond: Double(ids.count) / seconds))
            for start in stride(from: 0, to: ids.count, by: 500) {
                _ = try await store.purge(Array(ids[start..<min(ids.count, start + 500)]))
            }
        }
        return rates
    }
}

/// Resumes a waiter once `count` ticks have happened.
final class Countdown: Sendable {
    private let state: Mutex<(left: Int, waiter: CheckedContinuation<Void, Never>?)>

    init(_ count: Int) {
        state = Mutex((count, nil))
    }

    func tick() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.left -= 1
            guard state.left == 0 else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if state.left <= 0 { return true }
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }
}
