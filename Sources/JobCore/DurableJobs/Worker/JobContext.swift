public import Foundation
public import Logging
import Synchronization

/// What a handler knows and can do about the attempt it runs.
///
/// The attempt is stopped by cancelling the handler's task: on a cancel of the job, on its
/// timeout, when the lease is lost, or at the end of a shutdown's grace period. Handlers must
/// honour task cancellation (``stopReason`` says why).
public struct JobContext: Sendable {
    /// Why an attempt is being stopped.
    public enum StopReason: Sendable, Hashable {
        /// The job was cancelled (by `jobctl cancel`/`kill` or ``JobStore/cancel(_:reason:mode:)``),
        /// with the canceller's reason; `mode` says whether to stop at once or gracefully.
        case cancelled(reason: String?, mode: JobStopMode)
        /// The attempt ran longer than the job's timeout.
        case timedOut
        /// The worker is shutting down; the job goes back to the queue.
        case shutdown
        /// The worker lost its lease (the job was purged, or taken over after the lease expired).
        case leaseLost
    }

    /// The job as claimed (state `running`, with this attempt's epoch).
    public let job: JobRecord
    /// The job's id.
    public var id: JobID { job.id }
    /// The attempt number, 1-based.
    public var attempt: Int { job.attempt }
    /// The lease epoch of this attempt.
    public var epoch: Int64 { job.epoch }
    /// The worker running the attempt.
    public let workerID: String
    /// A logger with `worker.id`, `job.id`, `job.kind` and `job.attempt` metadata.
    public var logger: Logger {
        var logger = workerLogger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.kind"] = "\(job.kind)"
        logger[metadataKey: "job.attempt"] = "\(job.attempt)"
        if let key = job.key { logger[metadataKey: "job.key"] = "\(key)" }
        for (key, value) in extraMetadata { logger[metadataKey: key] = value }
        return logger
    }

    let workerLogger: Logger
    /// Metadata from ``Worker/Configuration/jobLogMetadata`` (e.g. a correlation id).
    var extraMetadata: Logger.Metadata = [:]
    let store: any JobStore
    let state: JobAttemptState

    /// Why the attempt is being stopped, once it is; `nil` while it may run on.
    public var stopReason: StopReason? { state.stopReason }

    /// When this attempt's effects must have stopped unless its lease is renewed first: the moment
    /// the claim or the last successful renewal was sent, plus the lease, minus a safety margin (a
    /// tenth of the lease, at most 1 second). The store lets another worker take the job only
    /// after the lease has run out there, which is later. Command jobs hand this deadline to the
    /// command's guardian process, which stops the command by itself when it passes (see
    /// ``ProcessLease``); a handler that starts processes of its own can do the same.
    public var leaseDeadline: ContinuousClock.Instant { state.leaseDeadline }

    /// Calls `body` with each new ``leaseDeadline``, after each successful renewal, until the
    /// attempt ends. Called on the worker's heartbeat task: keep it short.
    public func onLeaseRenewal(_ body: @escaping @Sendable (ContinuousClock.Instant) -> Void) {
        state.observeLease(body)
    }

    /// Whether the attempt has been asked to stop (its task is cancelled).
    public var isCancelled: Bool { Task.isCancelled }

    /// Appends output to the job's log (bounded by the store; see ``JobStore/maxLogBytes``).
    /// - Throws: ``JobStoreError`` (`staleEpoch` once the lease is lost).
    @discardableResult
    public func appendOutput(_ data: Data) async throws -> JobLogAppend {
        try await store.appendLog(job.id, epoch: job.epoch, data)
    }

    /// Enqueues children of this job, in one transaction fenced by this attempt's epoch: once
    /// its handler returns successfully, the job waits for them (it is `waiting`), then ends
    /// `succeeded` if they all succeeded, else `failed` naming those that did not. Cancelling
    /// or purging the job cancels them. Jobs of `children` may depend on earlier ones
    /// (``NewJob/dependsOnEarlierEntries``) and have children of their own
    /// (``NewJob/parentEntry``, e.g. under a ``NewJob/group(options:)``); a job that is neither
    /// becomes a child of this one. Give them idempotency keys to add them once across attempts.
    /// - Throws: ``JobStoreError``: `staleEpoch` once the lease is lost (nothing is created),
    ///   what ``JobStore/enqueue(_:)`` throws for invalid jobs.
    @discardableResult
    public func addChildren(_ children: [NewJob]) async throws -> [EnqueueResult] {
        let parent = NewJob.Parent(id: job.id, epoch: job.epoch)
        return try await store.enqueue(children.map { child in
            var child = child
            if child.parentEntry == nil { child.parent = parent }
            return child
        })
    }

    /// The latest checkpoint an attempt of this job saved (this one's own, once it saved one):
    /// where to resume from. `nil` when none was saved.
    public var checkpoint: JobCheckpoint? { state.checkpoint ?? job.checkpoint }

    /// Saves a checkpoint of this attempt's work in the store (the latest one wins), in a
    /// transaction fenced by this attempt's epoch, with a `checkpointed` event. The next attempt
    /// of the job receives it in ``checkpoint``.
    /// - Throws: ``JobStoreError``: `staleEpoch` once the lease is lost (nothing is saved);
    ///   `invalidArgument` for an invalid branch name, commit id or a note too long.
    @discardableResult
    public func saveCheckpoint(_ checkpoint: JobCheckpoint) async throws -> JobCheckpoint {
        let epoch = job.epoch
        let record = try await store.transition(job.id) { record, now throws(JobStoreError) in
            try JobLifecycle.saveCheckpoint(record, checkpoint, epoch: epoch, now: now)
        }
        let saved = record.checkpoint ?? checkpoint
        state.setCheckpoint(saved)
        return saved
    }

    /// Records in the job's events that a checkpoint could not be saved (`checkpointFailed`,
    /// with `reason`); the previous checkpoint stays. Fenced by this attempt's epoch.
    /// - Throws: ``JobStoreError`` (`staleEpoch` once the lease is lost).
    public func reportCheckpointFailure(_ reason: String) async throws {
        let epoch = job.epoch
        _ = try await store.transition(job.id) { record, now throws(JobStoreError) in
            try JobLifecycle.checkpointFailed(record, reason: reason, epoch: epoch, now: now)
        }
    }

    /// Sets a numeric insight of this attempt (tokens, cost, files changed).
    public func record(_ name: String, _ value: Double) {
        state.update { $0.insights[name] = value }
    }

    /// Adds to a numeric insight of this attempt.
    public func add(_ name: String, _ value: Double) {
        state.update { $0.insights[name, default: 0] += value }
    }

    /// Records the exit status of the command this attempt ran.
    public func setExitCode(_ code: Int32) {
        state.update { $0.exitCode = code }
    }
}

/// An attempt's lease as the worker sees it on this machine's clock.
struct AttemptLease: Sendable {
    /// When the attempt's effects must have stopped unless the lease is renewed first.
    var deadline: ContinuousClock.Instant
    /// How long past the next expected renewal the deadline lies: the most a stop (SIGTERM to
    /// SIGKILL) may take without stopping attempts whose lease is being renewed on time.
    var slack: Duration
}

/// The mutable side of an attempt, shared by the handler's context and the worker.
final class JobAttemptState: Sendable {
    struct Values {
        var leaseDeadline: ContinuousClock.Instant
        var leaseObservers: [@Sendable (ContinuousClock.Instant) -> Void] = []
        var insights: [String: Double] = [:]
        var insightsChanged = false
        var exitCode: Int32?
        var checkpoint: JobCheckpoint?
        var stopReason: JobContext.StopReason?
        var cancelHandler: (@Sendable () -> Void)?
    }

    private let values: Mutex<Values>
    /// See ``AttemptLease/slack``.
    let leaseSlack: Duration

    init(lease: AttemptLease) {
        values = Mutex(Values(leaseDeadline: lease.deadline))
        leaseSlack = lease.slack
    }

    var leaseDeadline: ContinuousClock.Instant { values.withLock { $0.leaseDeadline } }

    func observeLease(_ body: @escaping @Sendable (ContinuousClock.Instant) -> Void) {
        values.withLock { $0.leaseObservers.append(body) }
    }

    /// Records a renewal and tells the observers.
    func leaseRenewed(_ deadline: ContinuousClock.Instant) {
        let observers = values.withLock { values in
            values.leaseDeadline = deadline
            return values.leaseObservers
        }
        observers.forEach { $0(deadline) }
    }

    var stopReason: JobContext.StopReason? { values.withLock { $0.stopReason } }
    var exitCode: Int32? { values.withLock { $0.exitCode } }
    var insights: [String: Double] { values.withLock { $0.insights } }
    var checkpoint: JobCheckpoint? { values.withLock { $0.checkpoint } }

    func setCheckpoint(_ checkpoint: JobCheckpoint) {
        values.withLock { $0.checkpoint = checkpoint }
    }

    func update(_ body: (inout Values) -> Void) {
        values.withLock { values in
            body(&values)
            values.insightsChanged = true
        }
    }

    /// The insights if they changed since the last call.
    func takeChangedInsights() -> [String: Double]? {
        values.withLock { values in
            guard values.insightsChanged else { return nil }
            values.insightsChanged = false
            return values.insights
        }
    }

    /// Asks the attempt to stop (cancels its handler); the first reason wins.
    func stop(_ reason: JobContext.StopReason) {
        let cancel = values.withLock { values -> (@Sendable () -> Void)? in
            guard values.stopReason == nil else { return nil }
            values.stopReason = reason
            return values.cancelHandler
        }
        cancel?()
    }

    /// Connects the handler's task; a stop that came first cancels it at once.
    func attach(cancel: @escaping @Sendable () -> Void) {
        let stopped = values.withLock { values -> Bool in
            values.cancelHandler = cancel
            return values.stopReason != nil
        }
        if stopped { cancel() }
    }
}
