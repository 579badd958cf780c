public import Foundation

/// Checkpoints of running attempts (``JobContext/saveCheckpoint(_:)``), each a transition fenced
/// by the attempt's epoch.
@_spi(JobStoreImplementation)
extension JobLifecycle {
    /// Saves `checkpoint` as the job's latest, stamped with the attempt's epoch and `now`.
    /// - Throws: `staleEpoch` when the job no longer runs at `epoch`; `invalidArgument` for an
    ///   invalid branch name, a commit that is not a full id, or a note over
    ///   ``JobCheckpoint/maximumNoteSize`` bytes.
    public static func saveCheckpoint(_ record: JobRecord, _ checkpoint: JobCheckpoint, epoch: Int64, now: Date) throws(JobStoreError) -> JobChange {
        try checkEpoch(record, epoch)
        do {
            try BranchName.validate(checkpoint.wipBranch)
        } catch {
            throw JobStoreError(.invalidArgument, "invalid checkpoint branch: \((error as? GitError)?.message ?? "\(error)")", jobID: record.id)
        }
        guard JobCheckpoint.isCommitID(checkpoint.wipCommit), JobCheckpoint.isCommitID(checkpoint.wipBase) else {
            throw JobStoreError(.invalidArgument, "a checkpoint's commits must be full commit ids", jobID: record.id)
        }
        guard (checkpoint.note?.utf8.count ?? 0) <= JobCheckpoint.maximumNoteSize else {
            throw JobStoreError(.invalidArgument, "a checkpoint's note is longer than \(JobCheckpoint.maximumNoteSize) bytes", jobID: record.id)
        }
        var saved = checkpoint
        saved.epoch = epoch
        saved.savedAt = now
        var after = touched(record, now)
        after.checkpoint = saved
        let message = "\(checkpoint.wipCommit) on \(checkpoint.wipBranch)"
        return JobChange(before: record, after: after, run: nil, events: [event(.checkpointed, after, epoch: epoch, message: message)])
    }

    /// Records that the attempt running at `epoch` could not save a checkpoint: an event with
    /// the reason; the previous checkpoint stays.
    /// - Throws: `staleEpoch` when the job no longer runs at `epoch`.
    public static func checkpointFailed(_ record: JobRecord, reason: String, epoch: Int64, now: Date) throws(JobStoreError) -> JobChange {
        try checkEpoch(record, epoch)
        let after = touched(record, now)
        return JobChange(before: record, after: after, run: nil, events: [event(.checkpointFailed, after, epoch: epoch, message: reason)])
    }
}
