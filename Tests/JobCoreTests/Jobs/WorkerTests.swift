import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCoreTesting
import Synchronization
import Testing

@Suite struct WorkerTests {
    let clock = ManualClock()

    func makeWorker(
        _ store: any JobStore, _ handlers: JobHandlers, _ events: WorkerEvents,
        configure: (inout Worker.Configuration) -> Void = { _ in }
    ) -> Worker {
        var configuration = Worker.Configuration(workerID: "test-worker", lease: .seconds(3600), heartbeatInterval: .seconds(5))
        configuration.retry = RetryPolicy(base: .seconds(10), multiplier: 2, jitter: 0)
        configure(&configuration)
        return Worker(store: store, handlers: handlers, configuration: configuration, clock: clock, observer: events.observer)
    }

    @Test func runsHandlersAndWakesOnEnqueueWithoutPolling() async throws {
        let store = MemoryJobStore(clock: clock)
        var handlers = JobHandlers()
        handlers.register(echoKind) { echo, context in
            context.record("tokens", 42)
            try await context.appendOutput(Data("said \(echo.text)\n".utf8))
            return Echo(text: echo.text.uppercased())
        }
        var events = WorkerEvents()
        let worker = makeWorker(store, handlers, events)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            await events.next { $0 == .idle }
            // The clock never moves: only the in-process wake-up can start the job.
            let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "hi")).job
            #expect(await events.finished(job.id) == .succeeded)
            let done = try await store.job(job.id)
            #expect(done.state == .succeeded)
            #expect(try JSONDecoder().decode(Echo.self, from: #require(done.result)) == Echo(text: "HI"))
            #expect(try await store.runs(of: job.id).first?.insights == ["tokens": 42])
            #expect(try await store.readLog(job.id, from: 0, maxBytes: 100).data == Data("said hi\n".utf8))
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
        }
        #expect(await events.next { $0 == .stopped } == .stopped)
    }

    @Test func failedAttemptsRetryWithExponentialBackOff() async throws {
        let store = MemoryJobStore(clock: clock)
        let attempts = Atomic<Int>(0)
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, context in
            if attempts.add(1, ordering: .relaxed).newValue < 3 { throw JobFailure("flaky \(context.attempt)") }
        }
        var events = WorkerEvents()
        let worker = makeWorker(store, handlers, events)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            let start = clock.now
            let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
            #expect(await events.finished(job.id) == .failed)
            #expect(try await store.job(job.id).runAt == start.addingTimeInterval(10))
            clock.advance(by: .seconds(9))
            #expect(try await store.job(job.id).state == .queued)
            clock.advance(by: .seconds(1))
            #expect(await events.finished(job.id) == .failed)
            let second = try await store.job(job.id)
            #expect(second.state == .queued && second.attempt == 2)
            #expect(second.runAt == clock.now.addingTimeInterval(20), "the delay doubles")
            clock.advance(by: .seconds(20))
            #expect(await events.finished(job.id) == .succeeded)
            let runs = try await store.runs(of: job.id)
            #expect(runs.map(\.outcome) == [.failed, .failed, .succeeded])
            #expect(runs.map(\.error) == ["flaky 1", "flaky 2", nil])
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
        }
    }

    @Test func permanentFailuresAndUndecodablePayloadsAreNotRetried() async throws {
        let store = MemoryJobStore(clock: clock)
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, _ in throw JobFailure.permanent("bad input", exitCode: 2) }
        var events = WorkerEvents()
        let worker = makeWorker(store, handlers, events)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            let bad = try await store.enqueue(NewJob(kind: "echo", payload: Data("not json".utf8))).job
            #expect(await events.finished(bad.id) == .failed)
            let undecodable = try await store.job(bad.id)
            #expect(undecodable.state == .failed)
            #expect(undecodable.lastError?.contains("cannot be decoded") == true)
            let permanent = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
            #expect(await events.finished(permanent.id) == .failed)
            #expect(try await store.job(permanent.id).state == .failed)
            #expect(try await store.runs(of: permanent.id).first?.exitCode == 2)
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
        }
    }

    @Test func timeoutStopsTheAttemptAndFailsTheJob() async throws {
        let store = MemoryJobStore(clock: clock)
        let started = Signals<Void>()
        let reasons = Mutex<[JobContext.StopReason?]>([])
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, context in
            started.send(())
            do { try await runUntilCancelled() } catch {
                reasons.withLock { $0.append(context.stopReason) }
                throw error
            }
        }
        var events = WorkerEvents()
        let worker = makeWorker(store, handlers, events)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x"), options: JobOptions(timeout: .seconds(30))).job
            await started.next()
            clock.advance(by: .seconds(29))
            #expect(try await store.job(job.id).state == .running)
            clock.advance(by: .seconds(1))
            #expect(await events.finished(job.id) == .timedOut)
            let record = try await store.job(job.id)
            #expect(record.state == .failed)
            #expect(record.lastError == "timed out after 30s")
            #expect(reasons.withLock { $0 } == [.timedOut])
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
        }
    }

    @Test(arguments: JobStopMode.allCases)
    func cancelOfARunningJobStopsItWithinOneHeartbeat(mode: JobStopMode) async throws {
        let store = MemoryJobStore(clock: clock)
        let started = Signals<Void>()
        let reasons = Mutex<[JobContext.StopReason?]>([])
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, context in
            started.send(())
            do { try await runUntilCancelled() } catch {
                reasons.withLock { $0.append(context.stopReason) }
                throw error
            }
        }
        var events = WorkerEvents()
        let worker = makeWorker(store, handlers, events)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
            await started.next()
            try await store.cancel(job.id, reason: "no longer needed", mode: mode)
            clock.advance(by: .seconds(5))
            #expect(await events.finished(job.id) == .cancelled)
            #expect(try await store.job(job.id).state == .cancelled)
            #expect(reasons.withLock { $0 } == [.cancelled(reason: "no longer needed", mode: mode)])
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
        }
    }

    @Test func aPurgedRunningJobIsStoppedWithoutReporting() async throws {
        let store = MemoryJobStore(clock: clock)
        let started = Signals<Void>()
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, _ in
            started.send(())
            try await runUntilCancelled()
        }
        var events = WorkerEvents()
        let worker = makeWorker(store, handlers, events)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
            await started.next()
            #expect(try await store.purge([job.id]) == 1)
            clock.advance(by: .seconds(5))
            #expect(await events.finished(job.id) == nil, "the lost attempt reports nothing")
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
        }
    }

    @Test func aDeadWorkersJobIsReapedRerunAndItsLateCompletionRefused() async throws {
        let store = MemoryJobStore(clock: clock)
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, _ in }
        let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
        // A worker that claimed the job, then died (it never renews its 30 s lease).
        let dead = try #require(try await store.claim(ClaimRequest(workerID: "dead", lease: .seconds(30))).first)
        var events = WorkerEvents()
        let worker = makeWorker(store, handlers, events) { $0.reaperInterval = .seconds(5) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            await events.next { $0 == .idle }
            clock.advance(by: .seconds(31))
            #expect(await events.finished(job.id) == .succeeded)
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
        }
        let runs = try await store.runs(of: job.id)
        #expect(runs.map(\.outcome) == [.leaseExpired, .succeeded])
        #expect(runs.map(\.workerID) == ["dead", "test-worker"])
        await #expect(throws: JobStoreError.self) { try await store.complete(job.id, epoch: dead.epoch) }
        #expect(try await store.job(job.id).state == .succeeded, "the late completion changed nothing")
    }
}
