public import Logging
import Synchronization

/// A job queue inside one process: closures run under concurrency keys, with a limit per key,
/// a global limit, fairness across keys, bounded room, timeouts, idempotency keys, and graceful
/// shutdown.
///
/// ```swift
/// let queue = InProcessJobQueue(configuration: .init())
/// let sha = try await queue.enqueue(key: "installation-42") {
///     try await mirror(repository)
/// }
/// ```
///
/// Jobs of one key run at most the key's limit at a time (default 1), highest priority first and
/// FIFO within a priority. Keys are served round-robin, one job per turn, so a key with many
/// waiting jobs does not hold back a key with one. The queue runs jobs as soon as it is created;
/// as a swift-service-lifecycle `Service`, its ``run()`` waits for graceful shutdown and then
/// stops it. Idle keys leave no state behind.
public final class InProcessJobQueue: JobQueue {
    /// A snapshot of the queue's internal state, for monitoring and tests.
    public struct Statistics: Sendable, Hashable {
        /// Jobs accepted and waiting for their turn.
        public var waiting: Int
        /// Jobs whose operation is running.
        public var running: Int
        /// Callers waiting for room (overflow policy "wait"); their jobs are not yet accepted.
        public var waitingForRoom: Int
        /// Keys with per-key state: those with jobs waiting or running.
        public var trackedKeys: Int
        /// Finished results remembered for idempotency keys.
        public var rememberedResults: Int
        /// Calls of `enqueue` waiting for a result, including those that share another call's
        /// job through an idempotency key, and those waiting for room.
        public var callers: Int
        /// Whether the queue still accepts jobs.
        public var isAccepting: Bool
    }

    let configuration: Configuration
    let clock: any WallClock
    let logger: Logger
    let metrics: QueueMetrics
    let state: Mutex<QueueState>

    /// Creates a queue. It accepts and runs jobs at once.
    /// - Parameters:
    ///   - configuration: limits, room, timeouts and metrics.
    ///   - clock: the clock of timeouts, the wait for room, and the shutdown grace period.
    ///     Defaults to the system clock.
    ///   - logger: where the queue logs; it adds metadata such as `job.key`. Defaults to a
    ///     logger labelled `jobcore.queue`.
    public init(
        configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "jobcore.queue")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.metrics = QueueMetrics(
            prefix: configuration.metricsLabelPrefix,
            dimensions: configuration.metricsDimensions,
            factory: configuration.metricsFactory)
        self.state = Mutex(QueueState(configuration: configuration))
    }

    public func enqueue<T: Sendable>(
        key: String,
        priority: Int,
        idempotencyKey: String?,
        timeout: Duration?,
        operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let job = TypedJob<T>(
            key: key,
            priority: priority,
            idempotencyKey: idempotencyKey,
            timeout: timeout ?? configuration.defaultTimeout,
            enqueuedAt: metrics.now,
            operation: operation)
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
                // The job is not shared yet: the state machine sees it first under the lock below.
                job.continuation = continuation
                let submission = withState { $0.submit(job, isCancelled: Task.isCancelled) }
                switch submission {
                case .started(let runner):
                    metrics.recordEnqueued()
                    spawnRunner(runner, first: job)
                case .queued:
                    metrics.recordEnqueued()
                case .waitingForRoom:
                    startAdmissionTimer(for: job)
                case .following:
                    metrics.recordDeduplicated()
                case .remembered(let outcome):
                    metrics.recordDeduplicated()
                    // Same result type: submit checked it.
                    continuation.resume(with: unsafeDowncast(outcome, to: Outcome<T>.self).result)
                case .rejected(let error, let ending):
                    metrics.record(ending)
                    logger.debug("job rejected", metadata: [
                        "job.key": "\(key)", "error.code": "\(error.code)", "error.message": "\(error.message)",
                    ])
                    continuation.resume(throwing: error)
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            perform(withState { $0.cancel(job) })
        }
    }

    /// Suspends until the queue's statistics satisfy `condition`.
    ///
    /// For tests and tooling that must wait for the queue to reach a state, such as "two callers
    /// are waiting", without polling or sleeping. The condition is checked now and after each
    /// change of the queue's state while someone waits.
    /// - Parameter condition: evaluated under the queue's lock: keep it quick, and don't call
    ///   the queue from it.
    /// - Throws: `CancellationError` when the calling task is cancelled first.
    public func waitUntil(_ condition: @escaping @Sendable (Statistics) -> Bool) async throws {
        try await wait(for: .queue(condition))
    }

    /// Suspends until the counts of `key` satisfy `condition`.
    ///
    /// Like ``waitUntil(_:)``, for one key: `waitUntil(key: "a") { $0.waiting == 2 }`.
    /// - Parameters:
    ///   - key: a concurrency key.
    ///   - condition: evaluated under the queue's lock: keep it quick.
    /// - Throws: `CancellationError` when the calling task is cancelled first.
    public func waitUntil(
        key: String,
        _ condition: @escaping @Sendable (JobQueueCounts) -> Bool
    ) async throws {
        try await wait(for: .key(key, condition))
    }

    private func wait(for condition: QueueState.Condition) async throws {
        let id = withState { $0.makeWatcherID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let watcher = QueueState.Watcher(id: id, condition: condition, continuation: continuation)
                // Task.isCancelled is set before onCancel runs, so a cancellation that arrives
                // before the watcher is registered is seen here.
                if !withState({ $0.addWatcher(watcher, isCancelled: Task.isCancelled) }) { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.removeWatcher(id) }?.resume()
        }
        try Task.checkCancellation()
    }

    /// Runs `body` on the state under the lock, then resumes the callers of ``waitUntil(key:_:)``
    /// whose condition now holds. Every change of state goes through here.
    func withState<R: Sendable>(_ body: (inout QueueState) -> R) -> R {
        var satisfied: [CheckedContinuation<Void, Never>] = []
        let result = state.withLock { state in
            let result = body(&state)
            if !state.watchers.isEmpty { satisfied = state.takeSatisfiedWatchers() }
            return result
        }
        for continuation in satisfied { continuation.resume() }
        return result
    }

    /// The number of jobs waiting and running across every key.
    public var counts: JobQueueCounts {
        state.withLock { $0.counts }
    }

    /// The number of jobs waiting and running under `key`.
    /// - Parameter key: a concurrency key.
    public func counts(forKey key: String) -> JobQueueCounts {
        state.withLock { $0.counts(forKey: key) }
    }

    /// The waiting and running counts of every key that has jobs.
    public var countsByKey: [String: JobQueueCounts] {
        state.withLock { state in
            Dictionary(uniqueKeysWithValues: state.keys.values.map {
                ($0.key.name, JobQueueCounts(waiting: $0.waiting, running: $0.running))
            })
        }
    }

    /// A snapshot of the queue's internal state.
    public var statistics: Statistics {
        state.withLock { $0.statistics }
    }
}
