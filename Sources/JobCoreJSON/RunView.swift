public import Foundation
public import JobCore

/// One run (attempt) of a job, as `jobctl show --json` and the HTTP API print it.
public struct RunView: Encodable, Sendable {
    public var attempt: Int
    public var epoch: Int64
    public var workerID: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var outcome: String?
    public var exitCode: Int32?
    public var error: String?
    public var insights: [String: Double]

    /// The view of a run.
    public init(_ run: JobRun) {
        attempt = run.attempt
        epoch = run.epoch
        workerID = run.workerID
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        outcome = run.outcome.map { "\($0)" }
        exitCode = run.exitCode
        error = run.error
        insights = run.insights
    }
}
