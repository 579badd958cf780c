import JobCore
import JobCoreTesting
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite struct QueueShutdownTests {
    @Test func gracefulShutdownRejectsWaitingJobsAndLetsRunningOnesFinish() async throws {
        let clock = ManualClock()
        let queue = InProcessJobQueue(configuration: .with { $0.shutdownGracePeriod = .seconds(30) }, clock: clock)
        let gate = Gate()
        let running = Task { try await queue.enqueue(key: "a") { try await gate.wait(); return "done" } }
        try await queue.waitUntil { $0.running == 1 }
        let waiting = Task { try await queue.enqueue(key: "a") { "never" } }
        try await queue.waitUntil { $0.waiting == 1 }

        try await testGracefulShutdown { trigger async throws in
            let service = Task { await queue.run() }
            trigger.triggerGracefulShutdown()
            let rejected = await #expect(throws: JobQueueError.self) { try await waiting.value }
            #expect(rejected?.code == .shuttingDown)
            #expect(queue.statistics.isAccepting == false)
            let refused = await #expect(throws: JobQueueError.self) { try await queue.enqueue(key: "b") { 1 } }
            #expect(refused?.code == .shuttingDown)

            await clock.waitForSleepers(1)  // the grace period runs
            #expect(queue.counts.running == 1)
            gate.open()
            #expect(try await running.value == "done")
            await service.value
            #expect(clock.sleeperCount == 0)
        }
    }

    @Test func runningJobsAreCancelledWhenTheGracePeriodEnds() async throws {
        let clock = ManualClock()
        let queue = InProcessJobQueue(configuration: .with { $0.shutdownGracePeriod = .seconds(30) }, clock: clock)
        let events = Events()
        var log = events.stream.makeAsyncIterator()
        let running = Task {
            try await queue.enqueue(key: "a") {
                do {
                    try await Gate().wait()
                } catch {
                    events.record("cancelled")
                    throw error
                }
            }
        }
        try await queue.waitUntil { $0.running == 1 }

        await testGracefulShutdown { trigger in
            let service = Task { await queue.run() }
            trigger.triggerGracefulShutdown()
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(30))
            #expect(await log.next() == "cancelled")
            let error = await #expect(throws: JobQueueError.self) { try await running.value }
            #expect(error?.code == .shuttingDown)
            await service.value
        }
        #expect(queue.statistics.trackedKeys == 0)
    }

    @Test func cancellingRunStopsAtOnce() async throws {
        let queue = InProcessJobQueue()
        let running = Task { try await queue.enqueue(key: "a") { try await Gate().wait() } }
        try await queue.waitUntil { $0.running == 1 }
        let service = Task { await queue.run() }
        service.cancel()
        await service.value
        let error = await #expect(throws: JobQueueError.self) { try await running.value }
        #expect(error?.code == .shuttingDown)
        #expect(queue.counts == JobQueueCounts())
    }

    @Test func theQueueRunsInAServiceGroup() async throws {
        let queue = InProcessJobQueue()
        let group = ServiceGroup(services: [queue], logger: .init(label: "test"))
        let runner = Task { try await group.run() }
        #expect(try await queue.enqueue(key: "a") { "ran" } == "ran")
        await group.triggerGracefulShutdown()
        try await runner.value
        #expect(queue.statistics.isAccepting == false)
    }
}
