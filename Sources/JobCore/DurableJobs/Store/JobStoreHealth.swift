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
