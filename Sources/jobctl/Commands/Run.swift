import ArgumentParser
import Dispatch
import Foundation
import JobCore
import Logging

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a command job and run it now in this process, streaming its output.",
        discussion: """
        The job is stored (so show, events and logs work for it), its workspace cloned, the
        command run there with JOB_ID, JOB_KEY, JOB_ATTEMPT, JOB_WORKSPACE, JOB_BRANCH and
        JOB_REPO in its environment. Ctrl-C stops it cleanly: the process group is terminated,
        the workspace removed, the job recorded as cancelled, exit 130. The exit status is the
        command's own; 2 invalid input (nothing created), 69 clone failed, 77 authentication
        refused, 124 timed out.

        Examples:
          jobctl run --repo ./my-repo -- ls -la
          GITHUB_TOKEN=… jobctl run --repo acme/widgets --branch agent/fix-42 --push -- ./fix.sh
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var job: JobSpecOptions
    @OptionGroup var credentials: CredentialOptions
    @OptionGroup var timeouts: GitTimeoutOptions
    @Option(name: .customLong("stop-grace"), help: ArgumentHelp("Time between SIGTERM and SIGKILL when the job is stopped.", valueName: "duration"))
    var stopGrace: String = "5s"

    func run() async throws {
        var status: Int32 = 0
        try await reportingErrors(credential: credentials.describe(installationID: job.installationID)) {
            status = try await execute()
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func execute() async throws -> Int32 {
        let logger = global.makeLogger()
        try timeouts.apply()
        let grace = try DurationParser.parse(stopGrace)
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
        let store = try global.openStore(logger: logger)
        let enqueued = try await store.enqueue(newJob)
        let id = enqueued.job.id
        guard enqueued.created else {
            throw CLIError(.notAllowed, "job \(id) already exists with this idempotency key (\(enqueued.job.state)); see jobctl show \(id)")
        }
        Terminal.standardError.write("job \(id)\n")

        let progress = ProgressLine(enabled: Terminal.standardError.isTerminal)
        let runner = CommandJobRunner(
            workspaces: LocalWorkspaceManager(configuration: .init(root: global.resolvedWorkspaceRoot), logger: logger),
            tokens: tokens, configuration: .init(stopGracePeriod: grace), logger: logger,
            outputSink: { chunk in
                progress.finish()
                (chunk.stream == .stderr ? Terminal.standardError : Terminal.standardOutput).write(String(decoding: chunk.bytes, as: UTF8.self))
            },
            progress: progress.update
        )
        var handlers = JobHandlers()
        runner.register(in: &handlers)
        var configuration = Worker.Configuration(
            queue: queue, concurrency: 1, heartbeatInterval: .milliseconds(250), drain: .whenNothingDue, validateOnStart: false
        )
        configuration.jobLogMetadata = CommandJob.logMetadata(for:)
        let worker = Worker(store: store, handlers: handlers, configuration: configuration, logger: logger)
        let interrupts = SignalWatcher(signals: [SIGINT, SIGTERM]) {
            Task { _ = try? await store.cancel(id, reason: "interrupted") }
        }
        defer { interrupts.stop() }

        var record = try await store.job(id)
        while !record.state.isTerminal {
            try await worker.run()
            record = try await store.job(id)
            // Another process holds the job's key: wait for it, then run again.
            if !record.state.isTerminal { try await Task.sleep(for: .milliseconds(500)) }
        }
        progress.finish()
        let runs = try await store.runs(of: id)
        let status = JobLookup.exitStatus(of: record, runs: runs)
        if record.state != .succeeded, let error = record.lastError {
            let credential = status == CLIError.Status.authentication.rawValue
                ? " (credential: \(credentials.describe(installationID: command.installationID)))" : ""
            Terminal.standardError.write("jobctl: job \(id) \(record.state): \(error)\(credential)\n")
        }
        return status
    }
}

/// Calls `handler` on each of `signals` instead of the default action.
final class SignalWatcher: Sendable {
    // Dispatch sources are thread-safe; they are only resumed and cancelled.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    func stop() {
        sources.forEach { $0.cancel() }
    }
}
