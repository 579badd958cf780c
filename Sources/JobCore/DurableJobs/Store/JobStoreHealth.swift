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
            /// A worker is gone while jobs are still leased to it.
            case workerGone
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
    /// The seats (concurrency) of the active workers: what can claim now.
    public var capacity: Int
    /// Workers that are not gone (active or draining).
    public var workers: Int
    /// Seconds the oldest running attempt has run, if any runs.
    public var oldestRunningAgeSeconds: Double?
    /// Seconds since the run-at of the oldest due job of any queue, if one is due.
    public var oldestDueAgeSeconds: Double?
    /// Queues with jobs waiting, queued or running, by name.
    public var queues: [Queue]
    /// Alerts; empty when all is well.
    public var alerts: [Alert]
    /// The worker registry in figures.
    public var fleet: Fleet

    /// Creates a snapshot.
    public init(
        timestamp: Date, counts: [String: Int], running: Int, due: Int, capacity: Int, workers: Int,
        oldestRunningAgeSeconds: Double?, oldestDueAgeSeconds: Double? = nil, queues: [Queue] = [], alerts: [Alert],
        fleet: Fleet = Fleet()
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
        self.fleet = fleet
    }

    /// The count for one state.
    public func count(_ state: JobState) -> Int { counts[state.rawValue] ?? 0 }
}

extension JobStoreHealth {
    /// The workers of the registry in figures (``JobStore/workers()`` lists them).
    public struct Fleet: Sendable, Hashable, Codable {
        /// A worker that is gone while running jobs are still leased to it.
        public struct GoneWorker: Sendable, Hashable, Codable {
            /// The worker id.
            public var id: String
            /// Its host.
            public var host: String
            /// When it was last seen.
            public var lastSeenAt: Date
            /// Running jobs leased to it.
            public var runningJobs: Int

            /// Creates a record.
            public init(id: String, host: String, lastSeenAt: Date, runningJobs: Int) {
                self.id = id
                self.host = host
                self.lastSeenAt = lastSeenAt
                self.runningJobs = runningJobs
            }
        }

        /// Active workers.
        public var active: Int
        /// Draining workers.
        public var draining: Int
        /// Gone workers not pruned yet.
        public var gone: Int
        /// The seats of the active workers.
        public var seats: Int
        /// The attempts the active and draining workers ran when they last announced themselves.
        public var load: Int
        /// Gone workers with running jobs still leased to them, by id.
        public var goneWithJobs: [GoneWorker]

        /// Creates figures.
        public init(active: Int = 0, draining: Int = 0, gone: Int = 0, seats: Int = 0, load: Int = 0, goneWithJobs: [GoneWorker] = []) {
            self.active = active
            self.draining = draining
            self.gone = gone
            self.seats = seats
            self.load = load
            self.goneWithJobs = goneWithJobs
        }

        /// The figures of a registry whose states are as of `now`, with the running jobs by
        /// lease holder.
        init(now: Date, workers: [WorkerRecord], leaseHolders: [String: Int]) {
            self.init()
            for worker in workers {
                switch worker.state {
                case .active:
                    active += 1
                    seats += worker.seats
                    load += worker.load
                case .draining:
                    draining += 1
                    load += worker.load
                case .gone:
                    gone += 1
                    if let running = leaseHolders[worker.id], running > 0 {
                        goneWithJobs.append(GoneWorker(id: worker.id, host: worker.host, lastSeenAt: worker.lastSeenAt, runningJobs: running))
                    }
                }
            }
            goneWithJobs.sort { $0.id < $1.id }
        }
    }
}
