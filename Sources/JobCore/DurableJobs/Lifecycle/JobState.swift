/// Where a durable job is in its life.
///
/// `queued` (possibly scheduled for later) → `running` → `succeeded` | `failed` | `cancelled`.
/// A failed attempt with attempts left goes back to `queued` with a back-off. A job with
/// dependencies starts `waiting` until they have ended. The transitions themselves live in
/// `JobLifecycle`.
public enum JobState: String, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Waiting for its dependencies (``JobOptions/dependsOn``) to end; never claimed. Becomes
    /// `queued` in the transaction that ends the last of them.
    case waiting
    /// Waiting to be claimed, from its run-at time on.
    case queued
    /// Claimed by a worker that holds a lease on it.
    case running
    /// Finished successfully.
    case succeeded
    /// Finished unsuccessfully with no attempt left (or a failure that must not be retried).
    case failed
    /// Cancelled before it finished.
    case cancelled

    /// Whether the job has finished and will not run again unless retried by hand.
    public var isTerminal: Bool {
        switch self {
        case .waiting, .queued, .running: false
        case .succeeded, .failed, .cancelled: true
        }
    }

    public var description: String { rawValue }

    public static func < (lhs: JobState, rhs: JobState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
