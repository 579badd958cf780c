/// A job with its result type: the operation, the result, and the continuations of the callers
/// waiting for it.
///
/// Thread safety, in addition to ``QueuedJob``'s:
/// - `operation` and `outcome` belong to the worker between dispatch and finish. The worker
///   writes `outcome` before it takes the lock to finish the job; after that the job is
///   `.finished` and `outcome` never changes, so readers that take the lock later see it.
/// - `continuation` and `followers` change under the lock while the job is not `.finished`.
///   Once it is, only ``resumeWaiters(error:)`` touches them, once; every other path checks the
///   phase under the lock first and leaves them alone.
final class TypedJob<T: Sendable>: QueuedJob, @unchecked Sendable {
    private var operation: (@Sendable () async throws -> T)?
    private(set) var outcome: Result<T, any Error>?
    /// The caller that created this job (for a ticket: the follower it stands for).
    var continuation: UnsafeContinuation<T, any Error>?
    /// Tickets of callers that share this job's result.
    var followers: [TypedJob<T>] = []

    init(
        key: String,
        priority: Int,
        idempotencyKey: String?,
        timeout: Duration?,
        operation: @escaping @Sendable () async throws -> T
    ) {
        self.operation = operation
        super.init(key: key, priority: priority, idempotencyKey: idempotencyKey, timeout: timeout)
    }

    override var resultTypeName: String { String(reflecting: T.self) }

    override var waiterCount: Int { (continuation == nil ? 0 : 1) + followers.count }

    override func execute() async -> Bool {
        guard let operation else { preconditionFailure("a job runs once") }
        self.operation = nil  // releases what the closure captured as soon as it is done
        do {
            outcome = .success(try await operation())
            return true
        } catch {
            outcome = .failure(error)
            return false
        }
    }

    override func resumeWaiters(error: (any Error)?) {
        let result: Result<T, any Error>
        if let error {
            result = .failure(error)
        } else if let outcome {
            result = outcome
        } else {
            preconditionFailure("a job without an outcome is resumed with an error")
        }
        continuation?.resume(with: result)
        continuation = nil
        for follower in followers {
            follower.continuation?.resume(with: result)
            follower.continuation = nil
        }
        followers = []
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
