import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif
@_spi(JobStoreImplementation) public import JobCore
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
    @_spi(JobStoreImplementation) public let signal: JobSignal
    /// Wakes workers of other processes on this host (`Configuration/crossProcessWakeUp`).
    let wakeFile: SQLiteWakeFile
    /// Concurrent enqueues share a transaction (group commit).
    let enqueues = EnqueueCombiner()
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let clock: any WallClock
    let configuration: Configuration
    let logger: Logger

    public var maxLogBytes: Int { configuration.maxLogBytes }

    /// Opens (creating if needed, with its parent directory, 0600 and 0700) and migrates a store.
    /// - Parameters:
    ///   - path: the database file.
    ///   - configuration: how the file is opened and used. Defaults to ``Configuration/init(busyTimeout:maxLogBytes:fullSync:maximumReaderCount:cacheSizeMiB:)``.
    ///   - clock: the source of time. Defaults to the system clock.
    ///   - logger: where quarantined records are reported. Defaults to `jobcore.sqlite`.
    /// - Throws: `JobStoreError` with `unavailable` when the file cannot be opened or migrated,
    ///   `unsupported` when a newer build of JobCore migrated it to a schema this one does not know.
    public init(
        path: String, configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "jobcore.sqlite")
    ) throws {
        self.path = path
        let wakeFile = SQLiteWakeFile(databasePath: path, enabled: configuration.crossProcessWakeUp)
        self.wakeFile = wakeFile
        signal = JobSignal(prepare: { signal in wakeFile.watch(signal) })
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
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Self.createPrivateFile(at: path)
            pool = try DatabasePool(path: path, configuration: config)
            try pool.read { db in try SQLiteSchema.refuseNewerSchema(db, path: path) }
            do {
                try SQLiteSchema.migrator.migrate(pool)
            } catch {
                // Another process may have migrated the file at the same moment: try once more.
                try SQLiteSchema.migrator.migrate(pool)
            }
        } catch let error as JobStoreError {
            throw error
        } catch {
            throw JobStoreError(.unavailable, "cannot open the SQLite store at \(path): \(error)")
        }
    }

    deinit {
        wakeFile.unwatch(signal)
    }

    /// Wakes the workers waiting for jobs, in this process and in the others on this host.
    func wakeWorkers() {
        signal.notify()
        wakeFile.post()
    }

    /// Creates the database file, readable and writable by its owner only (0600), unless it
    /// exists. It holds job output and environment values; SQLite gives its `-wal` and `-shm`
    /// files the same mode.
    private static func createPrivateFile(at path: String) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            _ = close(descriptor)
        } else if errno != EEXIST {
            throw JobStoreError(.unavailable, "cannot create the SQLite store at \(path): \(String(cString: strerror(errno)))")
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
            throw JobLifecycle.quarantined(corrupt.id, reason: corrupt.reason)
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

    /// Enqueues in one transaction; concurrent calls share it (group commit: `EnqueueCombiner`).
    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult] {
        guard EnqueueCombiner.canCombine(jobs) else { return try await enqueueAlone(jobs) }
        return try await enqueues.enqueue(jobs) { try await self.enqueueAlone($0) }
    }

    private func enqueueAlone(_ jobs: [NewJob]) async throws -> [EnqueueResult] {
        let (results, wake) = try await write { db, now in
            var wake = false
            let ids = jobs.map { _ in JobID.make(at: now) }
            let jobs = try JobLifecycle.resolveEarlierEntries(jobs, ids: ids)
            let children = JobLifecycle.batchChildCounts(jobs)
            let changes = try jobs.indices.map { index throws(JobStoreError) in
                try JobLifecycle.enqueue(jobs[index], id: ids[index], now: now, children: children[index])
            }
            let batch = Set(ids)
            let lookup = try db.cachedStatement(sql: "SELECT id FROM jobs WHERE idempotency_key = ?")
            let results = try jobs.indices.map { index -> EnqueueResult in
                let (job, change) = (jobs[index], changes[index])
                if let key = change.after.idempotencyKey, let existing = try String.fetchOne(lookup, arguments: [key]) {
                    return EnqueueResult(job: try SQLiteJobRows.require(db, JobID(existing)), created: false)
                }
                if job.options.dependsOn.isEmpty, job.parent == nil {
                    wake = try SQLiteJobRows.apply(db, change, now: now) || wake
                    return EnqueueResult(job: change.after, created: true)
                }
                let parentInBatch = job.parent.map { batch.contains($0.id) } ?? false
                let (written, claimable) = try SQLiteJobRows.enqueue(
                    db, job, id: change.after.id, now: now, children: children[index], parentInBatch: parentInBatch
                )
                wake = claimable || wake
                return EnqueueResult(job: try SQLiteJobRows.fetch(db, written.after.id).record ?? written.after, created: true)
            }
            return (results, wake)
        }
        if wake { wakeWorkers() }
        return results
    }

    public func purge(_ ids: [JobID]) async throws -> Int {
        let (count, wake) = try await write { db, now in
            let unique = Array(Set(ids))
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM jobs WHERE id = ?")
            for id in ids where try Int.fetchOne(exists, arguments: [id.rawValue]) == nil { throw JobStoreError.notFound(id) }
            var wake = false
            for id in unique { wake = try SQLiteJobRows.delete(db, id, now: now) || wake }
            return (unique.count, wake)
        }
        if wake { wakeWorkers() }
        return count
    }

    public func purge(states: Set<JobState>) async throws -> Int {
        let (total, wake) = try await write { db, now in
            var total = 0
            var wake = false
            for state in states {
                let ids = try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE state = '\(state.rawValue)'")
                for id in ids { wake = try SQLiteJobRows.delete(db, JobID(id), now: now) || wake }
                total += ids.count
            }
            return (total, wake)
        }
        if wake { wakeWorkers() }
        return total
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

    /// The record, runs and children's counts in one read transaction.
    public func detail(_ id: JobID) async throws -> JobDetail {
        let read = try await read { db -> (SQLiteJobRows.Fetched, [JobRun], [JobState: Int]) in
            let fetched = try SQLiteJobRows.fetch(db, id)
            guard case .record = fetched else { return (fetched, [], [:]) }
            let runs = try Self.runs(db, id)
            var counts: [JobState: Int] = [:]
            let statement = try db.cachedStatement(sql: "SELECT state, COUNT(*) FROM jobs WHERE parent_id = ? GROUP BY state")
            for row in try Row.fetchAll(statement, arguments: [id.rawValue]) {
                if let state = (row[0] as String?).flatMap(JobState.init(rawValue:)) { counts[state] = row[1] }
            }
            return (fetched, runs, counts)
        }
        switch read.0 {
        case .record(let record): return JobDetail(record: record, runs: read.1, childCounts: read.2)
        case .missing: throw JobStoreError.notFound(id)
        case .corrupt: _ = try await job(id); throw JobStoreError.notFound(id)  // job(_:) quarantines and throws
        }
    }

    public func runs(of id: JobID) async throws -> [JobRun] {
        try await read { db in
            try Self.requireExists(db, id)
            return try Self.runs(db, id)
        }
    }

    /// A job's runs, oldest first.
    static func runs(_ db: Database, _ id: JobID) throws -> [JobRun] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM job_runs WHERE job_id = ? ORDER BY epoch"), arguments: [id.rawValue])
            .compactMap(SQLiteJobCodec.run)
    }

    public func events(of id: JobID, after sequence: Int64?, limit: Int) async throws -> [JobEvent] {
        try await read { db in
            try Self.requireExists(db, id)
            return try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM job_events WHERE job_id = ? AND sequence > ? ORDER BY sequence LIMIT ?"),
                arguments: [id.rawValue, sequence ?? 0, Int64(clamping: limit)]
            ).compactMap(SQLiteJobCodec.event)
        }
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
}
