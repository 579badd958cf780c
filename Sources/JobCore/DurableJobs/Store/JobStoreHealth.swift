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

    /// One queue's jobs that are not finished.
    public struct Queue: Sendable, Hashable, Codable {
        /// The queue's name.
        public var name: String
        /// Jobs waiting for dependencies or children.
        public var waiting: Int
        /// Jobs queued (due or scheduled later).
        public var queued: Int
        /// Queued jobs whose run-at has passed.
        public var due: Int
        /// Jobs running now.
        public var running: Int
        /// Seconds since the run-at of the queue's oldest due job, if one is due: how long the
        /// next claim's job has waited.
        public var oldestDueAgeSeconds: Double?

        /// Creates a queue's figures.
        public init(name: String, waiting: Int = 0, queued: Int = 0, due: Int = 0, running: Int = 0, oldestDueAgeSeconds: Double? = nil) {
            self.name = name
            self.waiting = waiting
            self.queued = queued
            self.due = due
            self.running = running
            self.oldestDueAgeSeconds = oldestDueAgeSeconds
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
    /// Seconds since the run-at of the oldest due job of any queue, if one is due.
    public var oldestDueAgeSeconds: Double?
    /// Queues with jobs waiting, queued or running, by name.
    public var queues: [Queue]
    /// Alerts; empty when all is well.
    public var alerts: [Alert]

    /// Creates a snapshot.
    public init(
        timestamp: Date, counts: [String: Int], running: Int, due: Int, capacity: Int, workers: Int,
        oldestRunningAgeSeconds: Double?, oldestDueAgeSeconds: Double? = nil, queues: [Queue] = [], alerts: [Alert]
    ) {
        self.timestamp = timestamp
        self.counts = counts
        self.running = running
        self.due = due
        self.capacity = capacity
        self.workers = workers
        self.oldestRunningAgeSeconds = oldestRunningAgeSeconds
        self.oldestDueAgeSeconds = oldestDueAgeSeconds
        self.queues = queues
        self.alerts = alerts
    }

    /// The count for one state.
    public func count(_ state: JobState) -> Int { counts[state.rawValue] ?? 0 }
}
