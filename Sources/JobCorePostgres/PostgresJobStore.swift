import Foundation
@_spi(JobStoreImplementation) public import JobCore
public import Logging
import NIOCore
public import PostgresNIO
import ServiceLifecycle
import Synchronization

/// A `JobStore` on PostgreSQL, shared by worker processes on any number of machines.
///
/// Claims are one statement with `FOR UPDATE SKIP LOCKED`, and per-key limits are enforced by
/// a per-key counter row that each claim updates against its latest committed version, so the
/// limits hold atomically across every worker (see `PostgresClaim`). Other transitions are
/// computed by `JobLifecycle` on rows locked in id order and written in one statement per batch.
/// Queries use bound parameters only; the tables live in ``Configuration/schema``.
///
/// The store is a swift-service-lifecycle `Service`: ``run()`` runs what works in the
/// background — the `PostgresClient` when the store created it, the `LISTEN` connection that
/// wakes idle workers when another process enqueues, and retention. Run it beside the workers:
/// <!-- sample: context=logger,handlers -->
/// ```swift
/// let store = try PostgresJobStore(url: "postgres://jobcore:secret@db/jobcore")
/// let worker = Worker(store: store, handlers: handlers)
/// let group = ServiceGroup(services: [store, worker], logger: logger)
/// try await group.run()
/// ```
/// Times — lease expiry, run-at, timestamps — follow the PostgreSQL server's clock by default
/// (``PostgresServerClock``: the local clock plus a measured offset, no round trip per
/// transaction), so that a machine whose clock is wrong cannot expire another's lease early. An
/// injected clock (a `ManualClock` in tests, or `SystemClock()` for the local clock) is used
/// as it is.
///
/// Opening a store connects nothing. The first operation (or ``connect()``) opens one connection
/// of its own, bounded by ``Configuration/connectTimeout``, before the pool is used, so that a
/// wrong password, a closed port, a missing database or a TLS mismatch fails within seconds with
/// the cause (``PostgresConnectionError``) rather than after the pool's minute of retries.
public final class PostgresJobStore: JobStore {
    @_spi(JobStoreImplementation) public let signal = JobSignal()
    /// Concurrent enqueues share a transaction (group commit).
    let enqueues = EnqueueCombiner()
    /// How the store lays out and maintains its tables.
    public let configuration: Configuration
    /// The client the store queries through.
    public let client: PostgresClient
    let ownsClient: Bool
    let clock: any WallClock
    /// The clock when it follows the server's, which ``run()`` keeps measuring.
    let serverClock: PostgresServerClock?
    /// The first connection of a store opened from a URL (see ``connect()``).
    let probe: PostgresConnectionProbe?
    let logger: Logger
    let tables: PostgresTables
    /// The first connection has been opened (and the server's clock measured).
    let connected = ReadyGate()
    let ready = ReadyGate()
    /// Whether ``run()`` has started the client it owns; operations wait for it, so that the
    /// client never lends a connection before its `run()` runs.
    let clientRunning = Mutex(false)
    let clientStarted = JobSignal()
    /// Fired when the `LISTEN` connection is (re)established.
    let listening = JobSignal()
    let listenerState = Mutex(false)

    public var maxLogBytes: Int { configuration.maxLogBytes }

    /// Creates a store on a client that the caller runs (`client.run()`, e.g. in the same
    /// `ServiceGroup`); ``run()`` then runs only the listener and retention.
    /// - Parameters:
    ///   - client: the connection pool; it needs at least two connections when listening.
    ///   - configuration: schema, retention, wake-ups.
    ///   - clock: the source of time for leases, run-at and timestamps. Defaults to `nil`: the
    ///     server's clock (a ``PostgresServerClock`` on the system clock).
    ///   - logger: where migrations, quarantined records and connection trouble are reported.
    public convenience init(
        client: PostgresClient, configuration: Configuration = Configuration(), clock: (any WallClock)? = nil,
        logger: Logger = Logger(label: "jobcore.postgres")
    ) {
        self.init(client: client, ownsClient: false, probe: nil, configuration: configuration, clock: clock, logger: logger)
    }

    /// Creates a store and its own client from a `postgres://` URL (see ``PostgresStoreURL``);
    /// ``run()`` runs the client. The schema comes from the URL (`?schema=`), else the default.
    /// Nothing is connected yet: see ``connect()``.
    /// - Parameters:
    ///   - url: where the server is, with the role, password, database and options.
    ///   - configuration: how the store behaves; its schema is replaced by the URL's.
    ///   - clock: as in ``init(client:configuration:clock:logger:)``; `nil` (the default)
    ///     follows the server's clock.
    ///   - logger: where migrations, quarantined records and connection trouble are reported.
    /// - Throws: `JobStoreError` with `invalidArgument` for a URL that cannot be used.
    public convenience init(
        url: String, configuration: Configuration = Configuration(), clock: (any WallClock)? = nil,
        logger: Logger = Logger(label: "jobcore.postgres")
    ) throws {
        let location = try PostgresStoreURL(url)
        var configuration = configuration
        configuration.schema = location.schema
        var client = location.client
        client.options.connectTimeout = configuration.connectTimeout
        self.init(
            client: PostgresClient(configuration: client, backgroundLogger: logger), ownsClient: true,
            probe: location.probe(timeout: configuration.connectTimeout), configuration: configuration, clock: clock, logger: logger
        )
    }

    private init(
        client: PostgresClient, ownsClient: Bool, probe: PostgresConnectionProbe?, configuration: Configuration,
        clock: (any WallClock)?, logger: Logger
    ) {
        self.client = client
        self.ownsClient = ownsClient
        self.probe = probe
        self.configuration = configuration
        let clock = clock ?? PostgresServerClock()
        self.clock = clock
        self.serverClock = clock as? PostgresServerClock
        var logger = logger
        logger[metadataKey: "store.schema"] = "\(configuration.schema)"
        self.logger = logger
        self.tables = PostgresTables(configuration.schema)
    }

    /// Runs the client (when the store created it), the `LISTEN` connection for wake-ups,
    /// retention and the measurement of the server's clock, until cancelled or until graceful
    /// shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if self.ownsClient { self.startClient(in: &group) }
                if self.configuration.listen { group.addTask { await self.listenLoop() } }
                if self.configuration.retention.keepFinished != nil { group.addTask { await self.retentionLoop() } }
                if let serverClock = self.serverClock { group.addTask { await self.clockLoop(serverClock) } }
                // Whatever runs above, the service lasts until shutdown.
                group.addTask { try? await gracefulShutdown() }
            }
        }
    }

    /// Applies the migrations this build knows and the schema lacks (see
    /// ``Configuration/migrateAutomatically``).
    /// - Throws: `JobStoreError` (`unavailable`, or `unsupported` when the schema is newer than
    ///   this build).
    public func migrate() async throws {
        try await waitForClient()
        do {
            try await client.withConnection { connection in
                _ = try await PostgresMigrator.migrate(connection, schema: self.configuration.schema, logger: self.logger)
            }
        } catch {
            throw PostgresTransaction.storeError(error)
        }
    }

    // MARK: - Connections

    /// Connects (see ``connect()``) and migrates (when ``Configuration/migrateAutomatically``),
    /// once; then waits, if need be, for ``run()`` to start the client it owns.
    /// - Throws: `JobStoreError`.
    func prepare() async throws {
        do {
            try await connect()
        } catch {
            throw Self.storeError(error)
        }
        try await waitForClient()
        guard configuration.migrateAutomatically, !ready.isReady else { return }
        try await ready.ensure { try await self.migrate() }
    }

    /// Runs `body` on a pooled connection (autocommit), for reads; a statement aborted by a
    /// deadlock or a serialization failure is run again.
    ///
    /// Writes always use ``transaction(_:)``: in autocommit mode the server reports a statement
    /// complete before it commits it, so a crash right then would lose a write the caller was
    /// told succeeded. The answer to an explicit `COMMIT` comes after the commit is durable.
    func connection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await prepare()
        var retries = 0
        while true {
            do {
                return try await client.withConnection { connection in try await body(connection) }
            } catch {
                if PostgresTransaction.isTransient(error), retries < configuration.transientRetries {
                    retries += 1
                    continue
                }
                throw PostgresTransaction.storeError(error)
            }
        }
    }

    /// Runs `body` in a transaction with the time read after `BEGIN`; retries deadlocks and
    /// serialization failures; quarantines a row found undecodable (after rolling back).
    func transaction<T: Sendable>(_ body: (PostgresConnection, Date) async throws -> T) async throws -> T {
        try await prepare()
        var retries = 0
        while true {
            do {
                return try await client.withConnection { connection in
                    try await PostgresTransaction.run(on: connection, logger: self.logger) { connection in
                        try await body(connection, self.clock.now)
                    }
                }
            } catch let corrupt as PostgresJobRows.CorruptRow {
                try await quarantine(corrupt)
                throw JobLifecycle.quarantined(corrupt.id, reason: corrupt.reason)
            } catch {
                if PostgresTransaction.isTransient(error), retries < configuration.transientRetries {
                    retries += 1
                    continue
                }
                throw PostgresTransaction.storeError(error)
            }
        }
    }

    // MARK: - JobStore

    /// Enqueues in one transaction; concurrent calls share it (group commit: `EnqueueCombiner`).
    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult] {
        guard !jobs.isEmpty else { return [] }
        guard EnqueueCombiner.canCombine(jobs) else { return try await enqueueAlone(jobs) }
        return try await enqueues.enqueue(jobs) { try await self.enqueueAlone($0) }
    }

    private func enqueueAlone(_ jobs: [NewJob]) async throws -> [EnqueueResult] {
        // Connected first, so that the time follows the server's clock from the first job on.
        try await prepare()
        let now = clock.now
        let ids = jobs.map { _ in JobID.make(at: now) }
        let jobs = try JobLifecycle.resolveEarlierEntries(jobs, ids: ids)
        let children = JobLifecycle.batchChildCounts(jobs)
        let changes = try jobs.indices.map { index throws(JobStoreError) in
            try JobLifecycle.enqueue(jobs[index], id: ids[index], now: now, children: children[index])
        }
        let results = try await transaction { connection, _ in
            let parents = try await self.storedParents(of: jobs, batch: Set(ids), on: connection, now: now)
            let changes = try await self.withDependencies(changes, of: jobs, children: children, on: connection, now: now)
            var results = try await PostgresEnqueue(changes: changes, tables: self.tables, channel: self.configuration.schema.channel)
                .run(on: connection, now: now, logger: self.logger)
            let created = Set(results.filter(\.created).map(\.job.id))
            // Jobs of the batch that changed after they were written (the parent of a child that ended at once).
            let changed = try await self.link(changes.filter { created.contains($0.after.id) }, of: jobs, parents: parents, on: connection, now: now)
            results = results.map { result in
                guard result.created, let record = changed[result.job.id] else { return result }
                return EnqueueResult(job: record, created: true)
            }
            return results
        }
        if results.contains(where: \.created) { signal.notify() }
        return results
    }
}
