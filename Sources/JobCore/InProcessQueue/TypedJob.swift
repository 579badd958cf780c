/// A job with its result type: the operation and the continuations of the callers waiting for it.
///
/// It keeps no result of its own: the runner resumes the callers straight from the operation's
/// return, and only a job with an idempotency key boxes its result (``Outcome``) to be remembered.
/// So the hot path touches no generic type whose layout depends on `T`, which in unspecialised
/// generic code would cost a metadata look-up each time.
///
/// Thread safety, in addition to ``QueuedJob``'s:
/// - `operation` belongs to the runner between dispatch and finish.
/// - `continuation` and `followers` change under the lock while the job is not `.finished`.
///   Once it is, only the single call that resumes the callers touches them; every other path
///   checks the phase under the lock first and leaves them alone.
final class TypedJob<T: Sendable>: QueuedJob, @unchecked Sendable {
    private var operation: (@Sendable () async throws -> T)?
    /// The caller that created this job (for a ticket: the follower it stands for).
    var continuation: UnsafeContinuation<T, any Error>?
    /// Tickets of callers that share this job's result; each is a `TypedJob<T>`.
    private var followers: [QueuedJob] = []

    init(
        key: String,
        priority: Int,
        idempotencyKey: String?,
        timeout: Duration?,
        enqueuedAt: ContinuousClock.Instant?,
        operation: @escaping @Sendable () async throws -> T
    ) {
        self.operation = operation
        super.init(
            key: key, priority: priority, idempotencyKey: idempotencyKey, timeout: timeout, enqueuedAt: enqueuedAt)
    }

    override var resultTypeName: String { String(reflecting: T.self) }

    override var waiterCount: Int { (continuation == nil ? 0 : 1) + followers.count }

    override func run(on queue: InProcessJobQueue, runner: QueueRunner) async -> QueueEffects {
        guard let operation else { preconditionFailure("a job runs once") }
        self.operation = nil  // releases what the closure captured as soon as it is done
        let run = queue.jobStarted(self)
        do {
            let value = try await operation()
            let outcome = idempotencyKey == nil ? nil : Outcome<T>(.success(value))
            let (effects, error) = queue.jobEnded(self, on: runner, run: run, failed: false, outcome: outcome)
            if let error { resumeWaiters(throwing: error) } else { resumeWaiters(returning: value) }
            return effects
        } catch {
            let outcome = idempotencyKey == nil ? nil : Outcome<T>(.failure(error))
            let (effects, queueError) = queue.jobEnded(self, on: runner, run: run, failed: true, outcome: outcome)
            resumeWaiters(throwing: queueError ?? error)
            return effects
        }
    }

    private func resumeWaiters(returning value: T) {
        continuation?.resume(returning: value)
        continuation = nil
        for follower in followers {
            let follower = unsafeDowncast(follower, to: TypedJob<T>.self)
            follower.continuation?.resume(returning: value)
            follower.continuation = nil
        }
        followers = []
    }

    override func resumeWaiters(throwing error: any Error) {
        continuation?.resume(throwing: error)
        continuation = nil
        for follower in followers {
            let follower = unsafeDowncast(follower, to: TypedJob<T>.self)
            follower.continuation?.resume(throwing: error)
            follower.continuation = nil
        }
        followers = []
    }

    override func hasResultType(of other: QueuedJob) -> Bool {
        other is TypedJob<T>
    }

    override func addFollower(_ follower: QueuedJob) {
        precondition(follower is TypedJob<T>, "followers share the result type")
        followers.append(follower)
    }

    override func removeFollower(_ follower: QueuedJob) {
        followers.removeAll { $0 === follower }
    }

    override func detachOwnCaller() -> (any DetachedCaller)? {
        guard let continuation else { return nil }
        self.continuation = nil
        return Detached(continuation: continuation)
    }

    private struct Detached: DetachedCaller {
        let continuation: UnsafeContinuation<T, any Error>

        func resume(throwing error: any Error) {
            continuation.resume(throwing: error)
        }
    }
}
