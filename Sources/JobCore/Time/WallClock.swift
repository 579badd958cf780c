public import Foundation

/// The source of time for everything in JobCore that depends on it: leases, back-off, timeouts,
/// token expiry. Inject ``SystemClock`` in production and a manual clock in tests.
public protocol WallClock: Sendable {
    /// The current wall-clock time.
    var now: Date { get }

    /// Suspends for `duration` of this clock's time.
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

extension WallClock where Self == SystemClock {
    /// The real clock.
    public static var system: SystemClock { SystemClock() }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

extension Date {
    /// This date moved by a `Duration`.
    public func adding(_ duration: Duration) -> Date {
        addingTimeInterval(duration.timeInterval)
    }
}
