import Foundation
public import Logging

/// Runs commands as supervised process trees.
///
/// Each command runs in its own process group under a small guardian process (C code forked from
/// this process) that:
/// - kills the command's whole group when the command exits, and on Linux also every descendant
///   that left the group (the guardian is a child subreaper);
/// - does the same when this process dies, even by SIGKILL, so a job's processes never outlive
///   the worker that ran it.
///
/// Output goes to a bounded log (``CommandSpec/outputLimit``). Pipes are read and processes
/// reaped on one dedicated thread per command. Arguments and environment values are never logged.
/// See `docs/processes.md` for the guarantees and their limits.
public struct ProcessSupervisor: Sendable {
    /// Settings shared by every command the supervisor starts.
    public struct Configuration: Sendable {
        /// How long ``SupervisedProcess/stop(grace:)`` waits after SIGTERM before SIGKILL when the
        /// caller gives no grace. Defaults to 5 seconds.
        public var stopGracePeriod: Duration

        /// Creates a configuration.
        /// - Parameter stopGracePeriod: The default grace between SIGTERM and SIGKILL.
        public init(stopGracePeriod: Duration = .seconds(5)) {
            self.stopGracePeriod = stopGracePeriod
        }
    }

    /// The supervisor's settings.
    public var configuration: Configuration

    private let clock: any WallClock
    private let logger: Logger

    /// Creates a supervisor.
    /// - Parameters:
    ///   - configuration: Settings for every command.
    ///   - clock: Measures stop grace periods; a manual clock in tests.
    ///   - logger: Receives start, stop and exit events (never argument or environment values).
    ///     Defaults to a logger labelled `jobcore.process`.
    public init(
        configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "jobcore.process")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Starts a command and returns once it has been executed.
    /// - Parameter command: What to run, where, and with which environment.
    /// - Returns: The running command.
    /// - Throws: ``ProcessSupervisorError``: ``ProcessSupervisorError/Code/invalidCommand``,
    ///   ``ProcessSupervisorError/Code/executableNotFound``,
    ///   ``ProcessSupervisorError/Code/workingDirectoryUnavailable``,
    ///   ``ProcessSupervisorError/Code/executionFailed`` or ``ProcessSupervisorError/Code/spawnFailed``.
    public func start(_ command: CommandSpec) async throws -> SupervisedProcess {
        try command.validate()
        let searchPath = command.environment["PATH"]
            ?? ProcessInfo.processInfo.environment["PATH"]
            ?? ExecutableResolver.defaultSearchPath
        guard
            let path = ExecutableResolver.resolve(
                command.executable, searchPath: searchPath, workingDirectory: command.workingDirectory
            )
        else {
            throw ProcessSupervisorError(.executableNotFound, "\(command.executable): not found in PATH", executable: command.executable)
        }
        var launch = ProcessLaunch(
            executable: command.executable,
            path: path,
            argv: [command.executable] + command.arguments,
            environment: command.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
            workingDirectory: command.workingDirectory,
            user: command.user
        )
        if let lease = command.lease {
            launch.leaseDeadline = ProcessLease.guardianNanoseconds(lease.deadline)
            launch.leaseGrace = lease.grace.saturatingNanoseconds
        }
        let buffer = OutputBuffer(limit: command.outputLimit)
        var logger = logger
        logger[metadataKey: "process.executable"] = "\(command.executable)"
        let launched: LaunchedProcess
        do {
            launched = try await ProcessMonitor.launch(launch, output: buffer, logger: logger)
        } catch {
            logger.debug("process failed to start", metadata: ["error": "\(error)"])
            throw error
        }
        logger[metadataKey: "process.pid"] = "\(launched.processID)"
        logger.debug(
            "process started",
            metadata: [
                "process.path": "\(path)",
                "process.arguments.count": "\(command.arguments.count)",
                "process.environment.names": "\(command.environment.keys.sorted().joined(separator: ","))",
                "process.working-directory": "\(command.workingDirectory ?? "")",
                "process.guardian-pid": "\(launched.guardianProcessID)",
            ]
        )
        return SupervisedProcess(
            launched: launched,
            buffer: buffer,
            clock: clock,
            defaultGrace: configuration.stopGracePeriod,
            logger: logger
        )
    }
}
