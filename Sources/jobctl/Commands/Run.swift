import ArgumentParser
import Foundation
import JobCore
import Logging
import UnixSignals

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a command job and run it now in this process, streaming its output.",
        discussion: """
        The job is stored (so show, events and logs work for it), its workspace cloned, the \
        command run there with JOB_ID, JOB_KEY, JOB_ATTEMPT, JOB_WORKSPACE, JOB_BRANCH and \
        JOB_REPO in its environment. Ctrl-C (or SIGTERM, or SIGHUP) stops it cleanly: the process group is terminated, \
        the workspace removed, the job recorded as cancelled, exit 130. The exit status is the \
        command's own; 2 invalid input (nothing created), 69 clone failed, 77 authentication \
        refused, 124 timed out, 127 the command could not be started.

        Examples:
          jobctl run --repo ./my-repo -- ls -la
          GITHUB_TOKEN=… jobctl run --repo acme/widgets --branch agent/fix-42 --push -- ./fix.sh
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var job: JobSpecOptions
    @OptionGroup var commands: CommandWorkerOptions

    private var credentials: CredentialOptions { commands.credentials }

    func run() async throws {
        var status = JobExitCode.success
        try await reportingErrors(credential: credentials.describe(installationID: job.installationID)) {
            status = try await execute()
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    private func execute() async throws -> JobExitCode {
        let logger = global.makeLogger()
        let workspaceRoot = try commands.checkedWorkspaceRoot(global)
        guard job.dependsOn.isEmpty else {
            throw CLIError(.invalidInput, "--depends-on is for jobctl enqueue: jobctl run runs its job now")
        }
        var (newJob, command) = try job.makeJob(defaultAttempts: 1, now: Date())
        if credentials.usesGitHubApp, command.installationID == nil {
            throw CLIError(.invalidInput, "--installation-id is required with --github-app-id")
        }
        let tokens = try credentials.provider(logger: logger)
        if command.tokenEnvironmentVariable != nil, tokens == nil {
            throw CLIError(.invalidInput, "--expose-token needs credentials (--token-env, GITHUB_TOKEN or a GitHub App)")
        }
        // A private queue: this process runs this job, and no other worker takes it.
        let queue = "jobctl-run-\(UUID().uuidString.lowercased())"
        newJob.options.queue = queue
        return try await global.withStore(logger: logger) { store in
            let enqueued = try await store.enqueue(newJob)
            let id = enqueued.job.id
            guard enqueued.created else {
                throw CLIError(.notAllowed, "job \(id) already exists with this idempotency key (\(enqueued.job.state)); see jobctl show \(id)")
            }
            Terminal.standardError.write("job \(id)\n")

            let progress = ProgressLine(enabled: Terminal.standardError.isTerminal)
            let worker = commands.makeWorker(
                store: store,
                // The queue is this job's alone: "nothing queued or running" means the job has ended
                // (a retry waits for its back-off; a key held by another process, for that process).
                configuration: Worker.Configuration(
                    queue: queue, concurrency: 1, heartbeatInterval: .milliseconds(250), drain: .whenNothingQueued,
                    validateOnStart: false
                ),
                workspaces: try commands.makeWorkspaces(root: workspaceRoot, logger: logger),
                tokens: tokens, logger: logger,
                outputSink: { chunk in
                    progress.finish()
                    // The bytes as the command wrote them (binary output too), not re-encoded as text.
                    (chunk.stream == .stderr ? Terminal.standardError : Terminal.standardOutput).write(bytes: chunk.bytes)
                },
                progress: progress.update
            )
            // Ctrl-C, SIGTERM or SIGHUP (the terminal went away) cancels the job: its worker stops the
            // command at the next heartbeat, removes the workspace and records the job cancelled.
            let interrupts = await UnixSignalsSequence(trapping: .sigint, .sigterm, .sighup)
            try await withThrowingDiscardingTaskGroup { tasks in
                tasks.addTask {
                    for await _ in interrupts { _ = try? await store.cancel(id, reason: "interrupted") }
                }
                try await worker.run()
                tasks.cancelAll()
            }
            progress.finish()
            let record = try await store.job(id)
            let status = JobExitCode(job: record, runs: try await store.runs(of: id))
            if record.state != .succeeded, let error = record.lastError {
                let credential = status == .authenticationRefused
                    ? " (credential: \(credentials.describe(installationID: command.installationID)))" : ""
                Terminal.standardError.write("jobctl: job \(id) \(record.state): \(error)\(credential)\n")
            }
            return status
        }
    }
}
