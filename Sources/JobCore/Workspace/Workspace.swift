import Logging
import Foundation
import Tracing
import Synchronization

/// One job's Git working tree: a private directory, removed by ``cleanup()``.
public final class Workspace: Sendable {
    /// The work tree: run commands here.
    public let directory: String
    /// The branch checked out (the feature branch when one was asked for), or `nil` when the
    /// ref was a tag (detached HEAD).
    public let branch: String?
    /// The commit the workspace started from (`nil` for an empty workspace).
    public let baseCommit: String?
    /// Whether the history is shallow.
    public let isShallow: Bool
    /// The repository it was cloned from (`nil` for an empty workspace).
    public let source: RepositorySource?

    /// The workspace's own directory under the root: the work tree and the owner marker.
    let container: String
    private let credentials: GitCredentials
    private let identity: GitIdentity
    private let logger: Logger
    private let removed = Mutex(false)

    init(container: String, directory: String, clone: CloneResult?, branch: String?, source: RepositorySource?,
         credentials: GitCredentials, identity: GitIdentity, logger: Logger) {
        self.container = container
        self.directory = directory
        self.branch = branch
        self.baseCommit = clone?.commit
        self.isShallow = clone?.isShallow ?? false
        self.source = source
        self.credentials = credentials
        self.identity = identity
        self.logger = logger
    }

    /// Stages every change in the work tree and commits it with the configured identity.
    /// - Returns: the new commit, or `nil` when nothing changed.
    /// - Throws: ``GitError``.
    @discardableResult
    public func commitAll(message: String) async throws -> String? {
        guard source != nil else { throw GitError(.invalidInput, "cannot commit: the workspace has no repository") }
        let directory = directory, identity = identity
        let commit = try await JobTracing.traced("git.commit") { span in
            let commit = try await DedicatedThread.run(name: "jobcore.git.commit") {
                try GitLocalOperations.commitAll(in: directory, message: message, identity: identity)
            }
            span?.attributes["jobcore.git.committed"] = commit != nil
            return commit
        }
        logger.debug("committed", metadata: ["commit": "\(commit ?? "nothing to commit")"])
        return commit
    }

    /// Pushes the checked-out branch to the same name on the remote, with the workspace's
    /// credentials (the token through the credential callback).
    ///
    /// The push goes to ``source``, the URL validated when the workspace was created, and
    /// nowhere else, whatever the work tree's `.git` now says: no remote, URL rewrite, proxy or
    /// include from its configuration is read, and a `.git` replaced by a link or a `gitdir:`
    /// file is refused.
    /// - Throws: ``GitError``: `.rejected` with the remote's reason (not a fast-forward, a
    ///   protected branch), `.authentication` when the token is refused, `.invalidInput` when
    ///   `.git` was replaced.
    public func push() async throws {
        guard let source else { throw GitError(.invalidInput, "cannot push: the workspace has no repository") }
        guard let branch else { throw GitError(.invalidInput, "cannot push: the workspace is on a detached HEAD (a tag)") }
        let directory = directory, url = source.location
        try GitLocalOperations.checkGitDirectory(of: directory)
        try await JobTracing.traced("git.push", kind: .client) { span in
            ComponentMetrics.setRepositoryAttributes(span, source)
            span?.attributes["vcs.ref.head.name"] = branch
            let start = ContinuousClock.now
            do {
                try await credentials.withToken { token in
                    let context = GitTransferContext(token: token, progress: nil)
                    try await withTaskCancellationHandler {
                        try await DedicatedThread.run(name: "jobcore.git.push") {
                            try GitLocalOperations.push(branch: branch, to: url, in: directory, context: context)
                        }
                    } onCancel: {
                        context.cancel()
                    }
                }
                ComponentMetrics.push(since: start, success: true)
            } catch {
                ComponentMetrics.push(since: start, success: false)
                throw error
            }
        }
        logger.info("pushed branch")
    }

    /// Removes the workspace. Idempotent; never throws. What cannot be removed is logged as a
    /// warning and left for ``WorkspaceManager/sweepStale(olderThan:)``; removal is iterative, so
    /// any depth of tree a job makes is removed without recursion.
    public func cleanup() async {
        let first = removed.withLock { removed -> Bool in
            defer { removed = true }
            return !removed
        }
        guard first else { return }
        let container = container
        let report = try? await DedicatedThread.run(name: "jobcore.workspace.cleanup") {
            SafeRemoval.remove(path: container, last: WorkspaceMarker.fileName)
        }
        if let report, !report.isComplete {
            // The owner marker stays until everything else is gone: once this process has
            // exited, `sweepStale` finds the workspace and retries.
            logger.warning("workspace only partly removed", metadata: ["error": "\(report.summary)"])
            ComponentMetrics.workspaceCleanupFailed()
        } else {
            logger.debug("workspace removed")
        }
    }

    /// Whether ``cleanup()`` has run.
    public var isRemoved: Bool { removed.withLock { $0 } }
}
