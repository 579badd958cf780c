public import Foundation

/// A job to enqueue: its kind, its encoded payload and its options.
public struct NewJob: Sendable, Hashable {
    /// The handler kind, e.g. `command` or `send-email`.
    public var kind: String
    /// The encoded payload (JSON for jobs enqueued through ``DurableJobQueue``).
    public var payload: Data
    /// Scheduling options.
    public var options: JobOptions
    /// The trace context of the span that enqueues the job, as the tracer propagates it (W3C
    /// Trace Context's `traceparent` and `tracestate` with OpenTelemetry): the job's attempts
    /// become spans of that trace, in whichever process runs them. ``DurableJobQueue`` fills it
    /// from its enqueue span when empty. At most ``maximumTraceContextSize`` bytes.
    public var traceContext: [String: String] = [:]
    /// Jobs earlier in the same enqueue batch that this job depends on, by
    /// their index in the batch, besides the stored jobs of ``JobOptions/dependsOn`` (the mode
    /// is ``JobOptions/dependencyMode``). A job referenced this way cannot have an idempotency
    /// key. ``JobPlan`` fills it from names.
    public var dependsOnEarlierEntries: [Int] = []

    /// The largest trace context kept with a job, keys and values together: 4 KiB.
    public static let maximumTraceContextSize = 4096

    /// Creates a job description.
    public init(kind: String, payload: Data = Data(), options: JobOptions = JobOptions()) {
        self.kind = kind
        self.payload = payload
        self.options = options
    }
}
