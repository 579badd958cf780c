public import Foundation

/// The store's answer to a heartbeat.
public enum HeartbeatStatus: Sendable, Hashable {
    /// The lease was extended; keep going.
    case renewed
    /// The lease was extended, and the job has been cancelled (with the canceller's reason):
    /// stop the attempt and report ``JobFinish/Outcome/cancelled(reason:)``.
    case cancelRequested(reason: String?)
    /// The lease is lost (the epoch is stale or the job no longer runs): stop without reporting.
    case lost
    /// The job no longer exists (it was purged): stop without reporting.
    case gone
}
