import Foundation
import GRDB
@_spi(JobStoreImplementation) public import JobCore

/// What workers call: claims, heartbeats, the ends of attempts, transitions and the reaper,
/// each one IMMEDIATE transaction.
@_spi(JobStoreImplementation)
extension SQLiteJobStore {
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
                let (status, change) = JobLifecycle.heartbeat(try SQLiteJobRows.fetch(db, beat.id).record, beat, lease: lease, now: now)
                if let change { try SQLiteJobRows.apply(db, change, now: now) }
                return status
            }
        }
    }

    public func finish(_ reports: [JobFinish]) async throws -> [Result<JobRecord, JobStoreError>] {
        let (results, wake) = try await write { db, now in
            var wake = false
            // One statement reads the batch; a job written meanwhile in this transaction (a
            // repeated report, a parent whose child ended just before) is read again.
            let fetched = try SQLiteJobRows.fetch(db, reports.map(\.id))
            var written = Set<JobID>()
            let results = try reports.map { report -> Result<JobRecord, JobStoreError> in
                do {
                    var row = fetched[report.id] ?? .missing
                    if written.contains(report.id) || (row.record?.pendingChildren ?? 0) > 0 { row = try SQLiteJobRows.fetch(db, report.id) }
                    let change = try JobLifecycle.finish(try SQLiteJobRows.require(row, report.id), report, now: now)
                    written.insert(report.id)
                    wake = try SQLiteJobRows.apply(db, change, now: now) || wake
                    return .success(change.after)
                } catch let error as JobStoreError {
                    return .failure(error)
                } catch let corrupt as SQLiteJobRows.CorruptRow {
                    try self.quarantine(db, rowID: corrupt.rowID, reason: corrupt.reason, now: now)
                    return .failure(JobLifecycle.quarantined(corrupt.id, reason: corrupt.reason))
                }
            }
            return (results, wake)
        }
        if wake { wakeWorkers() }
        return results
    }

    public func transition(_ id: JobID, _ change: @escaping JobLifecycle.Transition) async throws -> JobRecord {
        let (record, wake) = try await write { db, now in
            let record = try SQLiteJobRows.require(db, id)
            let computed = JobLifecycle.rewait(try change(record, now), dependencies: try SQLiteJobRows.dependencies(db, of: record), now: now)
            return (computed.after, try SQLiteJobRows.apply(db, computed, now: now))
        }
        if wake { wakeWorkers() }
        return record
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
        if wake { wakeWorkers() }
        return reaped
    }
}
