/// A queue that runs closures for many tenants, each job under a concurrency key.
///
/// This is the in-process, closure-based family of job queues: a job is a closure, and
/// ``enqueue(key:priority:idempotencyKey:timeout:operation:)`` returns its result when it has run.
/// ``InProcessJobQueue`` is the implementation. Durable jobs, which must survive the process, are
/// serialisable requests handled by a ``Worker`` over a ``JobStore`` (``DurableJobQueue``) and have their own API; they do not
/// conform to this protocol, because a closure cannot be stored.
public protocol JobQueue: Sendable {
    /// Runs `operation` under the concurrency key `key` and returns its result.
    ///
    /// - Parameters:
    ///   - key: the concurrency key (a tenant, an installation, a repository); jobs of one key
    ///     run at most the key's limit at a time, in FIFO order within a priority.
    ///   - priority: orders jobs within their key: higher runs first. Does not order keys.
    ///   - idempotencyKey: when given, a job with the same idempotency key that is waiting,
    ///     running or recently finished is not run again: this call returns that job's result.
    ///   - timeout: how long the operation may run before it is cancelled and the call throws
    ///     a ``JobQueueError/Code/timedOut`` error; `nil` uses the queue's default.
    ///   - operation: the work. It runs on a task of the queue, not the caller's.
    /// - Returns: the operation's result.
    /// - Throws: the operation's error; ``JobQueueError`` when the queue is full, is shutting
    ///   down, the job timed out, or the idempotency key was used with another result type;
    ///   `CancellationError` when the caller's task is cancelled while the job waits.
    func enqueue<T: Sendable>(
        key: String,
        priority: Int,
        idempotencyKey: String?,
        timeout: Duration?,
        operation: @escaping @Sendable () async throws -> T
    ) async throws -> T

    /// The number of jobs waiting and running across every key.
    var counts: JobQueueCounts { get }

    /// The number of jobs waiting and running under `key`.
    /// - Parameter key: a concurrency key.
    func counts(forKey key: String) -> JobQueueCounts
}

extension JobQueue {
    /// Runs `operation` under the concurrency key `key` and returns its result.
    ///
    /// - Parameters:
    ///   - key: the concurrency key.
    ///   - priority: orders jobs within their key: higher runs first. Defaults to 0.
    ///   - idempotencyKey: deduplicates jobs; see the protocol requirement. Defaults to none.
    ///   - timeout: the longest the operation may run. Defaults to the queue's default.
    ///   - operation: the work.
    /// - Returns: the operation's result.
    /// - Throws: see ``JobQueue/enqueue(key:priority:idempotencyKey:timeout:operation:)``.
    public func enqueue<T: Sendable>(
        key: String,
        priority: Int = 0,
        idempotencyKey: String? = nil,
        timeout: Duration? = nil,
        operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await enqueue(
            key: key,
            priority: priority,
            idempotencyKey: idempotencyKey,
            timeout: timeout,
            operation: operation
        )
    }
}

/// How many jobs wait and run, in a whole queue or under one key.
public struct JobQueueCounts: Sendable, Hashable, CustomStringConvertible {
    /// Jobs accepted and waiting for their turn.
    public var waiting: Int
    /// Jobs whose operation is running.
    public var running: Int

    /// Creates counts.
    /// - Parameters:
    ///   - waiting: jobs accepted and waiting for their turn.
    ///   - running: jobs whose operation is running.
    public init(waiting: Int = 0, running: Int = 0) {
        self.waiting = waiting
        self.running = running
    }

    public var description: String { "waiting: \(waiting), running: \(running)" }
}
