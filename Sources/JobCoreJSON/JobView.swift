public import Foundation
public import JobCore

/// A job as `--json` prints it (and the HTTP API serves it): stable camelCase keys, ISO-8601
/// timestamps.
public struct JobView: Encodable, Sendable {
    public var id: String
    public var state: String
    public var kind: String
    public var queue: String
    public var key: String?
    public var priority: Int
    public var attempt: Int
    public var maxAttempts: Int
    public var timeoutSeconds: Double
    public var idempotencyKey: String?
    public var runAt: Date
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var updatedAt: Date
    public var cancelRequested: Bool
    public var leaseHolder: String?
    public var leaseExpiresAt: Date?
    public var exitCode: Int32?
    public var lastError: String?
    /// The attempt whose run recorded ``lastError``, when the runs are known (`show`).
    public var lastErrorAttempt: Int?
    /// Whether ``lastError`` belongs to an attempt before the job's outcome: the job succeeded,
    /// or it is queued or running again after a failed attempt.
    public var lastErrorIsEarlier: Bool?
    public var command: [String]?
    public var repository: String?
    public var branch: String?
    /// The payload, when it is JSON; else ``payloadBase64``.
    public var payload: JSONValue?
    public var payloadBase64: String?
    /// The result, when it is JSON; else ``resultBase64``.
    public var result: JSONValue?
    public var resultBase64: String?
    public var runs: [RunView]?
    /// The jobs this one waits for, with how (`succeeded` or `finished`) and how many have not
    /// ended; absent for a job without dependencies.
    public var dependsOn: [String]?
    public var dependencyMode: String?
    public var pendingDependencies: Int?
    /// The job this one is a child of.
    public var parent: String?
    /// How many children the job has in each state (filled by `show`), and how many have not
    /// ended; absent for a job without children.
    public var children: [String: Int]?
    public var pendingChildren: Int?
    /// The latest checkpoint: `wipBranch`, `wipBase`, `wipCommit`, `note`, `epoch`, `savedAt`.
    public var checkpoint: JobCheckpoint?

    /// The view of a record, with its runs when they are known.
    public init(_ job: JobRecord, runs: [JobRun]? = nil) {
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
        if lastError != nil {
            lastErrorIsEarlier = ![.failed, .cancelled].contains(job.state)
            lastErrorAttempt = runs?.last { $0.error != nil }?.attempt
        }
        if job.kind == CommandJob.kind.name, let payload = try? JSONDecoder().decode(CommandJob.self, from: job.payload) {
            command = payload.command
            repository = payload.repository?.location
            branch = payload.branch
        }
        (payload, payloadBase64) = Self.document(job.payload)
        (result, resultBase64) = job.result.map(Self.document) ?? (nil, nil)
        self.runs = runs.map { $0.map(RunView.init) }
        let commandResult = job.kind == CommandJob.kind.name
            ? job.result.flatMap { try? JSONDecoder().decode(CommandJobResult.self, from: $0) } : nil
        exitCode = runs?.last?.exitCode ?? commandResult?.exitCode
        if !job.dependsOn.isEmpty {
            dependsOn = job.dependsOn.map(\.rawValue)
            dependencyMode = job.dependencyMode.rawValue
            pendingDependencies = job.pendingDependencies
        }
        parent = job.parentID?.rawValue
        if job.pendingChildren > 0 || job.failedChildren > 0 { pendingChildren = job.pendingChildren }
        checkpoint = job.checkpoint
    }

    /// Stored bytes as JSON when they are JSON, else as base64; nothing for no bytes.
    private static func document(_ data: Data) -> (JSONValue?, String?) {
        if data.isEmpty { return (nil, nil) }
        if let value = JSONValue(data: data) { return (value, nil) }
        return (nil, data.base64EncodedString())
    }
}
