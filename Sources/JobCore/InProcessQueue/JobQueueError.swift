/// An error thrown by a ``JobQueue`` itself, as opposed to one thrown by a job's operation.
public struct JobQueueError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
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

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation with the relevant figures.
    public var message: String
    /// The concurrency key of the job.
    public var key: String
    /// The job's idempotency key, when it has one.
    public var idempotencyKey: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: a human-readable explanation.
    ///   - key: the concurrency key of the job.
    ///   - idempotencyKey: the job's idempotency key, when it has one. Defaults to `nil`.
    public init(_ code: Code, _ message: String, key: String, idempotencyKey: String? = nil) {
        self.code = code
        self.message = message
        self.key = key
        self.idempotencyKey = idempotencyKey
    }

    public var description: String { "\(code): \(message)" }

    public var debugDescription: String {
        var parts = ["code: \(code)", "message: \(message)", "key: \(key)"]
        if let idempotencyKey { parts.append("idempotencyKey: \(idempotencyKey)") }
        return "JobQueueError(\(parts.joined(separator: ", ")))"
    }
}
