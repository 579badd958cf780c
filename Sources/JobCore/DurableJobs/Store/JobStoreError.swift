/// An error from a ``JobStore`` or ``JobLifecycle``: an opaque ``Code`` plus context.
public struct JobStoreError: Error, Hashable, Sendable, CustomStringConvertible {
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
    /// The job concerned, if any.
    public var jobID: JobID?
    /// The job's state when the operation was refused, if known.
    public var state: JobState?
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, jobID: JobID? = nil, state: JobState? = nil, _ message: String) {
        self.code = code
        self.jobID = jobID
        self.state = state
        self.message = message
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let jobID { text += " (job \(jobID)" + (state.map { ", \($0)" } ?? "") + ")" }
        return text
    }

    /// The error for an unknown job id.
    public static func notFound(_ id: JobID) -> JobStoreError {
        JobStoreError(.notFound, jobID: id, "no such job")
    }

    /// The error for a write carrying an epoch the job has moved past.
    public static func staleEpoch(_ record: JobRecord, epoch: Int64) -> JobStoreError {
        JobStoreError(
            .staleEpoch, jobID: record.id, state: record.state,
            "epoch \(epoch) is stale: the job is at epoch \(record.epoch)"
        )
    }
}
