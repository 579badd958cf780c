import Foundation
import JobCore

/// A job as `--json` prints it: stable camelCase keys, ISO-8601 timestamps.
struct JobView: Encodable {
    var id: String
    var state: String
    var kind: String
    var queue: String
    var key: String?
    var priority: Int
    var attempt: Int
    var maxAttempts: Int
    var timeoutSeconds: Double
    var idempotencyKey: String?
    var runAt: Date
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var updatedAt: Date
    var cancelRequested: Bool
    var leaseHolder: String?
    var leaseExpiresAt: Date?
    var exitCode: Int32?
    var lastError: String?
    var command: [String]?
    var repository: String?
    var branch: String?
    var result: CommandJobResult?
    var runs: [RunView]?

    init(_ job: JobRecord, runs: [JobRun]? = nil) {
        id = job.id.description
        state = job.state.rawValue
        kind = job.kind
        queue = job.queue
        key = job.key
        priority = job.priority
        attempt = job.attempt
        maxAttempts = job.maxAttempts
        timeoutSeconds = job.timeout.timeInterval
        idempotencyKey = job.idempotencyKey
        runAt = job.runAt
        createdAt = job.createdAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        updatedAt = job.updatedAt
        cancelRequested = job.cancelRequested
        leaseHolder = job.leaseHolder
        leaseExpiresAt = job.leaseExpiresAt
        lastError = job.lastError
        if job.kind == CommandJob.kind.name, let payload = try? JSONDecoder().decode(CommandJob.self, from: job.payload) {
            command = payload.command
            repository = payload.repository?.location
            branch = payload.branch
        }
        result = job.result.flatMap { try? JSONDecoder().decode(CommandJobResult.self, from: $0) }
        self.runs = runs.map { $0.map(RunView.init) }
        exitCode = runs?.last?.exitCode ?? result?.exitCode
    }
}

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

struct EventView: Encodable {
    var sequence: Int64
    var at: Date
    var kind: String
    var state: String
    var epoch: Int64?
    var message: String?

    init(_ event: JobEvent) {
        sequence = event.sequence
        at = event.at
        kind = event.kind.rawValue
        state = event.state.rawValue
        epoch = event.epoch
        message = event.message
    }
}
