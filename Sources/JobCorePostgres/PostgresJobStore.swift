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
/// Times come from the injected clock (as in every store), so machines sharing a store should
/// keep their clocks synchronised (NTP) well within a lease.
public final class PostgresJobStore: JobStore {
    @_spi(JobStoreImplementation) public let signal = JobSignal()
    /// How the store lays out and maintains its tables.
    public let configuration: Configuration
    /// The client the store queries through.
    public let client: PostgresClient
    let ownsClient: Bool
    let clock: any WallClock
    let logger: Logger
    let tables: PostgresTables
    let ready = ReadyGate()
    /// Fired when the `LISTEN` connection is (re)established.
    let listening = JobSignal()
    let listenerState = Mutex(false)

    public var maxLogBytes: Int { configuration.maxLogBytes }

    /// Creates a store on a client that the caller runs (`client.run()`, e.g. in the same
    /// `ServiceGroup`); ``run()`` then runs only the listener and retention.
    /// - Parameters:
    ///   - client: the connection pool; it needs at least two connections when listening.
    ///   - configuration: schema, retention, wake-ups.
    ///   - clock: the source of time for leases, run-at and timestamps. Defaults to the system clock.
    ///   - logger: where migrations, quarantined records and connection trouble are reported.
    public convenience init(
        client: PostgresClient, configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "jobcore.postgres")
    ) {
        self.init(client: client, ownsClient: false, configuration: configuration, clock: clock, logger: logger)
    }

    /// Creates a store and its own client from a `postgres://` URL (see ``PostgresStoreURL``);
    /// ``run()`` runs the client. The schema comes from the URL (`?schema=`), else the default.
    /// - Throws: `JobStoreError` with `invalidArgument` for a URL that cannot be used.
    public convenience init(
        url: String, configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "jobcore.postgres")
    ) throws {
        let location = try PostgresStoreURL(url)
        var configuration = configuration
        configuration.schema = location.schema
        self.init(
            client: PostgresClient(configuration: location.client, backgroundLogger: logger), ownsClient: true,
            configuration: configuration, clock: clock, logger: logger
        )
    }

    private init(client: PostgresClient, ownsClient: Bool, configuration: Configuration, clock: any WallClock, logger: Logger) {
        self.client = client
        self.ownsClient = ownsClient
        self.configuration = configuration
        self.clock = clock
        var logger = logger
        logger[metadataKey: "store.schema"] = "\(configuration.schema)"
        self.logger = logger
        self.tables = PostgresTables(configuration.schema)
    }

    /// Runs the client (when the store created it), the `LISTEN` connection for wake-ups and
    /// retention, until cancelled or until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if self.ownsClient { group.addTask { await self.client.run() } }
                if self.configuration.listen { group.addTask { await self.listenLoop() } }
                if self.configuration.retention.keepFinished != nil { group.addTask { await self.retentionLoop() } }
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
        do {
            try await client.withConnection { connection in
                _ = try await PostgresMigrator.migrate(connection, schema: self.configuration.schema, logger: self.logger)
            }
        } catch {
            throw PostgresTransaction.storeError(error)
        }
    }

    // MARK: - Connections

    private func prepare() async throws {
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

    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult] {
        guard !jobs.isEmpty else { return [] }
        let now = clock.now
        let changes = try jobs.map { job throws(JobStoreError) in try JobLifecycle.enqueue(job, id: JobID.make(at: now), now: now) }
        let results = try await transaction { connection, _ in
            try await PostgresEnqueue(changes: changes, tables: self.tables, channel: self.configuration.schema.channel)
                .run(on: connection, now: now, logger: self.logger)
        }
        if results.contains(where: \.created) { signal.notify() }
        return results
    }
}
