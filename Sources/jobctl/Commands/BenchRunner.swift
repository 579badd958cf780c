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
            latencies.sort()
            func percentile(_ p: Double) -> Double? {
                latencies.isEmpty ? nil : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
            }
            var report = BenchReport(
                jobs: jobs, keys: keys, concurrency: concurrency, keyLimit: keyLimit,
                enqueueSeconds: enqueueSeconds, enqueueJobsPerSecond: Double(jobs) / enqueueSeconds,
                drainSeconds: drainSeconds, drainJobsPerSecond: Double(jobs) / drainSeconds,
                pickupSamples: latencies.count, pickupLatencyP50Ms: percentile(0.5), pickupLatencyP99Ms: percentile(0.99)
            )
            if dependents > 0 {
                (report.unblockMs, report.completeWithoutDependentsMs) = try await unblock(queue: "\(queue)-graph")
                report.dependents = dependents
            }
            report.enqueueConcurrency = try await concurrentEnqueues(queue: "\(queue)-single")
            return report
        }
    }
}

extension BenchRunner {
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
