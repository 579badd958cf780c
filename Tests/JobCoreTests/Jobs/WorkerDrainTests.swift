import Foundation
import JobCore
import JobCoreTesting
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
            configuration: Worker.Configuration(concurrency: 8, keyLimit: 1, drain: true), clock: clock
        )
        try await worker.run()
        #expect(try await store.count(JobFilter(states: [.succeeded])) == 60)
        #expect(perKey.withLock { $0.total } == 60)
        #expect(perKey.withLock { $0.peak } == ["k0": 1, "k1": 1, "k2": 1], "never two jobs of one key at once")
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
