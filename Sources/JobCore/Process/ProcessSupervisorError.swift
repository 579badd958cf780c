#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error starting a supervised command. Its description never contains environment values.
public struct ProcessSupervisorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case invalidCommand, executableNotFound, workingDirectoryUnavailable, executionFailed, spawnFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The command cannot be passed to `execve` (empty executable, NUL bytes, `=` in a name).
        public static let invalidCommand = Code(.invalidCommand)
        /// The executable was not found in `PATH`, or the path does not exist.
        public static let executableNotFound = Code(.executableNotFound)
        /// The working directory could not be entered.
        public static let workingDirectoryUnavailable = Code(.workingDirectoryUnavailable)
        /// `execve` failed, for example for lack of permission or a bad format.
        public static let executionFailed = Code(.executionFailed)
        /// Pipes, the guardian process, or its fork of the command could not be created.
        public static let spawnFailed = Code(.spawnFailed)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The executable as given in the ``CommandSpec``.
    public var executable: String
    /// The `errno` value, when a system call failed.
    public var systemError: Int32?
    /// More detail, when there is some.
    public var reason: String?

    /// Creates an error.
    public init(code: Code, executable: String, systemError: Int32? = nil, reason: String? = nil) {
        self.code = code
        self.executable = executable
        self.systemError = systemError
        self.reason = reason
    }

    public var description: String {
        var text = "ProcessSupervisorError(\(code)): \(executable)"
        if let reason { text += ": \(reason)" }
        if let systemError { text += ": \(String(cString: strerror(systemError))) (errno \(systemError))" }
        return text
    }
}
