/// A ``CommandJob`` that cannot run as described: its own fields are invalid. (An invalid
/// branch name or ref is a ``GitError`` with code `.invalidInput`.)
public struct CommandJobError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case emptyCommand, invalidDepth, invalidVariable, reservedVariable, pushWithoutRepository, invalidCheckpoints
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The command is empty, or its executable is an empty string.
        public static let emptyCommand = Code(.emptyCommand)
        /// The depth is negative.
        public static let invalidDepth = Code(.invalidDepth)
        /// An environment variable name (of ``CommandJob/environment`` or
        /// ``CommandJob/tokenEnvironmentVariable``) is not a valid name.
        public static let invalidVariable = Code(.invalidVariable)
        /// An environment variable name is one that JobCore sets (``CommandJob/reservedVariables``).
        public static let reservedVariable = Code(.reservedVariable)
        /// ``CommandJob/push`` is set but there is no repository to push to.
        public static let pushWithoutRepository = Code(.pushWithoutRepository)
        /// ``CommandJob/checkpoints`` cannot work as given: no repository or feature branch, an
        /// interval out of range, a checkpoint branch equal to the feature branch.
        public static let invalidCheckpoints = Code(.invalidCheckpoints)

        public var description: String { base.rawValue }
    }

    /// What is wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
