import Foundation
import GRDB
public import JobCore
public import Logging

/// The embedded default `JobStore`: one SQLite file (WAL mode) that several processes may
/// share, e.g. `jobctl enqueue` beside a running `jobctl worker`.
///
/// Every write runs in an IMMEDIATE transaction, so a claim reads the per-key running counts
/// and takes its jobs while holding the file's write lock: limits hold across processes.
/// Other processes' writers wait up to ``Configuration/busyTimeout``. Blocking SQLite calls run
/// on GRDB's own dispatch queues, never on Swift's cooperative pool. As a `Service`, its
/// `run()` has no background work: it waits for shutdown.
public final class SQLiteJobStore: JobStore {
    public let signal = JobSignal()
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let clock: any WallClock
    let configuration: Configuration
    let logger: Logger

    public var maxLogBytes: Int { configuration.maxLogBytes }

    /// Opens (creating if needed, with its parent directory) and migrates a store.
    /// - Parameters:
    ///   - path: the database file.
    ///   - clock: the source of time. Defaults to the system clock.
    ///   - configuration: how the file is opened and used.
    ///   - logger: where quarantined records are reported.
    /// - Throws: `JobStoreError` with `unavailable` when the file cannot be opened or migrated.
    public init(path: String, clock: any WallClock = SystemClock(), configuration: Configuration = Configuration(), logger: Logger = Logger(label: "jobcore.sqlite")) throws {
        self.path = path
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
        var config = GRDB.Configuration()
        config.busyMode = .timeout(configuration.busyTimeout.timeInterval)
        config.maximumReaderCount = configuration.maximumReaderCount
        config.label = "jobcore.sqlite"
        let synchronous = configuration.fullSync ? "FULL" : "NORMAL"
        let cacheKiB = max(1, configuration.cacheSizeMiB) * 1024
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous); PRAGMA cache_size = -\(cacheKiB)")
        }
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: config)
            do {
                try SQLiteSchema.migrator.migrate(pool)
            } catch {
                // Another process may have migrated the file at the same moment: try once more.
                try SQLiteSchema.migrator.migrate(pool)
            }
        } catch {
            throw JobStoreError(.unavailable, "cannot open the SQLite store at \(path): \(error)")
        }
    }

    /// Runs `body` in an IMMEDIATE transaction with the time read after the lock is held.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database, Date) throws -> T) async throws -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db, self.clock.now)
                    return .commit
                }
                return result!
            }
        } catch let error as JobStoreError {
            throw error
        } catch let corrupt as SQLiteJobRows.CorruptRow {
            try await quarantine(corrupt)
            throw JobStoreError(.corruptRecord, "the stored record cannot be decoded (\(corrupt.reason)); it was moved to quarantine", jobID: corrupt.id)
        } catch {
            throw JobStoreError(.unavailable, "SQLite: \(error)")
        }
    }

    /// Quarantines a row found corrupt, unless it changed meanwhile.
    private func quarantine(_ corrupt: SQLiteJobRows.CorruptRow) async throws {
        _ = try await write { db, now in
            guard case .corrupt(let rowID, let reason) = try SQLiteJobRows.fetch(db, corrupt.id), rowID == corrupt.rowID else { return false }
            return try self.quarantine(db, rowID: rowID, reason: reason, now: now) != nil
        }
    }

    /// Runs `body` on a read connection (a consistent snapshot).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as JobStoreError {
            throw error
        } catch {
            throw JobStoreError(.unavailable, "SQLite: \(error)")
        }
    }

    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult] {
        let (results, wake) = try await write { db, now in
            var wake = false
            let changes = try jobs.map { job throws(JobStoreError) in try JobLifecycle.enqueue(job, id: JobID.make(at: now), now: now) }
            let lookup = try db.cachedStatement(sql: "SELECT id FROM jobs WHERE idempotency_key = ?")
            let results = try changes.map { change -> EnqueueResult in
                if let key = change.after.idempotencyKey, let existing = try String.fetchOne(lookup, arguments: [key]) {
                    return EnqueueResult(job: try SQLiteJobRows.require(db, JobID(existing)), created: false)
                }
                wake = try SQLiteJobRows.apply(db, change, now: now) || wake
                return EnqueueResult(job: change.after, created: true)
            }
            return (results, wake)
        }
        if wake { signal.notify() }
        return results
    }

    public func claim(_ request: ClaimRequest) async throws -> [JobRecord] {
        guard request.limit > 0 else { return [] }
        return try await write { db, now in
            var claim = SQLiteClaim(db: db, request: request, now: now)
            return try claim.pick().compactMap { fetched -> JobRecord? in
                switch fetched {
                case .record(let record):
                    let change = try JobLifecycle.claim(record, workerID: request.workerID, lease: request.lease, now: now)
                    try SQLiteJobRows.apply(db, change, now: now)
                    return change.after
                case .corrupt(let rowID, let reason):
                    try self.quarantine(db, rowID: rowID, reason: reason, now: now)
                    return nil
                case .missing:
                    return nil
                }
            }
        }
    }

    public func heartbeat(_ beats: [JobHeartbeat], workerID: String, lease: Duration) async throws -> [HeartbeatStatus] {
        try await write { db, now in
            try beats.map { beat -> HeartbeatStatus in
                guard case .record(let record) = try SQLiteJobRows.fetch(db, beat.id) else { return .gone }
                guard let change = try? JobLifecycle.heartbeat(record, beat, lease: lease, now: now) else { return .lost }
                try SQLiteJobRows.apply(db, change, now: now)
                return record.cancelRequested ? .cancelRequested(reason: record.cancelReason) : .renewed
            }
        }
    }

    public func finish(_ reports: [JobFinish]) async throws -> [Result<JobRecord, JobStoreError>] {
        let (results, wake) = try await write { db, now in
            var wake = false
            let results = try reports.map { report -> Result<JobRecord, JobStoreError> in
                do {
                    let change = try JobLifecycle.finish(try SQLiteJobRows.require(db, report.id), report, now: now)
                    wake = try SQLiteJobRows.apply(db, change, now: now) || wake
                    return .success(change.after)
                } catch let error as JobStoreError {
                    return .failure(error)
                } catch let corrupt as SQLiteJobRows.CorruptRow {
                    try self.quarantine(db, rowID: corrupt.rowID, reason: corrupt.reason, now: now)
                    return .failure(JobStoreError(.corruptRecord, "the stored record cannot be decoded (\(corrupt.reason)); it was moved to quarantine", jobID: corrupt.id))
                }
            }
            return (results, wake)
        }
        if wake { signal.notify() }
        return results
    }

    @discardableResult
    public func cancel(_ id: JobID, reason: String?) async throws -> JobRecord {
        try await transition(id) { record, now throws(JobStoreError) in try JobLifecycle.cancel(record, now: now, reason: reason) }
    }

    @discardableResult
    public func retry(_ id: JobID) async throws -> JobRecord {
        try await transition(id) { record, now throws(JobStoreError) in try JobLifecycle.retry(record, now: now) }
    }

    public func purge(_ ids: [JobID]) async throws -> Int {
        try await write { db, _ in
            let unique = Array(Set(ids))
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM jobs WHERE id = ?")
            for id in ids where try Int.fetchOne(exists, arguments: [id.rawValue]) == nil { throw JobStoreError.notFound(id) }
            try unique.forEach { try SQLiteJobRows.delete(db, $0) }
            return unique.count
        }
    }

    public func purge(states: Set<JobState>) async throws -> Int {
        try await write { db, _ in
            var total = 0
            for state in states {
                let ids = try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE state = '\(state.rawValue)'")
                try ids.forEach { try SQLiteJobRows.delete(db, JobID($0)) }
                total += ids.count
            }
            return total
        }
    }

    public func job(_ id: JobID) async throws -> JobRecord {
        switch try await read({ db in try SQLiteJobRows.fetch(db, id) }) {
        case .record(let record): return record
        case .missing: throw JobStoreError.notFound(id)
        case .corrupt:
            // Quarantine it under the write lock (and report it as corrupt).
            return try await write { db, _ in try SQLiteJobRows.require(db, id) }
        }
    }

    public func runs(of id: JobID) async throws -> [JobRun] {
        try await read { db in
            try Self.requireExists(db, id)
            return try Row.fetchAll(db, sql: "SELECT * FROM job_runs WHERE job_id = ? ORDER BY epoch", arguments: [id.rawValue])
                .compactMap(SQLiteJobCodec.run)
        }
    }

    public func events(of id: JobID, after sequence: Int64?, limit: Int) async throws -> [JobEvent] {
        try await read { db in
            try Self.requireExists(db, id)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM job_events WHERE job_id = ? AND sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [id.rawValue, sequence ?? 0, Int64(clamping: limit)]
            ).compactMap(SQLiteJobCodec.event)
        }
    }

    public func reapExpiredLeases(limit: Int) async throws -> [JobRecord] {
        let (reaped, wake) = try await write { db, now in
            var wake = false
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM jobs WHERE state = 'running' AND lease_expires_at < ? ORDER BY lease_expires_at, id LIMIT ?",
                arguments: [SQLiteJobCodec.micros(now), Int64(clamping: limit)]
            )
            let reaped = try ids.compactMap { id -> JobRecord? in
                guard case .record(let record) = try SQLiteJobRows.fetch(db, JobID(id)),
                      let change = try? JobLifecycle.expireLease(record, now: now) else { return nil }
                wake = try SQLiteJobRows.apply(db, change, now: now) || wake
                return change.after
            }
            return (reaped, wake)
        }
        if wake { signal.notify() }
        return reaped
    }

    static func requireExists(_ db: Database, _ id: JobID) throws {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM jobs WHERE id = ?")
        guard try Int.fetchOne(statement, arguments: [id.rawValue]) != nil else { throw JobStoreError.notFound(id) }
    }

    @discardableResult
    func quarantine(_ db: Database, rowID: Int64, reason: String, now: Date) throws -> QuarantinedJob? {
        let entry = try SQLiteJobRows.quarantine(db, rowID: rowID, reason: reason, now: now)
        if let entry {
            logger.warning("job record quarantined", metadata: ["job.id": "\(entry.id)", "reason": "\(reason)", "store": "\(path)"])
        }
        return entry
    }

    private func transition(_ id: JobID, _ make: @escaping @Sendable (JobRecord, Date) throws(JobStoreError) -> JobChange) async throws -> JobRecord {
        let (record, wake) = try await write { db, now in
            let change = try make(try SQLiteJobRows.require(db, id), now)
            return (change.after, try SQLiteJobRows.apply(db, change, now: now))
        }
        if wake { signal.notify() }
        return record
    }
}
