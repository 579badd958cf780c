public import Foundation

/// A durable job as a store keeps it.
///
/// Records are values: a store hands out copies, and every change goes through `JobLifecycle`
/// and bumps ``version``.
public struct JobRecord: Sendable, Hashable {
    /// Time-ordered identifier.
    public var id: JobID
    /// The queue it belongs to.
    public var queue: String
    /// The concurrency key, if any.
    public var key: String?
    /// The handler kind.
    public var kind: String
    /// The encoded payload.
    public var payload: Data
    /// Where the job is in its life.
    public var state: JobState
    /// Higher runs first.
    public var priority: Int
    /// The earliest time the job may be claimed.
    public var runAt: Date
    /// Attempts started so far (since the last manual retry). The current attempt while running.
    public var attempt: Int
    /// Attempts allowed in total.
    public var maxAttempts: Int
    /// How long one attempt may run.
    public var timeout: Duration
    /// The idempotency key given at enqueue, if any.
    public var idempotencyKey: String?
    /// The worker holding the lease while running.
    public var leaseHolder: String?
    /// When the lease runs out unless renewed by a heartbeat.
    public var leaseExpiresAt: Date?
    /// Incremented by every claim; writes for an attempt carry it, and stale ones are refused.
    public var epoch: Int64
    /// Set by a cancel while running; the owning worker learns it through its heartbeat.
    public var cancelRequested: Bool
    /// The reason given with the cancel, while it is requested and once it cancelled the job.
    public var cancelReason: String?
    /// How the cancel stops a running attempt, while it is requested and once it cancelled the
    /// job; `nil` when there was no cancel.
    public var cancelMode: JobStopMode?
    /// When the job was enqueued.
    public var createdAt: Date
    /// When the latest attempt started.
    public var startedAt: Date?
    /// When the job reached a terminal state.
    public var finishedAt: Date?
    /// When the record last changed.
    public var updatedAt: Date
    /// The error of the latest failed attempt.
    public var lastError: String?
    /// The encoded result of a successful run, if the handler returned one.
    public var result: Data?
    /// Incremented by every write, for optimistic concurrency.
    public var version: Int64
    /// The trace context of the span that enqueued the job (see ``NewJob/traceContext``);
    /// empty when none was recorded. Set at enqueue and never changed.
    public var traceContext: [String: String]
    /// The jobs this one waits for (``JobOptions/dependsOn``); set at enqueue and never changed.
    public var dependsOn: [JobID]
    /// What the dependencies must do for this job to run.
    public var dependencyMode: DependencyMode
    /// How many of its dependencies have not ended yet: above zero while ``JobState/waiting``.
    public var pendingDependencies: Int
    /// Whether a job depends on this one: its end is then passed on to them in the same
    /// transaction. A store sets it when it enqueues the first dependent.
    public var hasDependents: Bool
    /// The job this one is a child of (``NewJob/parent``), if any; set at enqueue and never changed.
    public var parentID: JobID?
    /// How many of its children have not ended yet. A job whose own attempt succeeded (or a
    /// grouping job) is ``JobState/waiting`` while it is above zero.
    public var pendingChildren: Int
    /// How many of its children ended without succeeding (since the last manual retry): the job
    /// then ends `failed` once they have all ended.
    public var failedChildren: Int
    /// The first ``maximumNamedChildren`` of those children, named in the job's error.
    public var failedChildIDs: [JobID]
    /// The latest checkpoint an attempt saved (``JobContext/saveCheckpoint(_:)``), if any.
    public var checkpoint: JobCheckpoint?

    /// How many failed children a record names (``failedChildIDs``).
    public static let maximumNamedChildren = 10

    /// Creates a record; stores and `JobLifecycle` are the only callers.
    @_spi(JobStoreImplementation)
    public init(
        id: JobID, queue: String, key: String?, kind: String, payload: Data, state: JobState,
        priority: Int, runAt: Date, attempt: Int, maxAttempts: Int, timeout: Duration,
        idempotencyKey: String?, leaseHolder: String?, leaseExpiresAt: Date?, epoch: Int64,
        cancelRequested: Bool, cancelReason: String? = nil, cancelMode: JobStopMode? = nil,
        createdAt: Date, startedAt: Date?, finishedAt: Date?, updatedAt: Date,
        lastError: String?, result: Data?, version: Int64, traceContext: [String: String] = [:],
        dependsOn: [JobID] = [], dependencyMode: DependencyMode = .succeeded, pendingDependencies: Int = 0,
        hasDependents: Bool = false, parentID: JobID? = nil, pendingChildren: Int = 0, failedChildren: Int = 0,
        failedChildIDs: [JobID] = [], checkpoint: JobCheckpoint? = nil
    ) {
        self.id = id
        self.queue = queue
        self.key = key
        self.kind = kind
        self.payload = payload
        self.state = state
        self.priority = priority
        self.runAt = runAt
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.idempotencyKey = idempotencyKey
        self.leaseHolder = leaseHolder
        self.leaseExpiresAt = leaseExpiresAt
        self.epoch = epoch
        self.cancelRequested = cancelRequested
        self.cancelReason = cancelReason
        self.cancelMode = cancelMode
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.updatedAt = updatedAt
        self.lastError = lastError
        self.result = result
        self.version = version
        self.traceContext = traceContext
        self.dependsOn = dependsOn
        self.dependencyMode = dependencyMode
        self.pendingDependencies = pendingDependencies
        self.hasDependents = hasDependents
        self.parentID = parentID
        self.pendingChildren = pendingChildren
        self.failedChildren = failedChildren
        self.failedChildIDs = failedChildIDs
        self.checkpoint = checkpoint
    }

    /// Whether the job only holds children (``NewJob/group(options:)``): it is never claimed,
    /// and ends with its children.
    public var isGroup: Bool { kind == NewJob.groupKind }

    /// Whether another attempt is allowed after the current one.
    public var hasAttemptsLeft: Bool { attempt < maxAttempts }
}

extension JobRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, queue, key, kind, payload, state, priority, runAt, attempt, maxAttempts
        case timeoutSeconds, idempotencyKey, leaseHolder, leaseExpiresAt, epoch, cancelRequested, cancelReason, cancelMode
        case createdAt, startedAt, finishedAt, updatedAt, lastError, result, version, traceContext
        case dependsOn, dependencyMode, pendingDependencies, hasDependents
        case parentID, pendingChildren, failedChildren, failedChildIDs, checkpoint
    }

    /// Decodes a record; the timeout is read from `timeoutSeconds`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(JobID.self, forKey: .id),
            queue: try c.decode(String.self, forKey: .queue),
            key: try c.decodeIfPresent(String.self, forKey: .key),
            kind: try c.decode(String.self, forKey: .kind),
            payload: try c.decode(Data.self, forKey: .payload),
            state: try c.decode(JobState.self, forKey: .state),
            priority: try c.decode(Int.self, forKey: .priority),
            runAt: try c.decode(Date.self, forKey: .runAt),
            attempt: try c.decode(Int.self, forKey: .attempt),
            maxAttempts: try c.decode(Int.self, forKey: .maxAttempts),
            timeout: .milliseconds(Int64((try c.decode(Double.self, forKey: .timeoutSeconds) * 1000).rounded())),
            idempotencyKey: try c.decodeIfPresent(String.self, forKey: .idempotencyKey),
            leaseHolder: try c.decodeIfPresent(String.self, forKey: .leaseHolder),
            leaseExpiresAt: try c.decodeIfPresent(Date.self, forKey: .leaseExpiresAt),
            epoch: try c.decode(Int64.self, forKey: .epoch),
            cancelRequested: try c.decode(Bool.self, forKey: .cancelRequested),
            cancelReason: try c.decodeIfPresent(String.self, forKey: .cancelReason),
            cancelMode: try c.decodeIfPresent(JobStopMode.self, forKey: .cancelMode),
            createdAt: try c.decode(Date.self, forKey: .createdAt),
            startedAt: try c.decodeIfPresent(Date.self, forKey: .startedAt),
            finishedAt: try c.decodeIfPresent(Date.self, forKey: .finishedAt),
            updatedAt: try c.decode(Date.self, forKey: .updatedAt),
            lastError: try c.decodeIfPresent(String.self, forKey: .lastError),
            result: try c.decodeIfPresent(Data.self, forKey: .result),
            version: try c.decode(Int64.self, forKey: .version),
            traceContext: try c.decodeIfPresent([String: String].self, forKey: .traceContext) ?? [:],
            dependsOn: try c.decodeIfPresent([JobID].self, forKey: .dependsOn) ?? [],
            dependencyMode: try c.decodeIfPresent(DependencyMode.self, forKey: .dependencyMode) ?? .succeeded,
            pendingDependencies: try c.decodeIfPresent(Int.self, forKey: .pendingDependencies) ?? 0,
            hasDependents: try c.decodeIfPresent(Bool.self, forKey: .hasDependents) ?? false,
            parentID: try c.decodeIfPresent(JobID.self, forKey: .parentID),
            pendingChildren: try c.decodeIfPresent(Int.self, forKey: .pendingChildren) ?? 0,
            failedChildren: try c.decodeIfPresent(Int.self, forKey: .failedChildren) ?? 0,
            failedChildIDs: try c.decodeIfPresent([JobID].self, forKey: .failedChildIDs) ?? [],
            checkpoint: try c.decodeIfPresent(JobCheckpoint.self, forKey: .checkpoint)
        )
    }

    /// Encodes a record with stable camelCase keys; the timeout as `timeoutSeconds`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(queue, forKey: .queue)
        try c.encodeIfPresent(key, forKey: .key)
        try c.encode(kind, forKey: .kind)
        try c.encode(payload, forKey: .payload)
        try c.encode(state, forKey: .state)
        try c.encode(priority, forKey: .priority)
        try c.encode(runAt, forKey: .runAt)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(timeout.timeInterval, forKey: .timeoutSeconds)
        try c.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
        try c.encodeIfPresent(leaseHolder, forKey: .leaseHolder)
        try c.encodeIfPresent(leaseExpiresAt, forKey: .leaseExpiresAt)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(cancelRequested, forKey: .cancelRequested)
        try c.encodeIfPresent(cancelReason, forKey: .cancelReason)
        try c.encodeIfPresent(cancelMode, forKey: .cancelMode)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(startedAt, forKey: .startedAt)
        try c.encodeIfPresent(finishedAt, forKey: .finishedAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encodeIfPresent(lastError, forKey: .lastError)
        try c.encodeIfPresent(result, forKey: .result)
        try c.encode(version, forKey: .version)
        if !traceContext.isEmpty { try c.encode(traceContext, forKey: .traceContext) }
        if !dependsOn.isEmpty {
            try c.encode(dependsOn, forKey: .dependsOn)
            try c.encode(dependencyMode, forKey: .dependencyMode)
            try c.encode(pendingDependencies, forKey: .pendingDependencies)
        }
        if hasDependents { try c.encode(hasDependents, forKey: .hasDependents) }
        try c.encodeIfPresent(parentID, forKey: .parentID)
        if pendingChildren != 0 { try c.encode(pendingChildren, forKey: .pendingChildren) }
        if failedChildren != 0 {
            try c.encode(failedChildren, forKey: .failedChildren)
            try c.encode(failedChildIDs, forKey: .failedChildIDs)
        }
        try c.encodeIfPresent(checkpoint, forKey: .checkpoint)
    }
}
