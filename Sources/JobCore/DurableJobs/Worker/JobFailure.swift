/// An error a handler throws to say how its failure should be treated: retried (while attempts
/// are left) or not.
///
/// Any other error fails the attempt and retries it (with back-off) while attempts are left.
/// The job's ``JobRecord/lastError`` (and its run's error) is the failure's ``message``.
public struct JobFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// How the failure is treated. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case retryable, permanent
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Another attempt may help: the job is queued again with back-off while attempts are left.
        public static let retryable = Code(.retryable)
        /// Another attempt cannot help (bad input, a refused credential): the job fails now.
        public static let permanent = Code(.permanent)

        public var description: String { base.rawValue }
    }

    /// How the failure is treated.
    public var code: Code
    /// What went wrong, for people; stored as the job's last error.
    public var message: String
    /// The exit status of the command the attempt ran, recorded on the run.
    public var exitCode: Int32?

    /// Creates a failure.
    /// - Parameters:
    ///   - code: how the failure is treated.
    ///   - message: what went wrong.
    ///   - exitCode: the exit status of the command the attempt ran. Defaults to `nil`.
    public init(_ code: Code, _ message: String, exitCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.exitCode = exitCode
    }

    /// Creates a failure, retryable unless `retryable` is `false`.
    /// - Parameters:
    ///   - message: what went wrong.
    ///   - retryable: whether another attempt may help. Defaults to `true`.
    ///   - exitCode: the exit status of the command the attempt ran. Defaults to `nil`.
    public init(_ message: String, retryable: Bool = true, exitCode: Int32? = nil) {
        self.init(retryable ? .retryable : .permanent, message, exitCode: exitCode)
    }

    /// Whether another attempt may help (``Code/retryable``).
    public var retryable: Bool { code == .retryable }

    /// A failure that must not be retried (bad input, a refused credential).
    public static func permanent(_ message: String, exitCode: Int32? = nil) -> JobFailure {
        JobFailure(.permanent, message, exitCode: exitCode)
    }

    public var description: String { "\(code): \(message)" }
}
