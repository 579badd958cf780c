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

    /// Saves the work tree's current state — every file, committed or not, as `git add -A` would
    /// stage it — as a commit on top of HEAD, and force-pushes it to `branch` on the remote, with
    /// the same credentials and isolation as ``push()``. The workspace's own index, HEAD and
    /// branches are not touched, so the job's command may go on using Git meanwhile.
    /// - Returns: the commit, and whether it was pushed: `false` when its tree equals
    ///   `unchangedFrom`'s (a tree id from an earlier call), and nothing was pushed.
    /// - Throws: ``GitError`` (`.rejected` when the remote refuses the branch).
    public func pushCheckpoint(
        to branch: String, message: String, unchangedFrom tree: String? = nil
    ) async throws -> (commit: String, tree: String, pushed: Bool) {
        guard let source else { throw GitError(.invalidInput, "cannot checkpoint: the workspace has no repository") }
        try BranchName.validate(branch)
        let directory = directory, identity = identity, url = source.location
        let indexPath = (container as NSString).appendingPathComponent("checkpoint.index")
        let snapshot = try await DedicatedThread.run(name: "jobcore.git.checkpoint") {
            try GitLocalOperations.snapshot(
                in: directory, indexPath: indexPath, reference: "refs/jobcore/checkpoint", message: message, identity: identity
            )
        }
        guard snapshot.tree != tree else { return (snapshot.commit, snapshot.tree, false) }
        try await pushRefspecs(["+refs/jobcore/checkpoint:refs/heads/\(branch)"], describing: "pushing the checkpoint to \(branch)", url: url)
        logger.info("checkpoint pushed", metadata: ["commit": "\(snapshot.commit)", "branch": "\(branch)"])
        return (snapshot.commit, snapshot.tree, true)
    }

    /// Deletes `branch` from the remote (a checkpoint branch that is no longer needed), with the
    /// same credentials and isolation as ``push()``.
    /// - Throws: ``GitError``.
    public func deleteRemoteBranch(_ branch: String) async throws {
        guard let source else { throw GitError(.invalidInput, "cannot delete a branch: the workspace has no repository") }
        try BranchName.validate(branch)
        try await pushRefspecs([":refs/heads/\(branch)"], describing: "deleting \(branch)", url: source.location)
        logger.info("remote branch deleted", metadata: ["branch": "\(branch)"])
    }

    private func pushRefspecs(_ refspecs: [String], describing what: String, url: String) async throws {
        let directory = directory
        try GitLocalOperations.checkGitDirectory(of: directory)
        try await credentials.withToken { token in
            let context = GitTransferContext(token: token, progress: nil)
            try await withTaskCancellationHandler {
                try await DedicatedThread.run(name: "jobcore.git.push") {
                    try GitLocalOperations.push(refspecs, describing: what, to: url, in: directory, context: context)
                }
            } onCancel: {
                context.cancel()
            }
        }
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
