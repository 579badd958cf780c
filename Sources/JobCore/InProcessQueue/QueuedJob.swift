/// A job held by the state machine of an ``InProcessJobQueue``, with its result type erased.
///
/// ``TypedJob`` is the only subclass; it adds the operation, the result and the callers'
/// continuations, and overrides the methods below that need the result type.
///
/// Thread safety, which is why this is `@unchecked Sendable`:
/// - `let` properties never change.
/// - The `var` properties here are read and written only while holding the queue's mutex.
/// - ``TypedJob`` documents its own properties; none is touched concurrently.
///
/// Memory safety of the `unowned(unsafe)` references, which spare the hot path reference
/// counting: each is set only while its target is kept alive by a strong reference elsewhere.
/// - `keyState`: set while the job waits or runs, and a key's state stays in the state
///   machine's dictionary while it has a job waiting or running; cleared when the job leaves.
/// - `runner`: set while the job runs (or is about to, held in ``QueueEffects``); the runner is
///   referenced by its own task, which runs the job until `finish` clears the link.
/// - `nextRunning` / `previousRunning`: link running jobs, which their runners hold.
class QueuedJob: @unchecked Sendable {
    final let concurrencyKey: ConcurrencyKey
    final let priority: Int
    final let idempotencyKey: String?
    final let timeout: Duration?
    /// When `enqueue` was called; `nil` when no metrics are recorded.
    final let enqueuedAt: ContinuousClock.Instant?

    // Guarded by the queue's mutex.
    final var sequence: UInt64 = 0
    final var phase: JobPhase = .new
    /// The key's state while the job waits or runs.
    final unowned(unsafe) var keyState: KeyState?
    /// The runner running the job.
    final unowned(unsafe) var runner: QueueRunner?
    /// The task that ends the wait for room (overflow policy "wait").
    final var admissionTimer: Task<Void, Never>?
    /// Set when the queue stopped the job; its callers then get the matching error.
    final var termination: JobTermination?
    /// Set when the last caller waiting for this job was cancelled while it ran.
    final var cancelRequested = false
    /// The boxed result (an `Outcome<T>`) of a finished job remembered for its idempotency key.
    final var outcome: (any BoxedOutcome)?
    /// The job this ticket follows (phase `.following`).
    final var leader: QueuedJob?
    /// Links of ``RunningJobList``.
    final unowned(unsafe) var nextRunning: QueuedJob?
    final unowned(unsafe) var previousRunning: QueuedJob?

    init(
        key: String, priority: Int, idempotencyKey: String?, timeout: Duration?, enqueuedAt: ContinuousClock.Instant?
    ) {
        self.concurrencyKey = ConcurrencyKey(key)
        self.priority = priority
        self.idempotencyKey = idempotencyKey
        self.timeout = timeout
        self.enqueuedAt = enqueuedAt
    }

    /// The concurrency key's name.
    final var key: String { concurrencyKey.name }

    /// The result type's name, for error messages.
    var resultTypeName: String { preconditionFailure("overridden by TypedJob") }

    /// The number of callers waiting for this job's result. Lock held.
    var waiterCount: Int { preconditionFailure("overridden by TypedJob") }

    /// Runs the operation once on `runner`, records the end with the queue, and resumes the
    /// callers. Called by the job's runner only.
    /// - Returns: what the state machine asks for, including the runner's next job.
    func run(on queue: InProcessJobQueue, runner: QueueRunner) async -> QueueEffects {
        preconditionFailure("overridden by TypedJob")
    }

    /// Resumes every caller waiting for this job with `error`. Called once, after the state
    /// machine marked the job `.finished`, outside the lock.
    func resumeWaiters(throwing error: any Error) { preconditionFailure("overridden by TypedJob") }

    /// Whether `other` has this job's result type. Lock held.
    func hasResultType(of other: QueuedJob) -> Bool { preconditionFailure("overridden by TypedJob") }

    /// Adds the caller of `follower` to the callers of this job. Lock held.
    func addFollower(_ follower: QueuedJob) { preconditionFailure("overridden by TypedJob") }

    /// Removes `follower` from the callers of this job. Lock held.
    func removeFollower(_ follower: QueuedJob) { preconditionFailure("overridden by TypedJob") }

    /// Detaches the caller that enqueued this job, so that the job runs on for its followers.
    /// Lock held.
    /// - Returns: the continuation of that caller, to resume outside the lock.
    func detachOwnCaller() -> (any DetachedCaller)? { preconditionFailure("overridden by TypedJob") }
}
