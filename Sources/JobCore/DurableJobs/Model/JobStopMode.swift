/// How a cancelled running attempt is stopped: the mode travels with the cancel from
/// ``JobStore/cancel(_:reason:mode:)`` through the store and the worker's heartbeat to the
/// handler (``JobContext/StopReason/cancelled(reason:mode:)``).
public enum JobStopMode: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Stop politely and give the attempt time to clean up: a command gets SIGTERM, a grace
    /// period, then SIGKILL (`jobctl cancel`, `jobctl kill`).
    case graceful
    /// Stop at once, without a grace period: a command's process group gets SIGKILL
    /// (`jobctl kill --force`).
    case immediate

    public var description: String { rawValue }
}
