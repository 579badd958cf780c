public import Foundation

/// The answer to an enqueue: the job, and whether this call created it or found it by its
/// idempotency key.
public struct EnqueueResult: Sendable, Hashable {
    /// The job as stored.
    public var job: JobRecord
    /// `false` when a job with the same idempotency key already existed and was returned.
    public var created: Bool

    /// Creates a result.
    public init(job: JobRecord, created: Bool) {
        self.job = job
        self.created = created
    }
}
