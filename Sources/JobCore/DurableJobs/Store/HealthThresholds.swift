public import Foundation

/// When ``JobStoreHealth`` raises alerts.
public struct HealthThresholds: Sendable, Hashable {
    /// A running attempt older than this raises `longRunning`. Defaults to 2 hours.
    public var longRunning: Duration
    /// More due jobs than this raises `deepQueue`. Defaults to 1,000.
    public var queueDepth: Int
    /// Workers seen within this window count towards capacity. Defaults to 2 minutes.
    public var workerWindow: Duration
    /// The most `longRunning` alerts listed one by one. Defaults to 20.
    public var maxListedJobs: Int

    /// Creates thresholds; every parameter has the documented default.
    public init(longRunning: Duration = .seconds(7200), queueDepth: Int = 1000, workerWindow: Duration = .seconds(120), maxListedJobs: Int = 20) {
        self.longRunning = longRunning
        self.queueDepth = queueDepth
        self.workerWindow = workerWindow
        self.maxListedJobs = maxListedJobs
    }

    /// Builds a snapshot from raw figures; stores call it so alerts read the same everywhere.
    /// - Parameters:
    ///   - now: the time the snapshot describes.
    ///   - counts: jobs per state.
    ///   - due: queued jobs whose run-at has passed.
    ///   - oldestRunning: running jobs' start times, oldest first (at most ``maxListedJobs`` + 1 needed).
    ///   - workers: capacities of the workers seen within ``workerWindow``.
    @_spi(JobStoreImplementation)
    public func snapshot(
        now: Date, counts: [JobState: Int], due: Int, oldestRunning: [(id: JobID, startedAt: Date)], workers: [Int]
    ) -> JobStoreHealth {
        var alerts: [JobStoreHealth.Alert] = []
        let limit = longRunning.timeInterval
        for job in oldestRunning.prefix(maxListedJobs) where now.timeIntervalSince(job.startedAt) > limit {
            let age = Duration.milliseconds(Int64(now.timeIntervalSince(job.startedAt) * 1000))
            alerts.append(.init(kind: .longRunning, jobID: job.id, message: "running for \(DurationParser.format(age)) (threshold \(DurationParser.format(longRunning)))"))
        }
        if due > queueDepth {
            alerts.append(.init(kind: .deepQueue, message: "\(due) jobs due (threshold \(queueDepth))"))
        }
        var byName: [String: Int] = [:]
        for state in JobState.allCases { byName[state.rawValue] = counts[state] ?? 0 }
        return JobStoreHealth(
            timestamp: now, counts: byName, running: counts[.running] ?? 0, due: due,
            capacity: workers.reduce(0, +), workers: workers.count,
            oldestRunningAgeSeconds: oldestRunning.first.map { max(0, now.timeIntervalSince($0.startedAt)) },
            alerts: alerts
        )
    }
}
