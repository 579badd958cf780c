/// How a supervised command ended.
public enum ExitStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The command exited with this code.
    case exited(Int32)
    /// The command was killed by this signal.
    case signaled(Int32)

    /// Whether the command exited with code 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// The status as a shell reports it: the exit code, or 128 plus the signal number.
    public var shellCode: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited(\(code))"
        case .signaled(let signal): "signaled(\(Self.signalName(signal)))"
        }
    }

    private static func signalName(_ signal: Int32) -> String {
        // Numbers common to Linux and Darwin.
        let names: [Int32: String] = [
            1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
            8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
        ]
        return names[signal] ?? "\(signal)"
    }
}
