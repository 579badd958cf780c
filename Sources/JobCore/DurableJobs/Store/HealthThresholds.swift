public import Foundation

/// When ``JobStoreHealth`` raises alerts.
public struct HealthThresholds: Sendable, Hashable {
    /// A running attempt older than this raises `longRunning`. Defaults to 2 hours.
    public var longRunning: Duration
    /// More due jobs than this raises `deepQueue`. Defaults to 1,000.
    public var queueDepth: Int
    /// The most `longRunning` alerts listed one by one. Defaults to 20.
    public var maxListedJobs: Int

    /// Creates thresholds; every parameter has the documented default.
    public init(longRunning: Duration = .seconds(7200), queueDepth: Int = 1000, maxListedJobs: Int = 20) {
        self.longRunning = longRunning
        self.queueDepth = queueDepth
        self.maxListedJobs = maxListedJobs
    }

    /// Builds a snapshot from raw figures; stores call it so alerts read the same everywhere.
    /// - Parameters:
    ///   - now: the time the snapshot describes.
    ///   - tallies: the jobs counted by queue and state (one tally per pair that has jobs).
    ///   - oldestRunning: running jobs' start times, oldest first (at most ``maxListedJobs`` + 1 needed).
    ///   - workers: the worker registry, with each worker's state as of `now`.
    ///   - leaseHolders: how many running jobs each lease holder (worker id) has.
    @_spi(JobStoreImplementation)
    public func snapshot(
        now: Date, tallies: [HealthTally], oldestRunning: [(id: JobID, startedAt: Date)], workers: [WorkerRecord],
        leaseHolders: [String: Int]
    ) -> JobStoreHealth {
        var counts: [JobState: Int] = [:]
        var queues: [String: JobStoreHealth.Queue] = [:]
        var oldestDue: Date?
        for tally in tallies {
            counts[tally.state, default: 0] += tally.count
            guard !tally.state.isTerminal else { continue }
            var queue = queues[tally.queue] ?? JobStoreHealth.Queue(name: tally.queue)
            switch tally.state {
            case .waiting: queue.waiting += tally.count
            case .queued: queue.queued += tally.count
            case .running: queue.running += tally.count
            default: break
            }
            queue.due += tally.due
            if let runAt = tally.oldestDue {
                let age = max(0, now.timeIntervalSince(runAt))
                queue.oldestDueAgeSeconds = max(queue.oldestDueAgeSeconds ?? 0, age)
                oldestDue = min(oldestDue ?? runAt, runAt)
            }
            queues[tally.queue] = queue
        }
        let due = queues.values.reduce(0) { $0 + $1.due }
        var alerts: [JobStoreHealth.Alert] = []
        let limit = longRunning.timeInterval
        for job in oldestRunning.prefix(maxListedJobs) where now.timeIntervalSince(job.startedAt) > limit {
            let age = Duration.milliseconds(Int64(now.timeIntervalSince(job.startedAt) * 1000))
            alerts.append(.init(kind: .longRunning, jobID: job.id, message: "running for \(DurationParser.format(age)) (threshold \(DurationParser.format(longRunning)))"))
        }
        if due > queueDepth {
            alerts.append(.init(kind: .deepQueue, message: "\(due) jobs due (threshold \(queueDepth))"))
        }
        let fleet = JobStoreHealth.Fleet(now: now, workers: workers, leaseHolders: leaseHolders)
        for gone in fleet.goneWithJobs {
            let silence = DurationParser.format(.seconds(Int64(max(0, now.timeIntervalSince(gone.lastSeenAt)))))
            alerts.append(.init(kind: .workerGone, message: """
                worker \(gone.id) on \(gone.host.isEmpty ? "?" : gone.host) is gone (last seen \(silence) ago) with \(gone.runningJobs) running \(gone.runningJobs == 1 ? "job" : "jobs") leased to it: the reaper returns them to the queue when their leases run out
                """))
        }
        var byName: [String: Int] = [:]
        for state in JobState.allCases { byName[state.rawValue] = counts[state] ?? 0 }
        return JobStoreHealth(
            timestamp: now, counts: byName, running: counts[.running] ?? 0, due: due,
            capacity: fleet.seats, workers: fleet.active + fleet.draining,
            oldestRunningAgeSeconds: oldestRunning.first.map { max(0, now.timeIntervalSince($0.startedAt)) },
            oldestDueAgeSeconds: oldestDue.map { max(0, now.timeIntervalSince($0)) },
            queues: queues.values.sorted { $0.name < $1.name }, alerts: alerts, fleet: fleet
        )
    }
}

/// The jobs of one queue in one state, as a store counts them for ``HealthThresholds/snapshot(now:tallies:oldestRunning:workers:leaseHolders:)``.
@_spi(JobStoreImplementation)
public struct HealthTally: Sendable, Hashable {
    /// The queue.
    public var queue: String
    /// The state.
    public var state: JobState
    /// Jobs of the queue in the state.
    public var count: Int
    /// Of them, queued jobs whose run-at has passed (0 for other states).
    public var due: Int
    /// The earliest run-at of those due jobs.
    public var oldestDue: Date?

    /// Creates a tally.
    public init(queue: String, state: JobState, count: Int, due: Int = 0, oldestDue: Date? = nil) {
        self.queue = queue
        self.state = state
        self.count = count
        self.due = due
        self.oldestDue = oldestDue
    }
}
