/// What a ``Worker`` does, for observers (metrics, tests). Delivered synchronously on the
/// worker's tasks: an observer must return quickly.
public enum WorkerEvent: Sendable, Hashable {
    /// The worker validated the store and announced itself.
    case started
    /// A job was claimed with this epoch.
    case claimed(JobID, epoch: Int64)
    /// An attempt ended; `nil` outcome when the lease was lost and nothing was reported.
    case finished(JobID, JobRun.Outcome?)
    /// The worker found nothing more to claim and waits for a wake-up or its next poll.
    case idle
    /// The worker registry asked this worker to drain (``JobStore/drainWorker(_:)``): it
    /// stops claiming and exits once its running jobs have finished.
    case drainRequested
    /// Shutdown began: no more claims; running jobs get the grace period.
    case shuttingDown
    /// The worker stopped.
    case stopped
}
