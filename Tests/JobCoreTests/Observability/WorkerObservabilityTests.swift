import CoreMetrics
import Foundation
import InMemoryTracing
@_spi(JobStoreImplementation) @testable import JobCore
import JobCoreTesting
import MetricsTestKit
import Synchronization
import Testing
import Tracing

@Suite struct WorkerObservabilityTests {
    let clock = ManualClock()

    func makeWorker(_ store: any JobStore, _ handlers: JobHandlers, _ events: WorkerEvents, _ observability: Observability) -> Worker {
        var configuration = Worker.Configuration(workerID: "test-worker", lease: .seconds(3600), heartbeatInterval: .seconds(5))
        configuration.retry = RetryPolicy(base: .seconds(10), multiplier: 2, jitter: 0)
        configuration.observability = observability
        return Worker(store: store, handlers: handlers, configuration: configuration, clock: clock, observer: events.observer)
    }

    @Test func workerAndEnqueueRecordMetricsByKindAndOutcome() async throws {
        let metrics = TestMetrics()
        let observability = Observability(metricsFactory: metrics)
        let store = MemoryJobStore(clock: clock)
        let attempts = Atomic<Int>(0)
        var handlers = JobHandlers()
        handlers.register(echoKind) { echo, _ in
            if echo.text == "bad" { throw JobFailure.permanent("bad input") }
            if echo.text == "flaky", attempts.add(1, ordering: .relaxed).newValue == 1 { throw JobFailure("flaky") }
        }
        var events = WorkerEvents()
        let worker = makeWorker(store, handlers, events, observability)
        let queue = DurableJobQueue(store: store, observability: observability)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            await events.next { $0 == .idle }
            let good = try await queue.enqueue(echoKind, Echo(text: "good"), options: JobOptions(idempotencyKey: "once")).job
            _ = try await queue.enqueue(echoKind, Echo(text: "good"), options: JobOptions(idempotencyKey: "once"))
            #expect(await events.finished(good.id) == .succeeded)
            let bad = try await queue.enqueue(echoKind, Echo(text: "bad")).job
            #expect(await events.finished(bad.id) == .failed)
            let flaky = try await queue.enqueue(echoKind, Echo(text: "flaky")).job
            #expect(await events.finished(flaky.id) == .failed)
            clock.advance(by: .seconds(10))
            #expect(await events.finished(flaky.id) == .succeeded)
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
        }
        let labels = [("queue", "default"), ("kind", "echo")]
        #expect(try metrics.expectCounter(MetricNames.jobsEnqueued, labels).totalValue == 3)
        #expect(try metrics.expectCounter(MetricNames.jobsDeduplicated, labels).totalValue == 1)
        #expect(try metrics.expectCounter(MetricNames.jobsClaimed, labels).totalValue == 4)
        #expect(try metrics.expectCounter(MetricNames.jobsEnded, labels + [("outcome", "succeeded")]).totalValue == 2)
        #expect(try metrics.expectCounter(MetricNames.jobsEnded, labels + [("outcome", "failed")]).totalValue == 2)
        #expect(try metrics.expectCounter(MetricNames.jobsRetried, labels).totalValue == 1)
        // The retry was picked up 10 s after its run-at was set: the store's times, not the wall clock.
        let pickups = try metrics.expectTimer(MetricNames.pickupLatency, labels).values
        #expect(pickups.count == 4 && pickups.allSatisfy { $0 == 0 }, "\(pickups)")
        #expect(try metrics.expectTimer(MetricNames.runDuration, labels).values.count == 4)
        #expect(try metrics.expectTimer(MetricNames.claimDuration, [("queue", "default")]).values.count >= 4)
        #expect(try metrics.expectTimer(MetricNames.finishDuration, [("queue", "default")]).values.count >= 1)
        // Recorded together before each claim: running and free add up to the concurrency.
        let free = try metrics.expectGauge(MetricNames.freeSlots, [("queue", "default")]).values
        let running = try metrics.expectGauge(MetricNames.runningAttempts, [("queue", "default")]).values
        #expect(!free.isEmpty && free.count == running.count && zip(free, running).allSatisfy { $0 + $1 == 4 })
        // Label values are bounded: no job id (26 characters) anywhere.
        for counter in metrics.counters {
            for (_, value) in counter.dimensions { #expect(value.count != 26, "\(counter.label): \(value)") }
        }
    }

    @Test func noBackendRecordsNothingAndTakesNoTimestamps() {
        let metrics = JobMetrics(Observability(metricsFactory: NOOPMetricsHandler.instance))
        #expect(metrics.instruments == nil && metrics.now == nil)
        #expect(Observability(tracer: NoOpTracer()).activeTracer == nil)
    }

    @Test func reaperAndStaleEpochAreCounted() async throws {
        let metrics = TestMetrics()
        let store = MemoryJobStore(clock: clock)
        let job = try await store.enqueue(NewJob(kind: "echo")).job
        let claimed = try await store.claim(ClaimRequest(workerID: "dead", limit: 1, lease: .seconds(1), keyLimit: 1, queue: "default", kinds: nil))
        #expect(claimed.map(\.id) == [job.id])
        clock.advance(by: .seconds(2))
        let worker = makeWorker(store, JobHandlers(), WorkerEvents(), Observability(metricsFactory: metrics))
        #expect(await worker.reapExpiredLeases() == 1)
        #expect(try metrics.expectCounter(MetricNames.jobsReaped, [("queue", "default"), ("kind", "echo")]).totalValue == 1)
        worker.metrics.ended(claimed[0], outcome: "succeeded", answer: .failure(JobStoreError(.staleEpoch, "stale")), since: nil)
        #expect(try metrics.expectCounter(MetricNames.staleEpochRefusals, [("queue", "default"), ("operation", "finish")]).totalValue == 1)
    }

    @Test func storeGaugesSampleHealthInOneCall() async throws {
        let metrics = TestMetrics()
        let store = MemoryJobStore(clock: clock)
        _ = try await store.enqueue([NewJob(kind: "a"), NewJob(kind: "b"), NewJob(kind: "c", options: JobOptions(runAt: clock.now.addingTimeInterval(60)))])
        _ = try await store.claim(ClaimRequest(workerID: "w", limit: 1, lease: .seconds(30), keyLimit: 1, queue: "default", kinds: nil))
        clock.advance(by: .seconds(5))
        try await JobStoreGauges(store: store, clock: clock, metricsFactory: metrics).sampleOnce()
        #expect(try metrics.expectGauge(MetricNames.storeJobs, [("state", "queued")]).lastValue == 2)
        #expect(try metrics.expectGauge(MetricNames.storeJobs, [("state", "running")]).lastValue == 1)
        #expect(try metrics.expectGauge(MetricNames.storeJobs, [("state", "succeeded")]).lastValue == 0)
        #expect(try metrics.expectGauge(MetricNames.storeDueJobs).lastValue == 1)
        #expect(try metrics.expectGauge(MetricNames.storeOldestRunningAge).lastValue == 5)
        #expect(try metrics.expectGauge(MetricNames.storeOldestDueAge).lastValue == 5)
    }

    @Test func storeGaugesReportEachQueueAndZeroAQueueThatEmptied() async throws {
        let metrics = TestMetrics()
        let store = MemoryJobStore(clock: clock)
        let start = clock.now
        let first = try await store.enqueue([
            NewJob(kind: "a", options: JobOptions(queue: "reviews")),
            NewJob(kind: "b", options: JobOptions(queue: "reviews", runAt: start.addingTimeInterval(60))),
            NewJob(kind: "c", options: JobOptions(queue: "builds")),
        ])
        clock.advance(by: .seconds(3))
        _ = try await store.enqueue([NewJob(kind: "d", options: JobOptions(queue: "builds"))])
        let claimed = try await store.claim(ClaimRequest(workerID: "w", limit: 1, lease: .seconds(30), keyLimit: 1, queue: "reviews", kinds: nil))
        clock.advance(by: .seconds(7))
        let gauges = JobStoreGauges(store: store, clock: clock, metricsFactory: metrics)
        try await gauges.sampleOnce()
        func gauge(_ label: String, _ dimensions: [(String, String)]) throws -> Double? {
            try metrics.expectGauge(label, dimensions).lastValue
        }
        #expect(try gauge(MetricNames.storeQueueJobs, [("queue", "reviews"), ("state", "running")]) == 1)
        #expect(try gauge(MetricNames.storeQueueJobs, [("queue", "reviews"), ("state", "queued")]) == 1)
        #expect(try gauge(MetricNames.storeQueueDueJobs, [("queue", "reviews")]) == 0, "the scheduled job is not due")
        #expect(try gauge(MetricNames.storeQueueOldestDueAge, [("queue", "reviews")]) == 0)
        #expect(try gauge(MetricNames.storeQueueJobs, [("queue", "builds"), ("state", "queued")]) == 2)
        #expect(try gauge(MetricNames.storeQueueDueJobs, [("queue", "builds")]) == 2)
        #expect(try gauge(MetricNames.storeQueueOldestDueAge, [("queue", "builds")]) == 10, "the older of the two builds")
        #expect(try metrics.expectGauge(MetricNames.storeOldestDueAge).lastValue == 10)

        try await store.complete(claimed[0].id, epoch: claimed[0].epoch)
        #expect(try await store.purge([first[1].job.id]) == 1)
        try await gauges.sampleOnce()
        #expect(try gauge(MetricNames.storeQueueJobs, [("queue", "reviews"), ("state", "running")]) == 0, "an emptied queue reads 0")
        #expect(try gauge(MetricNames.storeQueueJobs, [("queue", "reviews"), ("state", "queued")]) == 0)
        #expect(try gauge(MetricNames.storeQueueJobs, [("queue", "builds"), ("state", "queued")]) == 2)
    }
}
