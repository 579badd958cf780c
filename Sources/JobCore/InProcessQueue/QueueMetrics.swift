import CoreMetrics

/// The swift-metrics instruments of an ``InProcessJobQueue``, created once per queue.
///
/// Labels (prefix `jobcore_queue` by default): `_enqueued_total`, `_deduplicated_total`,
/// `_started_total`, `_succeeded_total`, `_failed_total` (dimension `reason`: `error`, `timeout`,
/// `cancelled`, `shutdown`), `_rejected_total` (dimension `reason`: `full`, `shutdown`,
/// `cancelled`, `idempotency_type_mismatch`), and the timers `_wait_duration` (enqueue to start)
/// and `_run_duration` (start to end).
struct QueueMetrics: Sendable {
    /// Why an accepted job ended without succeeding.
    enum FailureReason: String, CaseIterable {
        case error, timeout, cancelled, shutdown
    }

    /// Why a job was not accepted.
    enum RejectionReason: String, CaseIterable {
        case full, shutdown, cancelled
        case idempotencyTypeMismatch = "idempotency_type_mismatch"
    }

    /// How a job that did not succeed is counted.
    enum Ending {
        case failed(FailureReason)
        case rejected(RejectionReason)
    }

    /// Whether a metrics backend is in use. Without one (the no-op handler) the queue takes no
    /// timestamps and records nothing.
    let isEnabled: Bool
    private let enqueued: Counter
    private let deduplicated: Counter
    private let started: Counter
    private let succeeded: Counter
    private let failed: [FailureReason: Counter]
    private let rejected: [RejectionReason: Counter]
    private let waitDuration: CoreMetrics.Timer
    private let runDuration: CoreMetrics.Timer

    init(prefix: String, dimensions: [(String, String)], factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        isEnabled = !(factory is NOOPMetricsHandler)
        func counter(_ name: String, _ extra: [(String, String)] = []) -> Counter {
            Counter(label: "\(prefix)_\(name)", dimensions: dimensions + extra, factory: factory)
        }
        enqueued = counter("enqueued_total")
        deduplicated = counter("deduplicated_total")
        started = counter("started_total")
        succeeded = counter("succeeded_total")
        failed = Dictionary(uniqueKeysWithValues: FailureReason.allCases.map {
            ($0, counter("failed_total", [("reason", $0.rawValue)]))
        })
        rejected = Dictionary(uniqueKeysWithValues: RejectionReason.allCases.map {
            ($0, counter("rejected_total", [("reason", $0.rawValue)]))
        })
        waitDuration = CoreMetrics.Timer(label: "\(prefix)_wait_duration", dimensions: dimensions, factory: factory)
        runDuration = CoreMetrics.Timer(label: "\(prefix)_run_duration", dimensions: dimensions, factory: factory)
    }

    /// The time now, when metrics are recorded.
    var now: ContinuousClock.Instant? {
        isEnabled ? .now : nil
    }

    func recordEnqueued(count: Int = 1) {
        guard isEnabled else { return }
        enqueued.increment(by: count)
    }

    func recordDeduplicated() {
        guard isEnabled else { return }
        deduplicated.increment()
    }

    /// Records the start of a job enqueued at `enqueuedAt`, and returns the time it started.
    func recordStarted(enqueuedAt: ContinuousClock.Instant?) -> ContinuousClock.Instant? {
        guard isEnabled, let enqueuedAt else { return nil }
        let now = ContinuousClock.now
        started.increment()
        waitDuration.recordNanoseconds((now - enqueuedAt).nanoseconds)
        return now
    }

    /// Records the end of a job that started at `startedAt`; `ending` is `nil` when it succeeded.
    func recordFinished(startedAt: ContinuousClock.Instant?, ending: Ending?) {
        guard isEnabled, let startedAt else { return }
        runDuration.recordNanoseconds((.now - startedAt).nanoseconds)
        if let ending { record(ending) } else { succeeded.increment() }
    }

    func record(_ ending: Ending) {
        guard isEnabled else { return }
        switch ending {
        case .failed(let reason): failed[reason]?.increment()
        case .rejected(let reason): rejected[reason]?.increment()
        }
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
