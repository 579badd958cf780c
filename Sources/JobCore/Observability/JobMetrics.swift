import CoreMetrics
import Foundation

/// The swift-metrics instruments of jobs: what enqueues and workers record (docs/metrics.md).
/// Created once per worker or queue; without a backend every method returns at once.
struct JobMetrics: Sendable {
    struct JobLabels: Hashable, Sendable {
        var queue: String
        var kind: String
    }

    struct EndLabels: Hashable, Sendable {
        var queue: String
        var kind: String
        var outcome: String
    }

    struct Instruments: Sendable {
        let enqueued: MetricCache<JobLabels, Counter>
        let deduplicated: MetricCache<JobLabels, Counter>
        let claimed: MetricCache<JobLabels, Counter>
        let ended: MetricCache<EndLabels, Counter>
        let retried: MetricCache<JobLabels, Counter>
        let reaped: MetricCache<JobLabels, Counter>
        let staleEpoch: MetricCache<[String], Counter>
        let pickup: MetricCache<JobLabels, CoreMetrics.Timer>
        let run: MetricCache<JobLabels, CoreMetrics.Timer>
        let claimDuration: MetricCache<String, CoreMetrics.Timer>
        let finishDuration: MetricCache<String, CoreMetrics.Timer>
        let heartbeatLag: MetricCache<String, CoreMetrics.Timer>
        let running: MetricCache<String, Gauge>
        let free: MetricCache<String, Gauge>

        init(factory: any MetricsFactory) {
            func job(_ name: String) -> MetricCache<JobLabels, Counter> {
                MetricCache { Counter(label: name, dimensions: [("queue", $0.queue), ("kind", $0.kind)], factory: factory) }
            }
            func jobTimer(_ name: String) -> MetricCache<JobLabels, CoreMetrics.Timer> {
                MetricCache { CoreMetrics.Timer(label: name, dimensions: [("queue", $0.queue), ("kind", $0.kind)], factory: factory) }
            }
            func queueTimer(_ name: String) -> MetricCache<String, CoreMetrics.Timer> {
                MetricCache { CoreMetrics.Timer(label: name, dimensions: [("queue", $0)], factory: factory) }
            }
            func queueGauge(_ name: String) -> MetricCache<String, Gauge> {
                MetricCache { Gauge(label: name, dimensions: [("queue", $0)], factory: factory) }
            }
            enqueued = job(MetricNames.jobsEnqueued)
            deduplicated = job(MetricNames.jobsDeduplicated)
            claimed = job(MetricNames.jobsClaimed)
            ended = MetricCache {
                Counter(label: MetricNames.jobsEnded, dimensions: [("queue", $0.queue), ("kind", $0.kind), ("outcome", $0.outcome)], factory: factory)
            }
            retried = job(MetricNames.jobsRetried)
            reaped = job(MetricNames.jobsReaped)
            staleEpoch = MetricCache {
                Counter(label: MetricNames.staleEpochRefusals, dimensions: [("queue", $0[0]), ("operation", $0[1])], factory: factory)
            }
            pickup = jobTimer(MetricNames.pickupLatency)
            run = jobTimer(MetricNames.runDuration)
            claimDuration = queueTimer(MetricNames.claimDuration)
            finishDuration = queueTimer(MetricNames.finishDuration)
            heartbeatLag = queueTimer(MetricNames.heartbeatLag)
            running = queueGauge(MetricNames.runningAttempts)
            free = queueGauge(MetricNames.freeSlots)
        }
    }

    /// `nil` when no backend records: then nothing is measured.
    let instruments: Instruments?

    init(_ observability: Observability) {
        instruments = observability.activeMetricsFactory.map(Instruments.init(factory:))
    }

    /// The time now, only when metrics are recorded.
    var now: ContinuousClock.Instant? {
        instruments == nil ? nil : .now
    }

    func enqueued(_ jobs: [NewJob], _ results: [EnqueueResult]) {
        guard let instruments else { return }
        for (job, result) in zip(jobs, results) {
            let labels = JobLabels(queue: job.options.queue, kind: job.kind)
            (result.created ? instruments.enqueued : instruments.deduplicated)[labels].increment()
        }
    }

    /// A claim call that started at `start` and returned `jobs`.
    func claimed(_ jobs: [JobRecord], queue: String, since start: ContinuousClock.Instant?) {
        guard let instruments, let start else { return }
        instruments.claimDuration[queue].recordDuration(.now - start)
        for job in jobs {
            let labels = JobLabels(queue: job.queue, kind: job.kind)
            instruments.claimed[labels].increment()
            if let startedAt = job.startedAt {
                instruments.pickup[labels].recordDuration(.seconds(max(0, startedAt.timeIntervalSince(job.runAt))))
            }
        }
    }

    /// The end of an attempt that ran from `start`: `outcome` as recorded (`lease_lost` when it
    /// could not be), and the store's answer.
    func ended(_ job: JobRecord, outcome: String, answer: Result<JobRecord, JobStoreError>?, since start: ContinuousClock.Instant?) {
        guard let instruments else { return }
        let labels = JobLabels(queue: job.queue, kind: job.kind)
        if let start { instruments.run[labels].recordDuration(.now - start) }
        instruments.ended[EndLabels(queue: job.queue, kind: job.kind, outcome: outcome)].increment()
        switch answer {
        case .success(let record) where record.state == .queued && outcome == JobRun.Outcome.failed.rawValue:
            instruments.retried[labels].increment()
        case .failure(let error) where error.code == .staleEpoch:
            staleEpoch(queue: job.queue, operation: "finish")
        default:
            break
        }
    }

    func reaped(_ jobs: [JobRecord]) {
        guard let instruments else { return }
        for job in jobs { instruments.reaped[JobLabels(queue: job.queue, kind: job.kind)].increment() }
    }

    func staleEpoch(queue: String, operation: String) {
        instruments?.staleEpoch[[queue, operation]].increment()
    }

    func finished(batchSince start: ContinuousClock.Instant?, queue: String) {
        guard let instruments, let start else { return }
        instruments.finishDuration[queue].recordDuration(.now - start)
    }

    /// How late a heartbeat tick due at `deadline` ran (wall clock).
    func heartbeat(queue: String, due deadline: Date, now: Date) {
        guard let instruments else { return }
        instruments.heartbeatLag[queue].recordDuration(.seconds(max(0, now.timeIntervalSince(deadline))))
    }

    func slots(queue: String, running: Int, concurrency: Int) {
        guard let instruments else { return }
        instruments.running[queue].record(running)
        instruments.free[queue].record(max(0, concurrency - running))
    }
}
