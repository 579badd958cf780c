/// The error of every Git operation: an opaque ``Code`` to branch on, a message for people, and
/// the HTTP status when the server answered with one.
///
/// The message never contains a token: text that came from libgit2 or a server is passed
/// through the redaction of the credentials that were in use.
public struct GitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case authentication, notFound, network, timeout, cancelled, invalidInput, rejected, other
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The remote refused the credentials, or required some and none were given.
        public static let authentication = Code(.authentication)
        /// The repository, ref or object does not exist (or is not visible with these credentials).
        public static let notFound = Code(.notFound)
        /// The remote could not be reached, the connection or TLS failed, or the server answered
        /// with an error (HTTP 5xx).
        public static let network = Code(.network)
        /// The remote did not answer within the configured timeout.
        public static let timeout = Code(.timeout)
        /// The task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// An argument was invalid: a malformed URL, a bad branch name, a non-empty directory.
        public static let invalidInput = Code(.invalidInput)
        /// The remote rejected an update (a push that is not a fast-forward, a protected branch).
        public static let rejected = Code(.rejected)
        /// Anything else.
        public static let other = Code(.other)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened, for people; contains no secret.
    public var message: String
    /// The HTTP status the server answered with, when libgit2 reported one.
    public var httpStatus: Int?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what kind of failure this is.
    ///   - message: what happened; must not contain a secret.
    ///   - httpStatus: the HTTP status the server answered with. Defaults to `nil`.
    public init(_ code: Code, _ message: String, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    public var description: String { "\(code): \(message)" }
}
