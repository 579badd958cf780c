/// The store's answer to a heartbeat (computed by `JobLifecycle.heartbeat`).
@_spi(JobStoreImplementation)
public enum HeartbeatStatus: Sendable, Hashable {
    /// The lease was extended; keep going.
    case renewed
    /// The lease was extended, and the job has been cancelled (with the canceller's reason and
    /// stop mode): stop the attempt as `mode` says and report ``JobFinish/Outcome/cancelled(reason:)``.
    case cancelRequested(reason: String?, mode: JobStopMode)
    /// The lease is lost (the epoch is stale or the job no longer runs): stop without reporting.
    case lost
    /// The job no longer exists (it was purged): stop without reporting.
    case gone
}
