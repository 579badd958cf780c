/// An error a handler throws to say how its failure should be treated.
///
/// Any other error fails the attempt and retries it (with back-off) while attempts are left.
public struct JobFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Whether another attempt may help. Defaults to `true`.
    public var retryable: Bool
    /// The exit status of the command the attempt ran, recorded on the run.
    public var exitCode: Int32?

    /// Creates a failure.
    public init(_ message: String, retryable: Bool = true, exitCode: Int32? = nil) {
        self.message = message
        self.retryable = retryable
        self.exitCode = exitCode
    }

    /// A failure that must not be retried (bad input, a refused credential).
    public static func permanent(_ message: String, exitCode: Int32? = nil) -> JobFailure {
        JobFailure(message, retryable: false, exitCode: exitCode)
    }

    public var description: String { message }
}
