public import CoreMetrics
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Samples a store's depth into gauges at an interval: a swift-service-lifecycle `Service`.
///
/// Each sample is one ``JobStore/health(_:)`` call (one aggregate query on the SQL stores, not a
/// scan per scrape), whatever scrapes the gauges meanwhile: `jobcore_store_jobs{state}`,
/// `jobcore_store_due_jobs`, `jobcore_store_workers`, `jobcore_store_capacity`,
/// `jobcore_store_oldest_running_age_seconds`, `jobcore_store_oldest_due_age_seconds`, and per
/// queue `jobcore_store_queue_jobs{queue,state}`, `jobcore_store_queue_due_jobs{queue}` and
/// `jobcore_store_queue_oldest_due_age_seconds{queue}` (see docs/metrics.md). A queue that
/// empties is reported as 0 from then on.
///
/// <!-- sample: context=memory-store,logger -->
/// ```swift
/// let gauges = JobStoreGauges(store: store, interval: .seconds(15), logger: logger)
/// try await gauges.sampleOnce()   // or run it in a ServiceGroup
/// ```
public struct JobStoreGauges: Service {
    let store: any JobStore
    let interval: Duration
    let clock: any WallClock
    let logger: Logger
    let factory: (any MetricsFactory)?
    let queuesSeen = QueueNames()

    /// The queues sampled so far, so that one that empties is set to 0 rather than left stale.
    final class QueueNames: Sendable {
        let names = Mutex<Set<String>>([])
    }

    /// Creates the sampler.
    /// - Parameters:
    ///   - store: the store to sample.
    ///   - interval: between samples. Defaults to 15 seconds.
    ///   - clock: the source of time for the interval. Defaults to the system clock.
    ///   - logger: for failed samples.
    ///   - metricsFactory: the backend; `nil` (the default) for `MetricsSystem.factory`.
    public init(
        store: any JobStore, interval: Duration = .seconds(15), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "jobcore.store-gauges"), metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.store = store
        self.interval = interval
        self.clock = clock
        self.logger = logger
        self.factory = Observability(metricsFactory: metricsFactory).activeMetricsFactory
    }

    /// Samples at once, then every interval, until graceful shutdown or cancellation. Without a
    /// metrics backend it samples nothing and waits.
    public func run() async throws {
        guard factory != nil else {
            try? await gracefulShutdown()
            return
        }
        // Graceful shutdown cancels the wait for the next sample.
        try? await cancelWhenGracefulShutdown {
            var deadline = clock.now
            while !Task.isCancelled {
                try? await sampleOnce()
                deadline = deadline.adding(interval)
                if deadline < clock.now { deadline = clock.now.adding(interval) }
                try await clock.sleep(until: deadline)
            }
        }
    }

    /// Takes one sample and sets the gauges.
    /// - Throws: the store's error (also counted in `jobcore_store_sample_failures_total`).
    public func sampleOnce() async throws {
        guard let factory else { return }
        let start = ContinuousClock.now
        let health: JobStoreHealth
        do {
            health = try await store.health(HealthThresholds())
        } catch {
            Counter(label: MetricNames.storeSampleFailures, factory: factory).increment()
            logger.warning("cannot sample the store", metadata: ["error": "\(error)"])
            throw error
        }
        CoreMetrics.Timer(label: MetricNames.storeSampleDuration, factory: factory).recordDuration(.now - start)
        for state in JobState.allCases {
            Gauge(label: MetricNames.storeJobs, dimensions: [("state", state.rawValue)], factory: factory).record(health.count(state))
        }
        Gauge(label: MetricNames.storeDueJobs, factory: factory).record(health.due)
        Gauge(label: MetricNames.storeWorkers, factory: factory).record(health.workers)
        Gauge(label: MetricNames.storeCapacity, factory: factory).record(health.capacity)
        Gauge(label: MetricNames.storeOldestRunningAge, factory: factory).record(health.oldestRunningAgeSeconds ?? 0)
        Gauge(label: MetricNames.storeOldestDueAge, factory: factory).record(health.oldestDueAgeSeconds ?? 0)
        let present = Set(health.queues.map(\.name))
        let gone = queuesSeen.names.withLock { names in
            defer { names = present }
            return names.subtracting(present)
        }
        for queue in health.queues + gone.sorted().map({ JobStoreHealth.Queue(name: $0) }) {
            for (state, count) in [("waiting", queue.waiting), ("queued", queue.queued), ("running", queue.running)] {
                Gauge(label: MetricNames.storeQueueJobs, dimensions: [("queue", queue.name), ("state", state)], factory: factory).record(count)
            }
            Gauge(label: MetricNames.storeQueueDueJobs, dimensions: [("queue", queue.name)], factory: factory).record(queue.due)
            Gauge(label: MetricNames.storeQueueOldestDueAge, dimensions: [("queue", queue.name)], factory: factory)
                .record(queue.oldestDueAgeSeconds ?? 0)
        }
    }
}
