import Foundation
import Logging
import Synchronization

/// Saves a command job's work in progress (``CommandJob/Checkpoints``): the work tree as a commit
/// pushed to the checkpoint branch, then recorded as the job's ``JobCheckpoint``.
final class CommandCheckpointer: Sendable {
    let settings: CommandJob.Checkpoints
    let workspace: Workspace
    let context: JobContext
    /// The checkpoint this attempt resumed from, if any.
    let resume: JobCheckpoint?
    let branch: String
    /// The tree of the last checkpoint pushed (nothing is pushed while it is unchanged), and
    /// whether this attempt pushed one.
    private let last = Mutex<(tree: String?, pushed: Bool)>((nil, false))

    init(settings: CommandJob.Checkpoints, workspace: Workspace, context: JobContext, resume: JobCheckpoint?) {
        self.settings = settings
        self.workspace = workspace
        self.context = context
        self.resume = resume
        self.branch = settings.branch(for: context.id)
    }

    /// Checkpoints every interval until cancelled. A work tree lent to another user
    /// (`--run-as`) cannot be read safely while the command runs: then only the release at
    /// shutdown checkpoints, and an event says so once.
    func runPeriodically(clock: any WallClock, workTreeLent: Bool) async {
        if workTreeLent {
            try? await context.reportCheckpointFailure("the work tree is lent to another user (--run-as) while the command runs: checkpoints are taken only when the job is released at shutdown")
            return
        }
        while !Task.isCancelled {
            do { try await clock.sleep(for: settings.interval) } catch { return }
            await checkpoint()
        }
    }

    /// Pushes the work tree's state when it changed since the last checkpoint and records it.
    /// A failure is logged and recorded as a `checkpointFailed` event; it never fails the attempt.
    func checkpoint() async {
        guard let base = resume?.wipBase ?? workspace.baseCommit else { return }
        do {
            let previous = last.withLock { $0.tree }
            let saved = try await workspace.pushCheckpoint(
                to: branch, message: "Work in progress of job \(context.id) (attempt \(context.attempt))", unchangedFrom: previous
            )
            guard saved.pushed else { return }
            last.withLock { $0 = (saved.tree, true) }
            try await context.saveCheckpoint(JobCheckpoint(wipBranch: branch, wipBase: base, wipCommit: saved.commit))
        } catch is CancellationError {
            return
        } catch let error as GitError where error.code == .cancelled {
            return
        } catch {
            let reason = (error as? GitError)?.message ?? (error as? JobStoreError)?.message ?? "\(error)"
            context.logger.warning("checkpoint not saved", metadata: ["error": "\(reason)"])
            try? await context.reportCheckpointFailure(reason)
        }
    }

    /// After the job succeeded: deletes the checkpoint branch from the remote, unless the job
    /// keeps it or no checkpoint was ever pushed. A failure is only logged.
    func removeBranchAfterSuccess() async {
        guard !settings.keep, resume != nil || last.withLock({ $0.pushed }) else { return }
        do {
            try await workspace.deleteRemoteBranch(branch)
        } catch {
            context.logger.warning("the checkpoint branch could not be deleted", metadata: ["branch": "\(branch)", "error": "\((error as? GitError)?.message ?? "\(error)")"])
        }
    }
}
