/// An error thrown by a ``JobQueue`` itself, as opposed to one thrown by a job's operation.
public struct JobQueueError: Error, Hashable, CustomStringConvertible {
    /// What went wrong. New codes may be added: don't switch over them exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case full, timedOut, shuttingDown, idempotencyTypeMismatch
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The queue held its capacity of waiting jobs, and no room was made before the
        /// caller's deadline (or the overflow policy is fail-fast).
        public static let full = Code(.full)
        /// The job ran longer than its timeout and was cancelled.
        public static let timedOut = Code(.timedOut)
        /// The queue is shutting down or has shut down: it takes no new jobs, rejects waiting
        /// ones, and cancels running ones when the grace period ends.
        public static let shuttingDown = Code(.shuttingDown)
        /// The idempotency key belongs to a job with a different result type.
        public static let idempotencyTypeMismatch = Code(.idempotencyTypeMismatch)

        public var description: String {
            switch base {
            case .full: "full"
            case .timedOut: "timedOut"
            case .shuttingDown: "shuttingDown"
            case .idempotencyTypeMismatch: "idempotencyTypeMismatch"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The concurrency key of the job.
    public var key: String
    /// The job's idempotency key, when it has one.
    public var idempotencyKey: String?
    /// A human-readable explanation with the relevant figures.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - key: the concurrency key of the job.
    ///   - idempotencyKey: the job's idempotency key, when it has one.
    ///   - message: a human-readable explanation.
    public init(code: Code, key: String, idempotencyKey: String? = nil, message: String) {
        self.code = code
        self.key = key
        self.idempotencyKey = idempotencyKey
        self.message = message
    }

    public var description: String {
        var text = "JobQueueError.\(code) (key \(key)"
        if let idempotencyKey { text += ", idempotency key \(idempotencyKey)" }
        return text + "): \(message)"
    }
}
