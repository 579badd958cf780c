import Foundation
import Synchronization
public import Logging

/// Runs ``CommandJob``s: registered into a worker's ``JobHandlers`` under the kind `command`.
///
/// For each attempt: a workspace from the job's repository options (credentials from the
/// process's token provider, for the job's installation), the command in its own process group
/// with the documented environment, output streamed to the job's log (and to a local sink, for
/// `jobctl run`), an optional commit and push, and the exit code recorded. When the worker stops
/// the attempt (cancel, kill, timeout, shutdown) the command's process group gets SIGTERM, a
/// grace period, then SIGKILL — or SIGKILL at once for `kill --force` — and the workspace is
/// removed.
public struct CommandJobRunner: Sendable {
    /// How commands run.
    public struct Configuration: Sendable {
        /// How long a stopped command gets between SIGTERM and SIGKILL. Defaults to 5 seconds.
        public var stopGracePeriod: Duration
        /// Variables every command gets (a job's own variables override them). Defaults to `PATH`,
        /// `HOME`, `LANG`, `LC_ALL`, `TZ`, `TMPDIR`, `USER` and `SHELL` of this process, when set.
        public var baseEnvironment: [String: String]
        /// How often buffered output is written to the job's log. Defaults to 200 ms.
        public var outputFlushInterval: Duration
        /// Another, unprivileged user to run commands as (`jobctl --run-as`), with the workspace
        /// owned by that user while the command runs; see ``ProcessUser`` and docs/guarantees.md.
        /// Needs a worker running as root (or with `CAP_SETUID`, `CAP_SETGID` and `CAP_CHOWN`).
        /// Defaults to nil: commands run as the worker's user.
        public var runAs: ProcessUser?

        public init(stopGracePeriod: Duration = .seconds(5), baseEnvironment: [String: String]? = nil,
                    outputFlushInterval: Duration = .milliseconds(200), runAs: ProcessUser? = nil) {
            self.stopGracePeriod = stopGracePeriod
            self.baseEnvironment = baseEnvironment ?? Self.inheritedEnvironment()
            self.outputFlushInterval = outputFlushInterval
            self.runAs = runAs
        }

        /// The harmless part of this process's environment.
        public static func inheritedEnvironment() -> [String: String] {
            let names = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "SHELL"]
            let current = ProcessInfo.processInfo.environment
            var environment: [String: String] = [:]
            for name in names { environment[name] = current[name] }
            if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
            return environment
        }
    }

    /// The `cancel` reason of `jobctl kill` (`.graceful`) and `jobctl kill --force` (`.immediate`).
    public static func killReason(_ mode: JobStopMode) -> String {
        switch mode {
        case .graceful: "killed (SIGTERM)"
        case .immediate: "killed (SIGKILL)"
        }
    }

    let configuration: Configuration
    let workspaces: any WorkspaceManager
    let tokens: (any TokenProvider)?
    let supervisor: ProcessSupervisor
    let outputSink: (@Sendable (OutputChunk) -> Void)?
    let progress: (@Sendable (GitProgress) -> Void)?
    let clock: any WallClock

    /// Creates a runner.
    /// - Parameters:
    ///   - workspaces: where workspaces are made.
    ///   - tokens: the credentials of this process, or `nil` for anonymous access.
    ///   - configuration: grace period, base environment, flush interval.
    ///   - clock: the source of time for output flushing and the stop grace period.
    ///   - logger: for the process supervisor.
    ///   - outputSink: also receives every output chunk as it arrives (e.g. a terminal).
    ///   - progress: told how the workspace's clone progresses.
    public init(
        workspaces: any WorkspaceManager, tokens: (any TokenProvider)?, configuration: Configuration = Configuration(),
        clock: any WallClock = SystemClock(), logger: Logger, outputSink: (@Sendable (OutputChunk) -> Void)? = nil,
        progress: (@Sendable (GitProgress) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.workspaces = workspaces
        self.tokens = tokens
        self.clock = clock
        self.supervisor = ProcessSupervisor(configuration: .init(stopGracePeriod: configuration.stopGracePeriod), clock: clock, logger: logger)
        self.outputSink = outputSink
        self.progress = progress
    }

    /// Registers the `command` kind.
    public func register(in handlers: inout JobHandlers) {
        handlers.register(CommandJob.kind) { job, context in try await run(job, context) }
    }

    /// Runs one attempt of a command job.
    func run(_ job: CommandJob, _ context: JobContext) async throws -> CommandJobResult {
        do {
            try job.validate()
            let credentials: GitCredentials = tokens.map { .provider($0, tenant: job.installationID) } ?? .none
            let resume = job.checkpoints != nil ? context.checkpoint : nil
            let started = Mutex(false)
            func attempt(from resume: JobCheckpoint?) async throws -> CommandJobResult {
                let options = WorkspaceOptions(
                    source: job.repository, ref: resume?.wipBranch ?? job.ref, depth: job.depth, branch: job.branch,
                    credentials: credentials, jobID: context.id.description,
                    logMetadata: Self.workspaceMetadata(context), progress: progress
                )
                return try await workspaces.withWorkspace(options) { workspace in
                    started.withLock { $0 = true }
                    return try await runCommand(job, in: workspace, context: context, resume: resume)
                }
            }
            do {
                return try await attempt(from: resume)
            } catch let error as GitError where error.code == .notFound && resume != nil && !started.withLock({ $0 }) {
                // The checkpoint's branch is gone from the remote (deleted by hand): start over.
                context.logger.warning("the checkpoint's branch is gone: starting from the job's ref", metadata: ["branch": "\(resume?.wipBranch ?? "")"])
                try? await context.reportCheckpointFailure("the checkpoint's branch \(resume?.wipBranch ?? "") is gone from the remote: the attempt starts from the job's ref")
                return try await attempt(from: nil)
            }
        } catch let error as CommandJobError {
            throw JobFailure.permanent(error.message, exitCode: JobExitCode(error).rawValue)
        } catch let error as GitError {
            throw Self.failure(for: error)
        } catch let error as TokenError {
            throw JobFailure(error.message, retryable: !error.isCredentialFailure, exitCode: JobExitCode(error).rawValue)
        } catch let error as ProcessSupervisorError {
            throw JobFailure.permanent("the command could not be started: \(error.message)", exitCode: JobExitCode(error).rawValue)
        }
    }

    private func runCommand(_ job: CommandJob, in workspace: Workspace, context: JobContext, resume: JobCheckpoint?) async throws -> CommandJobResult {
        var environment = configuration.baseEnvironment.merging(job.environment) { $1 }
        if resume != nil, let commit = workspace.baseCommit { environment["JOB_CHECKPOINT_COMMIT"] = commit }
        environment["JOB_ID"] = context.id.description
        environment["JOB_KEY"] = context.job.key ?? ""
        environment["JOB_ATTEMPT"] = "\(context.attempt)"
        environment["JOB_WORKSPACE"] = workspace.directory
        environment["JOB_BRANCH"] = workspace.branch ?? ""
        environment["JOB_REPO"] = job.repository?.location ?? ""
        if let name = job.tokenEnvironmentVariable, let tokens {
            environment[name] = try await tokens.token(for: job.installationID).secret.revealed()
        }
        if let user = configuration.runAs {
            environment["HOME"] = user.home
            environment["USER"] = user.name
            try WorkspaceOwnership.give(workspace.directory, to: user)
        }
        // The guardian stops the command by itself when the lease is not renewed in time (this
        // worker stopped, hung or cut off from the store), before another worker can take the job.
        let lease = ProcessLease(deadline: context.leaseDeadline, grace: min(configuration.stopGracePeriod, context.state.leaseSlack / 2))
        let spec = CommandSpec(
            executable: job.command[0], arguments: Array(job.command.dropFirst()),
            environment: environment, workingDirectory: workspace.directory, lease: lease, user: configuration.runAs
        )
        let commandSpan = CommandSpan(executable: spec.executable)
        defer { commandSpan.end(nil) }
        let process = try await startCommand(spec, workspace: workspace)
        context.onLeaseRenewal { process.extendLease(until: $0) }
        context.logger.info("command started", metadata: ["pid": "\(process.processID)"])
        let pump = CommandOutputPump(context: context, sink: outputSink, interval: configuration.outputFlushInterval, clock: clock)
        // Not a child task: when the attempt is stopped, the output still drains to the log
        // (including what the command writes while it handles SIGTERM).
        let pumped = Task { await pump.run(process.output) }
        let checkpointer = job.checkpoints.map { CommandCheckpointer(settings: $0, workspace: workspace, context: context, resume: resume) }
        let periodic = checkpointer.map { checkpointer in
            Task { [clock, runAs = configuration.runAs] in await checkpointer.runPeriodically(clock: clock, workTreeLent: runAs != nil) }
        }
        let status = await wait(for: process, context: context)
        periodic?.cancel()
        await periodic?.value
        await pumped.value
        if configuration.runAs != nil { try WorkspaceOwnership.takeBack(workspace.directory) }
        if let checkpointer, context.stopReason == .shutdown {
            // Released at shutdown: save the work as the stopped command left it, for the next
            // attempt. In a task of its own: this attempt's task is cancelled by now.
            await Task { await checkpointer.checkpoint() }.value
        }
        context.setExitCode(status.shellCode)
        commandSpan.end(status)
        context.logger.info("command ended", metadata: ["status": "\(status)"])
        try Task.checkCancellation()
        if process.stoppedForLease {
            context.logger.warning("the lease was not renewed in time: the command's guardian stopped it")
            throw JobFailure("the lease was not renewed in time (the worker was stopped or cut off from the store): the command was stopped", exitCode: status.shellCode)
        }
        guard status.isSuccess else {
            let what = switch status {
            case .exited(let code): "exited with status \(code)"
            case .signaled(let signal): "was ended by signal \(signal)"
            }
            throw JobFailure("the command \(what)", exitCode: status.shellCode)
        }
        var pushed: String?
        if job.push {
            pushed = try await workspace.commitAll(message: job.commitMessage ?? "Changes by job \(context.id)")
            // Push the branch even without a new commit: the branch itself is the result.
            try await workspace.push()
        }
        if let checkpointer { await checkpointer.removeBranchAfterSuccess() }
        return CommandJobResult(exitCode: status.shellCode, baseCommit: workspace.baseCommit, branch: workspace.branch, pushedCommit: pushed)
    }

    /// Starts the command; when it cannot start, gives a workspace lent to ``Configuration/runAs``
    /// back first.
    private func startCommand(_ spec: CommandSpec, workspace: Workspace) async throws -> SupervisedProcess {
        do {
            return try await supervisor.start(spec)
        } catch {
            if configuration.runAs != nil { try WorkspaceOwnership.takeBack(workspace.directory) }
            throw error
        }
    }

    /// Waits for the command; when the attempt is stopped, stops the command's process group.
    private func wait(for process: SupervisedProcess, context: JobContext) async -> ExitStatus {
        do {
            return try await process.wait()
        } catch {
            if case .cancelled(_, .immediate)? = context.stopReason {
                process.kill()
                return await process.stop(grace: .zero)
            }
            return await process.stop(grace: configuration.stopGracePeriod)
        }
    }

    /// The job's key and correlation id, for the workspace's log lines.
    private static func workspaceMetadata(_ context: JobContext) -> Logger.Metadata {
        var metadata = context.extraMetadata
        if let key = context.job.key { metadata["job.key"] = "\(key)" }
        return metadata
    }

    /// A Git failure, with its exit code from ``JobExitCode``: not retried when another attempt
    /// cannot do better (a refused credential, invalid input, a missing repository, a rejected push).
    static func failure(for error: GitError) -> JobFailure {
        let permanent: [GitError.Code] = [.authentication, .invalidInput, .notFound, .rejected]
        return JobFailure(error.message, retryable: !permanent.contains(error.code), exitCode: JobExitCode(error).rawValue)
    }
}
