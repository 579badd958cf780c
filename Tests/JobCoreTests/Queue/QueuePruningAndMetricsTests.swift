import InMemoryLogging
import JobCore
import JobCoreTesting
import Logging
import MetricsTestKit
import Testing

@Suite struct QueuePruningAndMetricsTests {
    @Test func perKeyStateIsEmptyAfter100000DistinctKeys() async throws {
        let queue = InProcessJobQueue(configuration: .with { $0.globalLimit = 8 })
        let producers = 50
        let perProducer = 2_000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for producer in 0..<producers {
                group.addTask {
                    for index in 0..<perProducer {
                        try await queue.enqueue(key: "tenant-\(producer)-\(index)") {}
                    }
                }
            }
            try await group.waitForAll()
        }
        let statistics = queue.statistics
        #expect(statistics.trackedKeys == 0)
        #expect(statistics.waiting == 0 && statistics.running == 0 && statistics.callers == 0)
        #expect(queue.countsByKey.isEmpty)
    }

    @Test func keysWithCancelledWaitingJobsArePrunedToo() async throws {
        let queue = InProcessJobQueue(configuration: .with { $0.globalLimit = 1 })
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "busy") { try await blocker.wait() } }
        try await queue.waitUntil { $0.running == 1 }
        // Keys that only ever had a job that was cancelled while waiting leave nothing behind.
        for index in 0..<200 {
            let key = "k\(index)"
            let job = Task { try await queue.enqueue(key: key) {} }
            try await queue.waitUntil(key: key) { $0.waiting == 1 }
            job.cancel()
            await #expect(throws: CancellationError.self) { try await job.value }
        }
        #expect(queue.statistics.trackedKeys == 1)
        blocker.open()
        try await first.value
        #expect(queue.statistics.trackedKeys == 0)
    }

    @Test func metricsCountEveryOutcome() async throws {
        struct Failure: Error {}
        let metrics = TestMetrics()
        let clock = ManualClock()
        let queue = InProcessJobQueue(
            configuration: .with {
                $0.metricsFactory = metrics
                $0.metricsDimensions = [("queue", "test")]
                $0.capacity = 0
            },
            clock: clock)
        _ = try await queue.enqueue(key: "a") { 1 }
        _ = try await queue.enqueue(key: "a", idempotencyKey: "x") { 2 }
        _ = try await queue.enqueue(key: "a", idempotencyKey: "x") { 2 }  // deduplicated
        _ = try? await queue.enqueue(key: "a") { () -> Int in throw Failure() }
        let slow = Task { try await queue.enqueue(key: "a", timeout: .seconds(1)) { try await Gate().wait() } }
        try await queue.waitUntil { $0.running == 1 }
        _ = try? await queue.enqueue(key: "a") { 3 }  // no room: capacity 0
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(1))
        _ = try? await slow.value

        let test = [("queue", "test")]
        #expect(try metrics.expectCounter("jobcore_queue_enqueued_total", test).totalValue == 4)
        #expect(try metrics.expectCounter("jobcore_queue_started_total", test).totalValue == 4)
        #expect(try metrics.expectCounter("jobcore_queue_succeeded_total", test).totalValue == 2)
        #expect(try metrics.expectCounter("jobcore_queue_deduplicated_total", test).totalValue == 1)
        #expect(try metrics.expectCounter("jobcore_queue_failed_total", test + [("reason", "error")]).totalValue == 1)
        #expect(try metrics.expectCounter("jobcore_queue_failed_total", test + [("reason", "timeout")]).totalValue == 1)
        #expect(try metrics.expectCounter("jobcore_queue_rejected_total", test + [("reason", "full")]).totalValue == 1)
        #expect(try metrics.expectTimer("jobcore_queue_wait_duration", test).values.count == 4)
        #expect(try metrics.expectTimer("jobcore_queue_run_duration", test).values.count == 4)
    }

    @Test func timeoutsAndRejectionsAreLoggedWithTheirKey() async throws {
        let logs = InMemoryLogHandler()
        let clock = ManualClock()
        var logger = Logger(label: "test", factory: { _ in logs })
        logger.logLevel = .debug
        let queue = InProcessJobQueue(configuration: .with { $0.capacity = 0 }, clock: clock, logger: logger)
        let slow = Task { try await queue.enqueue(key: "tenant-7", timeout: .seconds(3)) { try await Gate().wait() } }
        try await queue.waitUntil { $0.running == 1 }
        _ = try? await queue.enqueue(key: "tenant-7") { 1 }  // no room
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(3))
        _ = try? await slow.value

        let rejected = try #require(logs.entries.first { $0.message == "job rejected" })
        #expect(rejected.level == .debug)
        #expect(rejected.metadata["job.key"] == "tenant-7")
        #expect(rejected.metadata["error.code"] == "full")
        let timedOut = try #require(logs.entries.first { $0.message == "job timed out" })
        #expect(timedOut.level == .warning)
        #expect(timedOut.metadata["job.key"] == "tenant-7")
        #expect(timedOut.metadata["job.timeout"] == "3.0 seconds")
    }
}
