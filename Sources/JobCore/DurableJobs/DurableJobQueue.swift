import Foundation

/// Enqueues typed job requests — a ``JobPayload`` that knows its kind, or a ``JobKind`` and its
/// Codable payload — into a ``JobStore``, for ``Worker``s in this or other processes to run.
///
/// ```swift
/// let queue = DurableJobQueue(store: store)
/// try await queue.enqueue(Review(repository: "acme/api", pullRequest: 42))    // a JobPayload
/// try await queue.enqueue(sendMail, Mail(to: "ops@example.com"))             // kind + payload
/// ```
public struct DurableJobQueue: Sendable {
    /// The store the jobs go to.
    public let store: any JobStore

    /// Creates a queue over a store.
    public init(store: any JobStore) {
        self.store = store
    }

    /// Enqueues one job of the payload's kind, with the payload encoded as JSON. Workers in this
    /// process wake at once.
    /// - Parameters:
    ///   - payload: the job's input; its type's ``JobPayload/kind`` names the kind.
    ///   - options: key, priority, schedule, attempts, timeout, idempotency key.
    /// - Returns: the job, and whether it was created or found by its idempotency key.
    /// - Throws: ``JobStoreError``, or the payload's encoding error.
    @discardableResult
    public func enqueue<Payload: JobPayload>(_ payload: Payload, options: JobOptions = JobOptions()) async throws -> EnqueueResult {
        try await enqueue(Payload.kind, [(payload, options)])[0]
    }

    /// Enqueues several jobs of one payload type in one transaction.
    /// - Throws: ``JobStoreError``, or a payload's encoding error (then nothing is enqueued).
    @discardableResult
    public func enqueue<Payload: JobPayload>(_ jobs: [(Payload, JobOptions)]) async throws -> [EnqueueResult] {
        try await enqueue(Payload.kind, jobs)
    }

    /// Enqueues one job with its payload encoded as JSON. Workers in this process wake at once.
    /// - Returns: the job, and whether it was created or found by its idempotency key.
    /// - Throws: ``JobStoreError``, or the payload's encoding error.
    @discardableResult
    public func enqueue<Payload>(_ kind: JobKind<Payload>, _ payload: Payload, options: JobOptions = JobOptions()) async throws -> EnqueueResult {
        try await enqueue(kind, [(payload, options)])[0]
    }

    /// Enqueues several jobs of one kind in one transaction.
    /// - Throws: ``JobStoreError``, or a payload's encoding error (then nothing is enqueued).
    @discardableResult
    public func enqueue<Payload>(_ kind: JobKind<Payload>, _ jobs: [(Payload, JobOptions)]) async throws -> [EnqueueResult] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let requests = try jobs.map { NewJob(kind: kind.name, payload: try encoder.encode($0.0), options: $0.1) }
        return try await store.enqueue(requests)
    }
}
