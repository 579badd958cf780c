import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCoreTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@Suite struct WorkerDrainTests {
    @Test func drainRunsEverythingHonouringTheKeyLimitThenStops() async throws {
        let clock = ManualClock()
        let store = MemoryJobStore(clock: clock)
        let perKey = Mutex<(running: [String: Int], peak: [String: Int], total: Int)>(([:], [:], 0))
        var handlers = JobHandlers()
        handlers.register(echoKind) { echo, context in
            let key = try #require(context.job.key)
            perKey.withLock { state in
                state.running[key, default: 0] += 1
                state.peak[key] = max(state.peak[key] ?? 0, state.running[key]!)
                state.total += 1
            }
            await Task.yield()
            perKey.withLock { $0.running[key, default: 0] -= 1 }
        }
        let queue = DurableJobQueue(store: store)
        let jobs = (0..<60).map { (Echo(text: "\($0)"), JobOptions(key: "k\($0 % 3)")) }
        _ = try await queue.enqueue(echoKind, jobs)
        let worker = Worker(
            store: store, handlers: handlers,
            configuration: Worker.Configuration(concurrency: 8, keyLimit: 1, drain: .whenNothingQueued), clock: clock
        )
        try await worker.run()
        #expect(try await store.count(JobFilter(states: [.succeeded])) == 60)
        #expect(perKey.withLock { $0.total } == 60)
        #expect(perKey.withLock { $0.peak } == ["k0": 1, "k1": 1, "k2": 1], "never two jobs of one key at once")
    }

    /// A worker on a store with one job that fails its first attempt (retry in 10 s).
    func flakyWorker(_ mode: Worker.DrainMode, clock: ManualClock, events: WorkerEvents) -> (MemoryJobStore, Worker) {
        let store = MemoryJobStore(clock: clock)
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, context in
            if context.attempt == 1 { throw JobFailure("flaky") }
        }
        var configuration = Worker.Configuration(lease: .seconds(3600), pollInterval: .seconds(1), drain: mode)
        configuration.retry = RetryPolicy(base: .seconds(10), jitter: 0)
        return (store, Worker(store: store, handlers: handlers, configuration: configuration, clock: clock, observer: events.observer))
    }

    @Test func whenNothingQueuedWaitsForAScheduledRetryAndRunsIt() async throws {
        let clock = ManualClock()
        var events = WorkerEvents()
        let (store, worker) = flakyWorker(.whenNothingQueued, clock: clock, events: events)
        let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            #expect(await events.finished(job.id) == .failed)
            // Queued, not due for 10 s: the worker stays, sleeping on the clock.
            #expect(try await store.job(job.id).state == .queued)
            clock.advance(by: .seconds(10))
            // The retry's end, not the worker's: a worker that had returned would say `.stopped`.
            let next = await events.next { if case .finished(job.id, _) = $0 { true } else { $0 == .stopped } }
            #expect(next == .finished(job.id, .succeeded))
            try await group.waitForAll()
        }
        #expect(try await store.job(job.id).state == .succeeded)
        #expect(try await store.runs(of: job.id).map(\.outcome) == [.failed, .succeeded])
    }

    @Test func whenNothingDueReturnsWhileARetryWaits() async throws {
        let clock = ManualClock()
        let events = WorkerEvents()
        let (store, worker) = flakyWorker(.whenNothingDue, clock: clock, events: events)
        let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
        try await worker.run()
        let record = try await store.job(job.id)
        #expect(record.state == .queued && record.attempt == 1)
        #expect(record.runAt == clock.now.addingTimeInterval(10), "left for a later run")
    }

    @Test func whenNothingQueuedWaitsForAJobRunningElsewhere() async throws {
        let clock = ManualClock()
        let store = MemoryJobStore(clock: clock)
        let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
        // Another worker holds it.
        let claimed = try await store.claim(ClaimRequest(workerID: "other", limit: 1, lease: .seconds(60)))
        #expect(claimed.map(\.id) == [job.id])
        var events = WorkerEvents()
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, _ in }
        let worker = Worker(
            store: store, handlers: handlers, configuration: .init(pollInterval: .seconds(1), drain: .whenNothingQueued),
            clock: clock, observer: events.observer
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            await events.next { $0 == .idle }
            _ = try await store.complete(job.id, epoch: claimed[0].epoch)
            clock.advance(by: .seconds(1))
            try await group.waitForAll()
        }
        #expect(try await store.job(job.id).state == .succeeded)
    }

    @Test func aDrainingWorkerInAServiceGroupEndsItOnlyAsConfigured() async throws {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        func drainingWorker() -> Worker {
            var handlers = JobHandlers()
            handlers.register(echoKind) { _, _ in }
            return Worker(store: MemoryJobStore(), handlers: handlers, configuration: .init(drain: .whenNothingQueued))
        }
        let server = UntilShutdownService()
        // As documented: the group shuts down gracefully once the worker has drained.
        try await ServiceGroup(configuration: .init(
            services: [.init(service: drainingWorker(), successTerminationBehavior: .gracefullyShutdownGroup), .init(service: server)],
            logger: logger
        )).run()
        #expect(server.sawGracefulShutdown)
        // With the default behaviour, its return ends the group as an unexpected finish.
        await #expect(throws: ServiceGroupError.self) {
            try await ServiceGroup(configuration: .init(services: [.init(service: drainingWorker()), .init(service: UntilShutdownService())], logger: logger)).run()
        }
    }

    @Test func idempotencyKeyThroughTheQueue() async throws {
        let queue = DurableJobQueue(store: MemoryJobStore())
        let first = try await queue.enqueue(echoKind, Echo(text: "a"), options: JobOptions(idempotencyKey: "once"))
        let second = try await queue.enqueue(echoKind, Echo(text: "b"), options: JobOptions(idempotencyKey: "once"))
        #expect(first.created && !second.created)
        #expect(second.job.id == first.job.id)
        #expect(try JSONDecoder().decode(Echo.self, from: second.job.payload) == Echo(text: "a"))
    }

    @Test func retryPolicyGrowsCapsAndSpreads() {
        let policy = RetryPolicy(base: .seconds(1), multiplier: 2, maximum: .seconds(30), jitter: 0.2)
        #expect(policy.delay(afterAttempt: 1, random: 0.5) == .seconds(1))
        #expect(policy.delay(afterAttempt: 3, random: 0.5) == .seconds(4))
        #expect(policy.delay(afterAttempt: 10, random: 0.5) == .seconds(30), "capped")
        #expect(policy.delay(afterAttempt: 3, random: 0) == .milliseconds(3200), "jitter down")
        #expect(policy.delay(afterAttempt: 3, random: 0.999_999) == .milliseconds(4800), "jitter up")
    }

    @Test func jobIDsAreTimeOrderedULIDs() {
        let clock = ManualClock()
        let ids = (0..<1000).map { _ in JobID.make(at: clock.now) }
        #expect(ids == ids.sorted() && Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.rawValue.count == 26 })
        let later = JobID.make(at: clock.now.addingTimeInterval(1))
        #expect(later > ids.last!)
    }
}

/// Runs until graceful shutdown, like an HTTP server.
final class UntilShutdownService: Service {
    private let shutdown = Mutex(false)
    var sawGracefulShutdown: Bool { shutdown.withLock { $0 } }

    func run() async throws {
        try? await gracefulShutdown()
        shutdown.withLock { $0 = true }
    }
}

/// Issue 17 item 8: a draining worker reaps before it decides that nothing is left.
@Suite struct WorkerDrainReapTests {
    @Test(.timeLimit(.minutes(3)), arguments: [Worker.DrainMode.whenNothingDue, .whenNothingQueued])
    func aDrainingWorkerReapsADeadWorkersExpiredLeaseAndRunsTheJob(_ mode: Worker.DrainMode) async throws {
        let clock = ManualClock()
        let store = MemoryJobStore(clock: clock)
        let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
        _ = try await store.claim(ClaimRequest(workerID: "dead", limit: 1, lease: .seconds(60)))
        clock.advance(by: .seconds(61))
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, _ in }
        // Intervals far longer than the test: only the drain's own reap can return the job.
        let worker = Worker(
            store: store, handlers: handlers,
            configuration: .init(lease: .seconds(3600), heartbeatInterval: .seconds(600), reaperInterval: .seconds(600), drain: mode),
            clock: clock
        )
        try await worker.run()
        let record = try await store.job(job.id)
        #expect(record.state == .succeeded)
        #expect(record.attempt == 2)
    }
}
