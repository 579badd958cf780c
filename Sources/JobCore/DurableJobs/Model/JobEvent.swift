public import Foundation

/// One entry of a job's append-only event stream: every state transition writes one.
public struct JobEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The job was created.
        case enqueued
        /// A worker claimed it; the event carries the new epoch.
        case claimed
        /// An attempt succeeded (the job then ended, or waits for its children: see the event's
        /// state), or the children a job waited for all succeeded.
        case succeeded
        /// An attempt failed and no attempt is left (or the failure is permanent), or a job's
        /// children have all ended and some did not succeed.
        case failed
        /// An attempt failed and the job was queued again for a later attempt.
        case retryScheduled
        /// An attempt ran out of time.
        case timedOut
        /// A cancel arrived while the job was running.
        case cancelRequested
        /// The job was cancelled.
        case cancelled
        /// The lease of an attempt expired (its worker stopped renewing it).
        case leaseExpired
        /// A worker shutting down returned the job to the queue.
        case released
        /// The job was queued again by hand after it finished.
        case retried
        /// The last of the job's dependencies ended: it left `waiting` for `queued` (the message
        /// names that dependency).
        case unblocked
        /// The running attempt saved a checkpoint (the message names its commit and branch).
        case checkpointed
        /// The running attempt could not save a checkpoint (the message says why); the previous
        /// one, if any, stays.
        case checkpointFailed
        /// A queued job's run-at was changed by hand (the message gives the new time).
        case rescheduled
    }

    /// The job the event belongs to.
    public var jobID: JobID
    /// A store-wide increasing position: events of one job are ordered by it.
    public var sequence: Int64
    /// When the event happened.
    public var at: Date
    /// What happened.
    public var kind: Kind
    /// The job's state after the event.
    public var state: JobState
    /// The lease epoch the event concerns, when it concerns an attempt.
    public var epoch: Int64?
    /// Detail such as an error message or the worker id.
    public var message: String?

    /// Creates an event.
    public init(
        jobID: JobID, sequence: Int64, at: Date, kind: Kind, state: JobState,
        epoch: Int64? = nil, message: String? = nil
    ) {
        self.jobID = jobID
        self.sequence = sequence
        self.at = at
        self.kind = kind
        self.state = state
        self.epoch = epoch
        self.message = message
    }
}
