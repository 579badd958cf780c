import CJobCoreProcess

/// A deadline the guardian process enforces by itself (``CommandSpec/lease``).
///
/// Unless the supervising process moves the deadline (``SupervisedProcess/extendLease(until:)``),
/// the guardian sends the command's process group SIGTERM ``grace`` before ``deadline`` and
/// SIGKILL at it, then kills every remaining descendant. It does so even when the supervising
/// process is stopped (SIGSTOP), hung, or cut off from what it renews its lease with: a job's
/// command cannot run on past the lease its worker holds in the store.
public struct ProcessLease: Sendable, Hashable {
    /// When the command must have been killed unless the lease is extended first.
    public var deadline: ContinuousClock.Instant
    /// How long before ``deadline`` SIGTERM goes out.
    public var grace: Duration

    /// Creates a lease.
    /// - Parameters:
    ///   - deadline: When the command must have been killed.
    ///   - grace: How long before the deadline to send SIGTERM; negative counts as zero.
    public init(deadline: ContinuousClock.Instant, grace: Duration) {
        self.deadline = deadline
        self.grace = max(.zero, grace)
    }

    /// A deadline on the guardian's clock (`jobcore_lease_clock_ns`), in nanoseconds.
    static func guardianNanoseconds(_ deadline: ContinuousClock.Instant) -> Int64 {
        let remaining = deadline - ContinuousClock.now
        return jobcore_lease_clock_ns() + max(0, remaining.saturatingNanoseconds)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }
}
