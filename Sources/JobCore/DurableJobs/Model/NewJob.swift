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
    /// The job this one is a child of: the parent then waits for it (and its siblings) before
    /// it ends, and cancelling or purging the parent cancels it. Set by
    /// ``JobContext/addChildren(_:)`` (with the running attempt's epoch, which the store checks)
    /// or, for a parent in the same batch, through ``parentEntry``.
    public var parent: Parent?
    /// A job earlier in the same enqueue batch that is this job's parent, by its index in the
    /// batch. Neither this job nor that parent may have an idempotency key. ``JobPlan`` fills it
    /// from `children`.
    public var parentEntry: Int?

    /// The parent of a child job (``NewJob/parent``).
    public struct Parent: Sendable, Hashable {
        /// The parent job.
        public var id: JobID
        /// The epoch of the parent's running attempt that adds the child; `nil` only for a
        /// parent enqueued in the same batch.
        public var epoch: Int64?

        /// Names a parent.
        public init(id: JobID, epoch: Int64?) {
            self.id = id
            self.epoch = epoch
        }
    }

    /// The kind of grouping jobs (``group(options:)``).
    public static let groupKind = "jobcore.group"

    /// A grouping job: it has no handler and is never claimed; it exists to hold the children
    /// enqueued with it in the same batch (``parentEntry``), waits for them, and ends
    /// `succeeded` when they all succeeded, else `failed`. Its options' dependencies apply as
    /// for any job; a ``JobPlan`` gives them to its children too.
    public static func group(options: JobOptions = JobOptions()) -> NewJob {
        NewJob(kind: groupKind, options: options)
    }

    /// The largest trace context kept with a job, keys and values together: 4 KiB.
    public static let maximumTraceContextSize = 4096

    /// Creates a job description.
    public init(kind: String, payload: Data = Data(), options: JobOptions = JobOptions()) {
        self.kind = kind
        self.payload = payload
        self.options = options
    }
}
