public import Foundation
public import JobCore
import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL server's clock as seen from this process: a local clock plus the offset
/// between the two, measured by the store without a round trip per transaction.
///
/// ``PostgresJobStore`` uses one by default, so that lease expiry, run-at and timestamps are
/// judged by one clock — the server's — for every machine sharing the store: a machine whose own
/// clock is wrong cannot expire another's lease early. The store measures the offset when it
/// first connects and every ``resampleInterval`` while its `run()` runs: it reads
/// `clock_timestamp()` and takes the middle of the round trip as the moment the server read it.
/// The sample kept is the one with the smallest error bound (see ``Estimate/uncertainty``), so a
/// slow round trip never replaces a better recent one.
///
/// The error of ``now`` is at most half the round trip of the sample in use, plus the drift of
/// the local clock against the server's since that sample (bounded by ``maxDrift``), plus any
/// step of the local clock since then (a step is noticed, and the sample replaced, at the next
/// measurement). Before the first measurement ``now`` is the local clock's.
public final class PostgresServerClock: WallClock {
    /// What the clock currently believes.
    public struct Estimate: Sendable, Hashable {
        /// Server time minus local time.
        public var offset: Duration
        /// The round trip of the sample in use.
        public var roundTrip: Duration
        /// The bound on the error of ``PostgresServerClock/now``: half the round trip plus
        /// ``PostgresServerClock/maxDrift`` times the age of the sample.
        public var uncertainty: Duration
        /// How long ago the sample was taken.
        public var age: Duration
    }

    private struct Sample {
        /// Server time minus local time, in seconds.
        var offset: TimeInterval
        var roundTrip: Duration
        /// When it was taken, by the local clock and by the monotonic clock.
        var local: Date
        var instant: ContinuousClock.Instant
    }

    /// The clock the offset is added to.
    public let local: any WallClock
    /// How often ``PostgresJobStore/run()`` measures the offset again. Defaults to 30 seconds.
    public let resampleInterval: Duration
    /// The largest relative drift assumed between the local clock and the server's (seconds per
    /// second), used to age a sample. Defaults to 0.0001 (100 ppm, far more than an
    /// NTP-disciplined clock).
    public let maxDrift: Double
    private let sample = Mutex<Sample?>(nil)

    /// Creates a clock that follows the server's once a store has measured it.
    /// - Parameters:
    ///   - local: the local clock. Defaults to the system clock.
    ///   - resampleInterval: how often the store measures again. Defaults to 30 seconds.
    ///   - maxDrift: the largest relative drift assumed between the clocks. Defaults to 0.0001.
    public init(local: any WallClock = SystemClock(), resampleInterval: Duration = .seconds(30), maxDrift: Double = 0.0001) {
        self.local = local
        self.resampleInterval = max(resampleInterval, .milliseconds(10))
        self.maxDrift = max(0, maxDrift)
    }

    /// The local time plus the measured offset (the local time before the first measurement).
    public var now: Date {
        let offset = sample.withLock { $0?.offset } ?? 0
        return local.now.addingTimeInterval(offset)
    }

    /// Suspends for `duration` of the local clock's time.
    public func sleep(for duration: Duration) async throws {
        try await local.sleep(for: duration)
    }

    /// The estimate in use; `nil` before the first measurement.
    public var estimate: Estimate? {
        let now = ContinuousClock.now
        return sample.withLock { sample in
            sample.map { sample in
                Estimate(
                    offset: .seconds(sample.offset), roundTrip: sample.roundTrip,
                    uncertainty: uncertainty(of: sample, at: now), age: now - sample.instant
                )
            }
        }
    }

    /// Measures the offset on `connection` and keeps the sample when it is better than the one in
    /// use.
    /// - Throws: the driver's error when the query fails.
    func measure(on connection: PostgresConnection, logger: Logger) async throws {
        let before = local.now
        let start = ContinuousClock.now
        let rows = try await connection.rows(
            "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::int8", logger: logger
        )
        let roundTrip = ContinuousClock.now - start
        guard let micros = try rows.decode(Int64.self).first else { return }
        record(server: Date(timeIntervalSince1970: Double(micros) / 1_000_000), localBefore: before, start: start, roundTrip: roundTrip)
    }

    /// Records a sample: the server read `server` during a round trip that started at `start`
    /// (`localBefore` by the local clock) and lasted `roundTrip`; it is taken to have read it in
    /// the middle.
    func record(server: Date, localBefore: Date, start: ContinuousClock.Instant, roundTrip: Duration) {
        let middle = localBefore.addingTimeInterval(roundTrip.timeInterval / 2)
        let candidate = Sample(offset: server.timeIntervalSince(middle), roundTrip: roundTrip, local: middle, instant: start + roundTrip / 2)
        let localNow = local.now
        let instantNow = ContinuousClock.now
        sample.withLock { kept in
            guard let current = kept else {
                kept = candidate
                return
            }
            // The local clock was stepped since the kept sample (its time moved unlike the
            // monotonic clock's): the kept offset no longer holds.
            let monotonic = (instantNow - current.instant).timeInterval
            let wall = localNow.timeIntervalSince(current.local)
            let stepped = abs(wall - monotonic) > 0.005 + maxDrift * monotonic
            if stepped || candidate.roundTrip / 2 <= uncertainty(of: current, at: candidate.instant) {
                kept = candidate
            }
        }
    }

    private func uncertainty(of sample: Sample, at instant: ContinuousClock.Instant) -> Duration {
        let age = max(.zero, instant - sample.instant)
        return sample.roundTrip / 2 + .seconds(age.timeInterval * maxDrift)
    }
}
