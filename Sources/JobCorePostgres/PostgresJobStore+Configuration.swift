@_spi(JobStoreImplementation) import JobCore

extension PostgresJobStore {
    /// How the PostgreSQL store lays out and maintains its tables.
    public struct Configuration: Sendable {
        /// The schema that holds the store's tables; several independent stores can share a
        /// database in different schemas. Defaults to `jobcore`.
        public var schema: PostgresSchemaName
        /// The most output bytes kept per job. Defaults to 1 MiB.
        public var maxLogBytes: Int
        /// Apply missing migrations before the first operation (once per store instance, under an
        /// advisory lock, so processes starting together do not race). With `false`, call
        /// ``PostgresJobStore/migrate()`` yourself, e.g. from a deploy step. Defaults to `true`.
        public var migrateAutomatically: Bool
        /// Listen for `NOTIFY` wake-ups while ``PostgresJobStore/run()`` runs, so idle workers
        /// pick up jobs enqueued by other processes at once; polling remains the fallback.
        /// Defaults to `true`.
        public var listen: Bool
        /// How long the listener waits before reconnecting after losing its connection.
        /// Defaults to 500 milliseconds.
        public var listenRetryDelay: Duration
        /// What happens to finished jobs. Defaults to ``Retention/init(deleteSucceeded:keepFinished:interval:batchSize:)``.
        public var retention: Retention
        /// Queued jobs a claim examines in claim order, beyond twice its limit, before it falls
        /// back to visiting each concurrency key (when the head of the queue belongs to keys at
        /// their limit); see `JobLifecycle.claimScanBound(limit:base:)`. Defaults to 64.
        public var claimScan: Int
        /// How often a transaction aborted by a deadlock or serialization failure is tried again.
        /// Defaults to 5.
        public var transientRetries: Int
        /// The bound on opening a connection — TCP connect, TLS, authentication, startup — for
        /// the first connection a store opened from a URL makes (see
        /// ``PostgresJobStore/connect()``) and for its pool's connections. Defaults to 5 seconds.
        public var connectTimeout: Duration

        /// Creates a configuration; every parameter has the documented default.
        public init(
            schema: PostgresSchemaName = PostgresJobStore.defaultSchema,
            maxLogBytes: Int = 1 << 20,
            migrateAutomatically: Bool = true,
            listen: Bool = true,
            listenRetryDelay: Duration = .milliseconds(500),
            retention: Retention = Retention(),
            claimScan: Int? = nil,
            transientRetries: Int = 5,
            connectTimeout: Duration = .seconds(5)
        ) {
            self.schema = schema
            self.maxLogBytes = maxLogBytes
            self.migrateAutomatically = migrateAutomatically
            self.listen = listen
            self.listenRetryDelay = listenRetryDelay
            self.retention = retention
            self.claimScan = max(16, claimScan ?? JobLifecycle.claimScanBase)
            self.transientRetries = max(0, transientRetries)
            self.connectTimeout = max(connectTimeout, .milliseconds(100))
        }
    }

    /// What happens to finished jobs, so the table stays small on a busy queue.
    public struct Retention: Sendable, Hashable {
        /// Delete a job, with its runs, events and log, in the same transaction that records its
        /// success, instead of keeping it. Failed and cancelled jobs are kept (see
        /// ``keepFinished``). The idempotency key of a deleted job is free again. Defaults to
        /// `false`.
        public var deleteSucceeded: Bool
        /// Delete finished jobs (succeeded, failed, cancelled) this long after they finished,
        /// while ``PostgresJobStore/run()`` runs; `nil` keeps them until purged.
        /// Defaults to 7 days.
        public var keepFinished: Duration?
        /// How often ``PostgresJobStore/run()`` deletes expired jobs. Defaults to 1 minute.
        public var interval: Duration
        /// Jobs deleted per transaction, so retention never holds locks for long.
        /// Defaults to 1,000.
        public var batchSize: Int

        /// Creates a retention policy; every parameter has the documented default.
        public init(
            deleteSucceeded: Bool = false, keepFinished: Duration? = .seconds(7 * 24 * 3600),
            interval: Duration = .seconds(60), batchSize: Int = 1000
        ) {
            self.deleteSucceeded = deleteSucceeded
            self.keepFinished = keepFinished
            self.interval = interval
            self.batchSize = max(1, batchSize)
        }
    }

    /// The schema used when none is given: `jobcore`.
    public static var defaultSchema: PostgresSchemaName { PostgresSchemaName(valid: "jobcore") }
}
