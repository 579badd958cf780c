public import Foundation

/// The end of an attempt, as its worker reports it to the store with the attempt's epoch.
public struct JobFinish: Sendable, Hashable {
    /// How the attempt ended.
    public enum Outcome: Sendable, Hashable {
        /// The handler returned, with an optional encoded result.
        case succeeded(result: Data?)
        /// The handler failed. With `retryAt`, the job is queued again for that time when it has
        /// attempts left; with `nil` the failure is permanent.
        case failed(error: String, retryAt: Date?)
        /// The attempt ran out of time; the job fails (timeouts are not retried).
        case timedOut(error: String)
        /// The attempt stopped because the job was cancelled.
        case cancelled(reason: String?)
        /// The worker is shutting down: the job goes back to the queue and the attempt does not
        /// count against its attempts.
        case released
    }

    /// The job.
    public var id: JobID
    /// The epoch returned by the claim of this attempt.
    public var epoch: Int64
    /// How the attempt ended.
    public var outcome: Outcome
    /// The exit status of the attempt's command, if it ran one.
    public var exitCode: Int32?
    /// Numeric facts about the attempt (tokens, cost, files changed); merged into the run.
    public var insights: [String: Double]

    /// Creates a report.
    public init(
        id: JobID, epoch: Int64, outcome: Outcome, exitCode: Int32? = nil,
        insights: [String: Double] = [:]
    ) {
        self.id = id
        self.epoch = epoch
        self.outcome = outcome
        self.exitCode = exitCode
        self.insights = insights
    }
}

/// A lease renewal for one running attempt.
public struct JobHeartbeat: Sendable, Hashable {
    /// The job.
    public var id: JobID
    /// The epoch returned by the claim.
    public var epoch: Int64
    /// Insights recorded so far, stored on the run so they are visible while it runs.
    public var insights: [String: Double]

    /// Creates a renewal.
    public init(id: JobID, epoch: Int64, insights: [String: Double] = [:]) {
        self.id = id
        self.epoch = epoch
        self.insights = insights
    }
}

/// The store's answer to a heartbeat.
public enum HeartbeatStatus: Sendable, Hashable {
    /// The lease was extended; keep going.
    case renewed
    /// The lease was extended, and the job has been cancelled (with the canceller's reason):
    /// stop the attempt and report ``JobFinish/Outcome/cancelled(reason:)``.
    case cancelRequested(reason: String?)
    /// The lease is lost (the epoch is stale or the job no longer runs): stop without reporting.
    case lost
    /// The job no longer exists (it was purged): stop without reporting.
    case gone
}

/// What a claim asks for.
public struct ClaimRequest: Sendable, Hashable {
    /// The claiming worker; it becomes the lease holder.
    public var workerID: String
    /// The most jobs to claim. Defaults to 1.
    public var limit: Int
    /// How long the lease lasts unless renewed. Defaults to 30 seconds.
    public var lease: Duration
    /// The most jobs of one concurrency key running at once, across every process on the
    /// store. Defaults to 1.
    public var keyLimit: Int
    /// The queue to claim from. Defaults to `default`.
    public var queue: String
    /// Only these kinds (the kinds the worker has handlers for); `nil` claims any kind.
    /// Defaults to `nil`.
    public var kinds: Set<String>?

    /// Creates a claim request; every parameter but the worker has the documented default.
    public init(
        workerID: String, limit: Int = 1, lease: Duration = .seconds(30), keyLimit: Int = 1,
        queue: String = JobOptions.defaultQueue, kinds: Set<String>? = nil
    ) {
        self.workerID = workerID
        self.limit = limit
        self.lease = lease
        self.keyLimit = keyLimit
        self.queue = queue
        self.kinds = kinds
    }
}
