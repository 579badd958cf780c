import ArgumentParser
import Foundation
import JobCore
import Logging

/// How command jobs run, for `jobctl run` and `jobctl worker` alike: credentials, Git timeouts,
/// the stop grace period; and the one place that wires a ``CommandJobRunner`` into a ``Worker``.
struct CommandWorkerOptions: ParsableArguments {
    @OptionGroup var credentials: CredentialOptions
    @OptionGroup var timeouts: GitTimeoutOptions
    @OptionGroup var cache: CacheOptions
    @Option(name: .customLong("stop-grace"), help: ArgumentHelp("Time between SIGTERM and SIGKILL when a job's command is stopped.", valueName: "duration"))
    var stopGrace: Duration = .seconds(5)
    @Option(
        name: .customLong("git-author"),
        help: ArgumentHelp("Author and committer of the commits a job pushes (default: JobCore Bot <jobcore-bot@users.noreply.github.com>).", valueName: "NAME <EMAIL>"),
        transform: { try GitIdentity(parsing: $0) }
    )
    var gitAuthor: GitIdentity?
    @Option(
        name: .customLong("run-as"),
        help: ArgumentHelp(
            "Run job commands as this unprivileged user, the workspace lent to it while the command runs (needs root; see docs/guarantees.md).",
            valueName: "user"
        ),
        transform: { try ProcessUser(named: $0) }
    )
    var runAs: ProcessUser?

    /// The workspace root (``GlobalOptions/checkedWorkspaceRoot()``), which the `--run-as` user
    /// must be able to traverse.
    func checkedWorkspaceRoot(_ global: GlobalOptions) throws -> String {
        let root = try global.checkedWorkspaceRoot()
        do {
            try runAs?.checkCanReach(root)
        } catch {
            throw CLIError(.invalidInput, error.message)
        }
        return root
    }

    func validate() throws {
        if runAs != nil, geteuid() != 0 {
            throw ValidationError("--run-as needs a worker running as root (it switches users for each command)")
        }
    }

    /// The workspaces of the jobs, under `root`, committing as `--git-author`, warm from the
    /// repository cache when `--cache` is given. With `--run-as`, commands cannot write the cache
    /// (the shared packs stay the worker's, the cache directory is private), so object ids are not
    /// verified again on every read.
    func makeWorkspaces(root: String?, logger: Logger) throws -> LocalWorkspaceManager {
        let cache = try cache.cache(logger: logger, verifyObjectIDs: runAs == nil)
        return LocalWorkspaceManager(configuration: .init(root: root, identity: gitAuthor ?? .bot, cache: cache), logger: logger)
    }

    /// The worker that runs command jobs from `store`, each job's correlation id in its log lines.
    /// - Parameters:
    ///   - workspaces: where the jobs' workspaces are made.
    ///   - tokens: the credentials of this process (``CredentialOptions/provider(logger:)``).
    ///   - outputSink: also receives the commands' output as it arrives (`jobctl run`).
    ///   - progress: told how a workspace's clone progresses.
    func makeWorker(
        store: any JobStore, configuration: Worker.Configuration, workspaces: LocalWorkspaceManager,
        tokens: (any TokenProvider)?, logger: Logger, outputSink: (@Sendable (OutputChunk) -> Void)? = nil,
        progress: (@Sendable (GitProgress) -> Void)? = nil
    ) -> Worker {
        timeouts.apply()
        let runner = CommandJobRunner(
            workspaces: workspaces, tokens: tokens, configuration: .init(stopGracePeriod: stopGrace, runAs: runAs), logger: logger,
            outputSink: outputSink, progress: progress
        )
        var handlers = JobHandlers()
        runner.register(in: &handlers)
        var configuration = configuration
        configuration.jobLogMetadata = CommandJob.logMetadata(for:)
        return Worker(store: store, handlers: handlers, configuration: configuration, logger: logger)
    }
}
