import Foundation
public import Logging

extension Worker {
    /// How a worker claims and runs jobs.
    public struct Configuration: Sendable {
        /// The lease holder name. Defaults to `host-pid-random`.
        public var workerID: String
        /// The queue to claim from. Defaults to `default`.
        public var queue: String
        /// Jobs run at once. Defaults to 4.
        public var concurrency: Int
        /// Jobs of one concurrency key running at once, across every process on the store.
        /// Defaults to 1.
        public var keyLimit: Int
        /// How long a lease lasts without renewal: a worker that dies gives its jobs back after
        /// this (plus the reaper's interval). Defaults to 15 seconds.
        public var lease: Duration
        /// How often leases are renewed (and cancels picked up). Defaults to a third of the lease.
        public var heartbeatInterval: Duration
        /// How often the reaper looks for expired leases. Defaults to the heartbeat interval.
        public var reaperInterval: Duration
        /// How often to look for work when nothing wakes the worker (jobs enqueued by other
        /// processes, run-at reached). Defaults to 1 second.
        public var pollInterval: Duration
        /// On graceful shutdown, how long running jobs may go on before they are stopped and
        /// returned to the queue. Defaults to 30 seconds.
        public var shutdownGracePeriod: Duration
        /// Back-off between attempts of a failed job, for kinds registered without a policy of
        /// their own (see ``JobHandlers``).
        /// Defaults to ``RetryPolicy/init(base:multiplier:maximum:jitter:)``.
        public var retry: RetryPolicy
        /// Whether the worker returns from ``Worker/run()`` by itself once its work is done, and
        /// what "done" means (see ``Worker/DrainMode``; `jobctl worker --drain`). A draining
        /// worker returns, so in a `ServiceGroup` it needs a termination behaviour such as
        /// `.gracefullyShutdownGroup`. Defaults to `nil`: run until shutdown.
        public var drain: DrainMode?
        /// Validate the store (quarantine, orphans) when starting. Defaults to `true`.
        public var validateOnStart: Bool
        /// Extra metadata for every log line of a job (e.g. a correlation id carried in its
        /// payload). Called once per attempt. Defaults to `nil`.
        public var jobLogMetadata: (@Sendable (JobRecord) -> Logger.Metadata)?
        /// Where the worker's metrics and spans go (docs/metrics.md). Defaults to the
        /// bootstrapped backends, read when the worker is created.
        public var observability = Observability()
        /// The capabilities this worker declares in the worker registry (`gpu`,
        /// `engine:claude`; ``FleetNames/capabilityProblem(_:)``). Defaults to none.
        public var capabilities: Set<String> = []
        /// The labels this worker declares in the worker registry (`zone=eu`). Defaults to none.
        public var labels: [String: String] = [:]
        /// How long the records of gone workers stay in the registry before the reaper removes
        /// them. Defaults to 24 hours.
        public var workerRetention: Duration = .seconds(24 * 3600)

        /// Creates a configuration; every parameter has the documented default.
        public init(
            workerID: String = Configuration.defaultWorkerID(), queue: String = JobOptions.defaultQueue,
            concurrency: Int = 4, keyLimit: Int = 1, lease: Duration = .seconds(15), heartbeatInterval: Duration? = nil,
            reaperInterval: Duration? = nil, pollInterval: Duration = .seconds(1), shutdownGracePeriod: Duration = .seconds(30),
            retry: RetryPolicy = RetryPolicy(), drain: DrainMode? = nil, validateOnStart: Bool = true
        ) {
            self.workerID = workerID
            self.queue = queue
            self.concurrency = max(1, concurrency)
            self.keyLimit = max(1, keyLimit)
            self.lease = lease
            self.heartbeatInterval = heartbeatInterval ?? lease / 3
            self.reaperInterval = reaperInterval ?? heartbeatInterval ?? lease / 3
            self.pollInterval = pollInterval
            self.shutdownGracePeriod = shutdownGracePeriod
            self.retry = retry
            self.drain = drain
            self.validateOnStart = validateOnStart
        }

        /// The shortest lease a worker accepts: below it, heartbeats cannot renew a lease before it
        /// expires and the reaper takes the worker's own attempts away. 1 second.
        public static let minimumLease: Duration = .seconds(1)

        /// Checks that the intervals make sense together: the lease at least ``minimumLease``, a
        /// heartbeat interval that is positive and at most half the lease (so a lease is renewed
        /// well before it runs out, and a command's guardian, which stops it a margin before the
        /// lease could expire, hears of the renewal in time), positive reaper and poll intervals, a concurrency and a key limit
        /// of at least 1, and a grace period that is not negative. ``Worker/run()`` checks it first.
        /// - Throws: ``Worker/ConfigurationError`` naming the setting.
        public func validate() throws(Worker.ConfigurationError) {
            func fail(_ message: String) -> Worker.ConfigurationError { Worker.ConfigurationError(message) }
            guard lease >= Self.minimumLease else {
                throw fail("the lease must be at least \(DurationParser.format(Self.minimumLease)) (got \(DurationParser.format(lease)))")
            }
            guard heartbeatInterval > .zero, heartbeatInterval <= lease / 2 else {
                throw fail("the heartbeat interval must be positive and at most half the lease (\(DurationParser.format(lease)))")
            }
            guard reaperInterval > .zero else { throw fail("the reaper interval must be positive") }
            guard pollInterval > .zero else { throw fail("the poll interval must be positive") }
            guard shutdownGracePeriod >= .zero else { throw fail("the shutdown grace period must not be negative") }
            guard capabilities.count <= FleetNames.maxCapabilities else { throw fail("at most \(FleetNames.maxCapabilities) capabilities") }
            if let problem = capabilities.sorted().lazy.compactMap(FleetNames.capabilityProblem).first { throw fail(problem) }
            guard labels.count <= FleetNames.maxLabels else { throw fail("at most \(FleetNames.maxLabels) labels") }
            if let problem = labels.sorted(by: { $0.key < $1.key }).lazy.compactMap({ FleetNames.labelProblem(key: $0.key, value: $0.value) }).first {
                throw fail(problem)
            }
            guard workerRetention > heartbeatInterval * 3 else { throw fail("the worker retention must be longer than three heartbeat intervals") }
        }

        /// What the worker tells the registry about itself when it runs `load` attempts.
        func announcement(load: Int) -> WorkerAnnouncement {
            WorkerAnnouncement(
                id: workerID, queue: queue, capabilities: capabilities, labels: labels, seats: concurrency, load: load,
                heartbeatInterval: heartbeatInterval
            )
        }

        /// The lease of an attempt whose claim or renewal was sent at `requestedAt`: its effects must
        /// have stopped a safety margin (a tenth of the lease, at most 1 second) before the earliest
        /// moment the store could see the lease expire.
        func attemptLease(requestedAt: ContinuousClock.Instant) -> AttemptLease {
            let margin = min(.seconds(1), lease / 10)
            return AttemptLease(deadline: requestedAt + lease - margin, slack: lease - margin - heartbeatInterval)
        }

        /// `host-pid-xxxx`, unique enough to tell workers apart in leases and logs.
        public static func defaultWorkerID() -> String {
            let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
            return "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
        }
    }
}
