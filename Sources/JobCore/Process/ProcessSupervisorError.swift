#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error starting a supervised command: an opaque ``Code`` plus context. Its description
/// never contains argument or environment values.
public struct ProcessSupervisorError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
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
    /// What went wrong, for people: the executable, the detail and the system error's text.
    public var message: String
    /// The executable as given in the ``CommandSpec``.
    public var executable: String
    /// The `errno` value, when a system call failed.
    public var systemError: Int32?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: what went wrong, for people; must not contain argument or environment values.
    ///   - executable: the executable as given in the ``CommandSpec``.
    ///   - systemError: the `errno` value, when a system call failed. Defaults to `nil`.
    public init(_ code: Code, _ message: String, executable: String, systemError: Int32? = nil) {
        self.code = code
        self.message = message
        self.executable = executable
        self.systemError = systemError
    }

    /// `executable: reason: strerror(systemError) (errno N)`, leaving out what is `nil`.
    static func message(executable: String, reason: String?, systemError: Int32?) -> String {
        var text = executable
        if let reason { text += ": \(reason)" }
        if let systemError { text += ": \(String(cString: strerror(systemError))) (errno \(systemError))" }
        return text
    }

    public var description: String { "\(code): \(message)" }

    public var debugDescription: String {
        var parts = ["code: \(code)", "message: \(message)", "executable: \(executable)"]
        if let systemError { parts.append("systemError: \(systemError)") }
        return "ProcessSupervisorError(\(parts.joined(separator: ", ")))"
    }
}
