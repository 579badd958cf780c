public import Foundation

/// A job to enqueue: its kind, its encoded payload and its options.
public struct NewJob: Sendable, Hashable {
    /// The handler kind, e.g. `command` or `send-email`.
    public var kind: String
    /// The encoded payload (JSON for jobs enqueued through ``DurableJobQueue``).
    public var payload: Data
    /// Scheduling options.
    public var options: JobOptions

    /// Creates a job description.
    public init(kind: String, payload: Data = Data(), options: JobOptions = JobOptions()) {
        self.kind = kind
        self.payload = payload
        self.options = options
    }
}
