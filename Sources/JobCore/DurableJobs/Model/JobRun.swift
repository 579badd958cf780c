public import Foundation

/// One attempt of a job: who ran it, when, and how it ended.
public struct JobRun: Sendable, Hashable, Codable {
    /// How an attempt ended.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// The handler returned.
        case succeeded
        /// The handler threw.
        case failed
        /// The attempt ran longer than the job's timeout and was stopped.
        case timedOut
        /// The job was cancelled while this attempt ran.
        case cancelled
        /// The worker stopped renewing its lease (it died or hung); the reaper ended the attempt.
        case leaseExpired
        /// The worker shut down and returned the job to the queue; the attempt does not count.
        case released
    }

    /// The job this run belongs to.
    public var jobID: JobID
    /// The lease epoch of this attempt; unique per job.
    public var epoch: Int64
    /// The attempt number (1 for the first attempt since enqueue or manual retry).
    public var attempt: Int
    /// The worker that claimed the job.
    public var workerID: String
    /// When the claim happened.
    public var startedAt: Date
    /// When the attempt ended; `nil` while it runs.
    public var finishedAt: Date?
    /// How the attempt ended; `nil` while it runs.
    public var outcome: Outcome?
    /// The exit status of the command the attempt ran, if any.
    public var exitCode: Int32?
    /// The error message of an unsuccessful attempt.
    public var error: String?
    /// Numeric facts about the attempt, such as tokens, cost or files changed.
    public var insights: [String: Double]

    /// Creates a run record.
    public init(
        jobID: JobID, epoch: Int64, attempt: Int, workerID: String, startedAt: Date,
        finishedAt: Date? = nil, outcome: Outcome? = nil, exitCode: Int32? = nil,
        error: String? = nil, insights: [String: Double] = [:]
    ) {
        self.jobID = jobID
        self.epoch = epoch
        self.attempt = attempt
        self.workerID = workerID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.exitCode = exitCode
        self.error = error
        self.insights = insights
    }
}
