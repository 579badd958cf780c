/// The error of every Git operation: a code to branch on and a message for people.
///
/// The message never contains a token: text that came from libgit2 or a server is passed
/// through the redaction of the credentials that were in use.
public struct GitError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: String, Sendable { case authentication, notFound, network, timeout, cancelled, invalidInput, rejected, other }
        let kind: Kind

        /// The remote refused the credentials, or required some and none were given.
        public static let authentication = Code(kind: .authentication)
        /// The repository, ref or object does not exist (or is not visible with these credentials).
        public static let notFound = Code(kind: .notFound)
        /// The remote could not be reached, or the connection failed.
        public static let network = Code(kind: .network)
        /// The remote did not answer within the configured timeout.
        public static let timeout = Code(kind: .timeout)
        /// The task was cancelled.
        public static let cancelled = Code(kind: .cancelled)
        /// An argument was invalid: a malformed URL, a bad branch name, a non-empty directory.
        public static let invalidInput = Code(kind: .invalidInput)
        /// The remote rejected an update (a push that is not a fast-forward, a protected branch).
        public static let rejected = Code(kind: .rejected)
        /// Anything else.
        public static let other = Code(kind: .other)

        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// What happened, for people; contains no secret.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
