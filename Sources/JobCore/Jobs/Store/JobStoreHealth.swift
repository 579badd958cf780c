public import Foundation

/// A snapshot of a store's state for operators: counts, capacity, age, alerts.
public struct JobStoreHealth: Sendable, Hashable, Codable {
    /// A condition an operator should look at.
    public struct Alert: Sendable, Hashable, Codable {
        /// The kind of alert.
        public enum Kind: String, Sendable, Hashable, Codable {
            /// A job has run longer than the threshold.
            case longRunning
            /// More jobs are due than the threshold.
            case deepQueue
        }

        /// The kind of alert.
        public var kind: Kind
        /// The job concerned, for `longRunning`.
        public var jobID: JobID?
        /// A human-readable explanation.
        public var message: String

        /// Creates an alert.
        public init(kind: Kind, jobID: JobID? = nil, message: String) {
            self.kind = kind
            self.jobID = jobID
            self.message = message
        }
    }

    /// When the snapshot was taken.
    public var timestamp: Date
    /// Jobs per state (every state is present, possibly 0).
    public var counts: [String: Int]
    /// Jobs running now.
    public var running: Int
    /// Queued jobs whose run-at has passed.
    public var due: Int
    /// The summed concurrency of the workers seen recently.
    public var capacity: Int
    /// Workers seen recently.
    public var workers: Int
    /// Seconds the oldest running attempt has run, if any runs.
    public var oldestRunningAgeSeconds: Double?
    /// Alerts; empty when all is well.
    public var alerts: [Alert]

    /// Creates a snapshot.
    public init(
        timestamp: Date, counts: [String: Int], running: Int, due: Int, capacity: Int, workers: Int,
        oldestRunningAgeSeconds: Double?, alerts: [Alert]
    ) {
        self.timestamp = timestamp
        self.counts = counts
        self.running = running
        self.due = due
        self.capacity = capacity
        self.workers = workers
        self.oldestRunningAgeSeconds = oldestRunningAgeSeconds
        self.alerts = alerts
    }

    /// The count for one state.
    public func count(_ state: JobState) -> Int { counts[state.rawValue] ?? 0 }
}

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
    ///   - counts: jobs per state.
    ///   - due: queued jobs whose run-at has passed.
    ///   - oldestRunning: running jobs' start times, oldest first (at most ``maxListedJobs`` + 1 needed).
    ///   - workers: capacities of the workers seen within ``workerWindow``.
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

/// A worker announcing itself, so health can report running jobs against capacity.
public struct WorkerPresence: Sendable, Hashable, Codable {
    /// The worker id.
    public var id: String
    /// How many jobs it runs at once.
    public var capacity: Int
    /// The queue it claims from.
    public var queue: String
    /// When it last announced itself.
    public var seenAt: Date

    /// Creates a presence record.
    public init(id: String, capacity: Int, queue: String, seenAt: Date) {
        self.id = id
        self.capacity = capacity
        self.queue = queue
        self.seenAt = seenAt
    }
}
