public import Foundation

/// The end of an attempt, as its worker reports it to the store with the attempt's epoch.
@_spi(JobStoreImplementation)
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
