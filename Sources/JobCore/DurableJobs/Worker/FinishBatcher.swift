import Logging
import Synchronization

/// Writes the ends of attempts in batches: whoever finds no write in progress writes
/// everything pending in one store call, so completions under load cost one transaction per
/// batch instead of one per job.
final class FinishBatcher: Sendable {
    typealias Answer = Result<JobRecord, JobStoreError>

    private struct State {
        var pending: [(JobFinish, Promise<Answer>)] = []
        var writing = false
    }

    private let state = Mutex(State())
    private let store: any JobStore
    private let clock: any WallClock
    private let retryInterval: Duration
    private let logger: Logger
    private let metrics: JobMetrics?
    private let queue: String

    private let written: @Sendable ([JobID]) -> Void
    private let abandon: @Sendable () -> Bool

    /// - Parameters:
    ///   - abandon: asked after a failed write; when it answers true (the worker's shutdown
    ///     deadline has passed), the batch is given up instead of retried.
    ///   - written: called with the ids of each written batch before the submitters resume, so
    ///     that slots free (and the claim loop wakes) once per batch, not once per job.
    init(
        store: any JobStore, clock: any WallClock, retryInterval: Duration, logger: Logger,
        metrics: JobMetrics? = nil, queue: String = "", abandon: @escaping @Sendable () -> Bool = { false },
        written: @escaping @Sendable ([JobID]) -> Void
    ) {
        self.abandon = abandon
        self.metrics = metrics
        self.queue = queue
        self.written = written
        self.store = store
        self.clock = clock
        self.retryInterval = retryInterval
        self.logger = logger
    }

    /// Writes a report (with others pending) and returns the store's answer for it.
    func submit(_ report: JobFinish) async -> Answer {
        let promise = Promise<Answer>()
        let leads = state.withLock { state -> Bool in
            state.pending.append((report, promise))
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if leads { await writePending() }
        return await promise.value
    }

    private func writePending() async {
        while true {
            let batch = state.withLock { state -> [(JobFinish, Promise<Answer>)] in
                defer { state.pending.removeAll() }
                if state.pending.isEmpty { state.writing = false }
                return state.pending
            }
            if batch.isEmpty { return }
            while true {
                do {
                    let start = metrics?.now
                    let answers = try await store.finish(batch.map(\.0))
                    metrics?.finished(batchSince: start, queue: queue)
                    written(batch.map(\.0.id))
                    zip(batch, answers).forEach { $0.0.1.fulfill($0.1) }
                    break
                } catch {
                    if Task.isCancelled || abandon() {
                        // The worker is going away (its shutdown deadline passed, or the writer
                        // was cancelled): stop trying. The attempts' leases are no longer
                        // renewed, so they expire and the reaper retries the jobs, as after a crash.
                        logger.error("cannot record finished jobs; giving up at shutdown", metadata: ["error": "\(error)", "jobs": "\(batch.count)"])
                        written(batch.map(\.0.id))
                        let failure = JobStoreError(.unavailable, "the end of the attempt was not recorded: \(error)")
                        batch.forEach { $0.1.fulfill(.failure(failure)) }
                        break
                    }
                    // The store is unavailable: leases stay renewed meanwhile, so keep trying.
                    logger.error("cannot record finished jobs; retrying", metadata: ["error": "\(error)", "jobs": "\(batch.count)"])
                    try? await clock.sleep(for: retryInterval)
                }
            }
        }
    }
}
