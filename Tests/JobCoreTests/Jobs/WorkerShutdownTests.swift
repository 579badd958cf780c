import Foundation
import JobCore
import JobCoreTesting
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

@Suite struct WorkerShutdownTests {
    let clock = ManualClock()

    func makeWorker(_ store: any JobStore, _ handlers: JobHandlers, _ events: WorkerEvents, grace: Duration) -> Worker {
        let configuration = Worker.Configuration(
            workerID: "test-worker", concurrency: 2, lease: .seconds(3600), heartbeatInterval: .seconds(5), shutdownGracePeriod: grace
        )
        return Worker(store: store, handlers: handlers, configuration: configuration, clock: clock, observer: events.observer)
    }

    /// Handlers that run until stopped, recording why.
    func blockingHandlers(started: Signals<JobID>, reasons: Recorder<JobContext.StopReason?>) -> JobHandlers {
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, context in
            started.send(context.id)
            do { try await runUntilCancelled() } catch {
                reasons.append(context.stopReason)
                throw error
            }
        }
        return handlers
    }

    @Test func gracefulShutdownReturnsUnfinishedJobsToTheQueueAfterTheGracePeriod() async throws {
        let store = MemoryJobStore(clock: clock)
        let started = Signals<JobID>()
        let reasons = Recorder<JobContext.StopReason?>()
        var events = WorkerEvents()
        let worker = makeWorker(store, blockingHandlers(started: started, reasons: reasons), events, grace: .seconds(10))
        let queue = DurableJobQueue(store: store)
        let jobs = [
            try await queue.enqueue(echoKind, Echo(text: "a"), options: JobOptions(key: "a", maxAttempts: 1)).job,
            try await queue.enqueue(echoKind, Echo(text: "b"), options: JobOptions(key: "b", maxAttempts: 1)).job,
        ]
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                var iterator = started.stream.makeAsyncIterator()
                _ = await iterator.next()
                _ = await iterator.next()
                trigger.triggerGracefulShutdown()
                await events.next { $0 == .shuttingDown }
                clock.advance(by: .seconds(9))
                #expect(try await store.count(JobFilter(states: [.running])) == 2, "running jobs get the grace period")
                clock.advance(by: .seconds(1))
                try await group.waitForAll()
            }
        }
        for job in jobs {
            let record = try await store.job(job.id)
            #expect(record.state == .queued, "returned to the queue, not failed")
            #expect(record.attempt == 0, "the interrupted attempt does not count")
            #expect(record.leaseHolder == nil)
            #expect(try await store.runs(of: job.id).map(\.outcome) == [.released])
            #expect(try await store.events(of: job.id).last?.kind == .released)
        }
        #expect(reasons.all == [.shutdown, .shutdown])
        #expect(try await store.health(HealthThresholds()).workers == 0, "the worker withdrew")
    }

    @Test func jobsThatFinishWithinTheGracePeriodComplete() async throws {
        let store = MemoryJobStore(clock: clock)
        let started = Signals<JobID>()
        let gate = Gate()
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, context in
            started.send(context.id)
            try await gate.wait()
        }
        var events = WorkerEvents()
        let worker = makeWorker(store, handlers, events, grace: .seconds(60))
        let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "a")).job
        let late = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "later"), options: JobOptions(runAt: clock.now.addingTimeInterval(1)))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                _ = await started.next()
                trigger.triggerGracefulShutdown()
                await events.next { $0 == .shuttingDown }
                clock.advance(by: .seconds(2))
                gate.open()
                try await group.waitForAll()
            }
        }
        #expect(try await store.job(job.id).state == .succeeded)
        #expect(try await store.job(late.job.id).state == .queued, "no claims after shutdown began")
    }

    @Test func cancellingRunStopsAtOnceAndReleasesJobs() async throws {
        let store = MemoryJobStore(clock: clock)
        let started = Signals<JobID>()
        let reasons = Recorder<JobContext.StopReason?>()
        let events = WorkerEvents()
        let worker = makeWorker(store, blockingHandlers(started: started, reasons: reasons), events, grace: .seconds(3600))
        let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "a")).job
        let run = Task { try await worker.run() }
        _ = await started.next()
        run.cancel()
        try await run.value
        let record = try await store.job(job.id)
        #expect(record.state == .queued)
        #expect(record.attempt == 0)
        #expect(reasons.all == [.shutdown])
    }
}
