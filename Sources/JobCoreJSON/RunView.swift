import Foundation
import JobCore

struct RunView: Encodable {
    var attempt: Int
    var epoch: Int64
    var workerID: String
    var startedAt: Date
    var finishedAt: Date?
    var outcome: String?
    var exitCode: Int32?
    var error: String?
    var insights: [String: Double]

    init(_ run: JobRun) {
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
