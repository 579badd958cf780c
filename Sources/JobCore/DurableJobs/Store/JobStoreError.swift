/// An error from a ``JobStore`` (or from `JobLifecycle`, the state machine every store uses): an
/// opaque ``Code`` plus context.
public struct JobStoreError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notFound, invalidState, staleEpoch, duplicate, corruptRecord
            case invalidArgument, conflict, unavailable, unsupported
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No job (or record) has this id.
        public static let notFound = Code(.notFound)
        /// The operation is not allowed in the job's current state.
        public static let invalidState = Code(.invalidState)
        /// A write for an attempt whose lease was lost: the job has a newer epoch or is no longer
        /// running. The job was left untouched.
        public static let staleEpoch = Code(.staleEpoch)
        /// A record with the same identity already exists.
        public static let duplicate = Code(.duplicate)
        /// A stored record cannot be decoded; it has been (or must be) quarantined.
        public static let corruptRecord = Code(.corruptRecord)
        /// An argument is out of range (a negative limit, an empty kind).
        public static let invalidArgument = Code(.invalidArgument)
        /// The record changed since it was read (optimistic concurrency).
        public static let conflict = Code(.conflict)
        /// The store cannot be reached or failed underneath.
        public static let unavailable = Code(.unavailable)
        /// The store does not support this operation or URL.
        public static let unsupported = Code(.unsupported)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The job concerned, if any.
    public var jobID: JobID?
    /// The job's state when the operation was refused, if known.
    public var state: JobState?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: a human-readable explanation.
    ///   - jobID: the job concerned. Defaults to `nil`.
    ///   - state: the job's state when the operation was refused. Defaults to `nil`.
    public init(_ code: Code, _ message: String, jobID: JobID? = nil, state: JobState? = nil) {
        self.code = code
        self.message = message
        self.jobID = jobID
        self.state = state
    }

    public var description: String { "\(code): \(message)" }

    public var debugDescription: String {
        var parts = ["code: \(code)", "message: \(message)"]
        if let jobID { parts.append("jobID: \(jobID)") }
        if let state { parts.append("state: \(state)") }
        return "JobStoreError(\(parts.joined(separator: ", ")))"
    }

    /// The error for an unknown job id.
    public static func notFound(_ id: JobID) -> JobStoreError {
        JobStoreError(.notFound, "no such job \(id)", jobID: id)
    }

    /// The error for a write carrying an epoch the job has moved past.
    public static func staleEpoch(_ record: JobRecord, epoch: Int64) -> JobStoreError {
        JobStoreError(
            .staleEpoch, "epoch \(epoch) of job \(record.id) is stale: the job is at epoch \(record.epoch)",
            jobID: record.id, state: record.state
        )
    }

    /// The error for an unknown worker id.
    public static func unknownWorker(_ id: String) -> JobStoreError {
        JobStoreError(.notFound, "no such worker \(id)")
    }

    /// The error for an operation on a worker that is gone.
    public static func goneWorker(_ record: WorkerRecord) -> JobStoreError {
        JobStoreError(.invalidState, "worker \(record.id) is gone: it stopped, or has not been seen for three heartbeat intervals")
    }
}
