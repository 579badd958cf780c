public import Logging
import Foundation
import Tracing

/// Workspaces as shallow libgit2 clones in private directories under a root directory.
public struct LocalWorkspaceManager: WorkspaceManager {
    /// How workspaces are made.
    public struct Configuration: Sendable {
        /// The directory workspaces are created in. Defaults to the system temporary directory.
        public var root: String
        /// The prefix of every workspace directory; the sweep touches nothing else.
        /// Defaults to `jobcore-ws-`.
        public var prefix: String
        /// Author and committer of commits, unless a workspace's ``WorkspaceOptions/identity``
        /// says otherwise. Defaults to ``GitIdentity/bot``.
        public var identity: GitIdentity
        /// Where workspaces of remote repositories come from when set: warm from a mirror of the
        /// repository cache instead of a clone. Defaults to `nil`: every workspace is a clone.
        public var cache: RepositoryCache?

        /// Creates a configuration; every parameter has the documented default.
        public init(root: String? = nil, prefix: String = "jobcore-ws-", identity: GitIdentity = .bot, cache: RepositoryCache? = nil) {
            self.root = root ?? NSTemporaryDirectory()
            self.prefix = prefix
            self.identity = identity
            self.cache = cache
        }
    }

    public let configuration: Configuration
    private let clock: any WallClock
    private let git: GitClient
    private let logger: Logger

    /// Creates a manager.
    /// - Parameters:
    ///   - configuration: the root, prefix and identity.
    ///   - clock: where time comes from (workspace ages). Defaults to the system clock.
    ///   - logger: where log lines go, with metadata job id, repository, branch and workspace.
    ///     Defaults to a logger labelled `jobcore.workspace`.
    public init(
        configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "jobcore.workspace")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.git = GitClient(logger: logger)
    }

    public func create(_ options: WorkspaceOptions) async throws -> Workspace {
        try await JobTracing.traced("jobcore.workspace.create") { span in
            if let source = options.source { ComponentMetrics.setRepositoryAttributes(span, source) }
            let start = ContinuousClock.now
            do {
                let workspace = try await createUntraced(options)
                ComponentMetrics.workspaceCreated(since: start, success: true)
                return workspace
            } catch {
                ComponentMetrics.workspaceCreated(since: start, success: false)
                throw error
            }
        }
    }

    private func createUntraced(_ options: WorkspaceOptions) async throws -> Workspace {
        if let branch = options.branch { try BranchName.validateFeatureBranch(branch) }
        let name = configuration.prefix + UUID().uuidString.lowercased()
        let container = (configuration.root as NSString).appendingPathComponent(name)
        let directory = (container as NSString).appendingPathComponent("work")
        var logger = logger
        logger[metadataKey: "workspace"] = "\(directory)"
        if let source = options.source { logger[metadataKey: "repository"] = "\(source)" }
        if let jobID = options.jobID { logger[metadataKey: "job.id"] = "\(jobID)" }
        if let branch = options.branch { logger[metadataKey: "branch"] = "\(branch)" }
        for (key, value) in options.logMetadata { logger[metadataKey: key] = value }

        let marker = WorkspaceMarker.current(jobID: options.jobID, createdAt: clock.now)
        try makeContainer(container, marker: marker)
        guard let source = options.source else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            } catch {
                _ = try? await DedicatedThread.run(name: "jobcore.workspace.cleanup") { SafeRemoval.remove(path: container, last: WorkspaceMarker.fileName) }
                throw GitError(.invalidInput, "cannot create a workspace in '\(configuration.root)': \(error.localizedDescription)")
            }
            logger.info("empty workspace ready")
            return Workspace(container: container, directory: directory, clone: nil, branch: nil, source: nil,
                             credentials: options.credentials, identity: options.identity ?? configuration.identity, logger: logger)
        }
        do {
            let cloneOptions = CloneOptions(ref: options.ref, depth: options.depth)
            let clone = if let cache = configuration.cache {
                try await cache.clone(source, into: directory, options: cloneOptions, credentials: options.credentials, progress: options.progress).result
            } else {
                try await git.clone(source, into: directory, options: cloneOptions, credentials: options.credentials, progress: options.progress)
            }
            var branch = clone.branch
            if let feature = options.branch {
                try await DedicatedThread.run(name: "jobcore.git.branch") { try GitLocalOperations.createBranch(feature, in: directory) }
                branch = feature
            }
            logger.info("workspace ready", metadata: ["commit": "\(clone.commit)", "shallow": "\(clone.isShallow)"])
            return Workspace(container: container, directory: directory, clone: clone, branch: branch, source: source,
                             credentials: options.credentials, identity: options.identity ?? configuration.identity, logger: logger)
        } catch {
            _ = try? await DedicatedThread.run(name: "jobcore.workspace.cleanup") { SafeRemoval.remove(path: container, last: WorkspaceMarker.fileName) }
            logger.warning("workspace failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    public func sweepStale(olderThan age: Duration) async -> [String] {
        let root = configuration.root, prefix = configuration.prefix
        let cutoff = clock.now.adding(.zero - age)
        let outcome = (try? await DedicatedThread.run(name: "jobcore.workspace.sweep") {
            WorkspaceSweep(root: root, prefix: prefix, cutoff: cutoff).run()
        }) ?? WorkspaceSweep.Outcome()
        ComponentMetrics.workspacesSwept(outcome.removed.count)
        if !outcome.removed.isEmpty { logger.notice("removed stale workspaces", metadata: ["count": "\(outcome.removed.count)"]) }
        for (path, reason) in outcome.incomplete {
            logger.warning("stale workspace only partly removed; the next sweep retries it",
                           metadata: ["workspace": "\(path)", "error": "\(reason)"])
        }
        return outcome.removed
    }

    private func makeContainer(_ container: String, marker: WorkspaceMarker) throws {
        do {
            try FileManager.default.createDirectory(atPath: configuration.root, withIntermediateDirectories: true)
            guard mkdir(container, 0o700) == 0 else {
                throw GitError(.invalidInput, "cannot create a workspace in '\(configuration.root)': \(String(cString: strerror(errno)))")
            }
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(marker).write(to: URL(fileURLWithPath: container).appendingPathComponent(WorkspaceMarker.fileName))
        } catch let error as GitError {
            throw error
        } catch {
            throw GitError(.invalidInput, "cannot create a workspace in '\(configuration.root)': \(error.localizedDescription)")
        }
    }
}
