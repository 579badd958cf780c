/// A command for ``ProcessSupervisor`` to run.
///
/// The environment is exactly ``environment``: nothing is inherited from the supervising process
/// unless the caller copies it in. `description` shows the executable, the argument count and the
/// environment's names, never argument or environment values (they may hold secrets).
public struct CommandSpec: Sendable, CustomStringConvertible {
    /// A path (anything containing a `/`; relative paths are taken from ``workingDirectory``), or
    /// a name looked up in the `PATH` of ``environment`` — or, when that has no `PATH`, the
    /// supervising process's `PATH`. It is also the command's `argv[0]`.
    public var executable: String

    /// The arguments after `argv[0]`. Defaults to none.
    public var arguments: [String]

    /// The command's whole environment. Defaults to empty.
    public var environment: [String: String]

    /// The command's working directory; nil keeps the supervising process's. Defaults to nil.
    public var workingDirectory: String?

    /// The most output, in bytes, that ``SupervisedProcess/log`` keeps: the first half and the
    /// last half of it, dropping the middle. Defaults to 1 MiB.
    public var outputLimit: Int

    /// A deadline the guardian enforces even when this process cannot (stopped, hung, cut off
    /// from its store); see ``ProcessLease``. Defaults to nil: the command runs until it ends or
    /// is stopped.
    public var lease: ProcessLease?

    /// The user the command runs as; see ``ProcessUser``. Defaults to nil: this process's user.
    public var user: ProcessUser?

    /// Creates a command.
    /// - Parameters:
    ///   - executable: A path, or a name looked up in `PATH`.
    ///   - arguments: The arguments after `argv[0]`.
    ///   - environment: The whole environment of the command.
    ///   - workingDirectory: The working directory, or nil for the supervisor's.
    ///   - outputLimit: The log's limit in bytes.
    ///   - lease: A deadline the guardian enforces, or nil.
    ///   - user: The user to run as, or nil for this process's.
    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        outputLimit: Int = 1 << 20,
        lease: ProcessLease? = nil,
        user: ProcessUser? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.outputLimit = outputLimit
        self.lease = lease
        self.user = user
    }

    public var description: String {
        let names = environment.keys.sorted().joined(separator: ",")
        let directory = workingDirectory.map { ", workingDirectory: \($0)" } ?? ""
        let user = user.map { ", user: \($0.name)" } ?? ""
        return "CommandSpec(\(executable), \(arguments.count) arguments, environment: [\(names)]\(directory)\(user))"
    }

    /// Checks what `execve` cannot take.
    func validate() throws(ProcessSupervisorError) {
        func invalid(_ reason: String) -> ProcessSupervisorError {
            ProcessSupervisorError(.invalidCommand, executable.isEmpty ? reason : "\(executable): \(reason)", executable: executable)
        }
        if executable.isEmpty { throw invalid("the executable is empty") }
        if executable.utf8.contains(0) { throw invalid("the executable contains a NUL byte") }
        if arguments.contains(where: { $0.utf8.contains(0) }) { throw invalid("an argument contains a NUL byte") }
        for (name, value) in environment {
            if name.isEmpty || name.utf8.contains(0) || name.contains("=") {
                throw invalid("an environment variable name is empty or contains '=' or a NUL byte")
            }
            if value.utf8.contains(0) { throw invalid("the value of environment variable \(name) contains a NUL byte") }
        }
        if let workingDirectory, workingDirectory.isEmpty || workingDirectory.utf8.contains(0) {
            throw invalid("the working directory is empty or contains a NUL byte")
        }
        if outputLimit < 0 { throw invalid("the output limit is negative") }
    }
}
