import Foundation
import GRDB
@_spi(JobStoreImplementation) public import JobCore

extension SQLiteJobStore {
    public func list(_ filter: JobFilter, page: JobPage) async throws -> JobListing {
        guard page.limit > 0 else { throw JobStoreError(.invalidArgument, "the page limit must be positive") }
        while true {
            let (rows, corrupt) = try await read { db -> ([JobRecord], [(Int64, String)]) in
                var (sql, arguments) = Self.whereClause(filter)
                if let after = page.after {
                    sql += page.order == .oldestFirst ? " AND id > ?" : " AND id < ?"
                    arguments += [after.rawValue]
                }
                sql += " ORDER BY id \(page.order == .oldestFirst ? "ASC" : "DESC") LIMIT ?"
                arguments += [page.limit + 1]
                var records: [JobRecord] = []
                var corrupt: [(Int64, String)] = []
                for row in try Row.fetchAll(db, sql: "SELECT rowid, \(SQLiteSchema.jobColumns) FROM jobs" + sql, arguments: arguments) {
                    switch SQLiteJobRows.decode(row) {
                    case .record(let record): records.append(record)
                    case .corrupt(let rowID, let reason): corrupt.append((rowID, reason))
                    case .missing: break
                    }
                }
                return (records, corrupt)
            }
            if corrupt.isEmpty {
                let jobs = Array(rows.prefix(page.limit))
                return JobListing(jobs: jobs, nextCursor: rows.count > page.limit ? jobs.last?.id : nil)
            }
            // Quarantine what cannot be decoded (never skip it silently), then list again.
            try await write { db, now in
                for (rowID, reason) in corrupt {
                    let row = try Row.fetchOne(db, sql: "SELECT rowid, \(SQLiteSchema.jobColumns) FROM jobs WHERE rowid = ?", arguments: [rowID])
                    if let row, case .corrupt = SQLiteJobRows.decode(row) { try self.quarantine(db, rowID: rowID, reason: reason, now: now) }
                }
            }
        }
    }

    public func count(_ filter: JobFilter) async throws -> Int {
        try await read { db in
            let (sql, arguments) = Self.whereClause(filter)
            return try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM jobs" + sql), arguments: arguments) ?? 0
        }
    }

    static func whereClause(_ filter: JobFilter) -> (String, StatementArguments) {
        var sql = " WHERE 1 = 1"
        var arguments = StatementArguments()
        if let states = filter.states {
            // Literal state names (a closed set of identifiers) let SQLite use the partial indexes.
            let names = states.sorted().map { "'\($0.rawValue)'" }
            sql += " AND state IN (\(names.isEmpty ? "NULL" : names.joined(separator: ", ")))"
        }
        if let key = filter.key { sql += " AND key = ?"; arguments += [key] }
        if let kind = filter.kind { sql += " AND kind = ?"; arguments += [kind] }
        if let queue = filter.queue { sql += " AND queue = ?"; arguments += [queue] }
        if let dueBy = filter.dueBy { sql += " AND run_at <= ?"; arguments += [SQLiteJobCodec.micros(dueBy)] }
        if let parent = filter.parent { sql += " AND parent_id = ?"; arguments += [parent.rawValue] }
        return (sql, arguments)
    }

    public func health(_ thresholds: HealthThresholds) async throws -> JobStoreHealth {
        let now = clock.now
        return try await read { db in
            // One pass over the jobs: counts by queue and state, and each queue's due jobs.
            let tallies = try Row.fetchAll(db, sql: """
                SELECT queue, state, COUNT(*), SUM(state = 'queued' AND run_at <= ?1),
                       MIN(CASE WHEN state = 'queued' AND run_at <= ?1 THEN run_at END)
                FROM jobs GROUP BY queue, state
                """, arguments: [SQLiteJobCodec.micros(now)]
            ).compactMap { row -> HealthTally? in
                guard let queue: String = row[0], let text: String = row[1], let state = JobState(rawValue: text) else { return nil }
                let oldest: Int64? = row[4]
                return HealthTally(queue: queue, state: state, count: row[2], due: row[3] ?? 0, oldestDue: oldest.map(SQLiteJobCodec.date))
            }
            let oldest = try Row.fetchAll(
                db, sql: "SELECT id, started_at FROM jobs WHERE state = 'running' ORDER BY started_at, id LIMIT ?",
                arguments: [thresholds.maxListedJobs + 1]
            ).compactMap { row -> (id: JobID, startedAt: Date)? in
                guard let id: String = row[0], let started: Int64 = row[1] else { return nil }
                return (JobID(id), SQLiteJobCodec.date(started))
            }
            let workers = try Row.fetchAll(db, sql: "SELECT \(SQLiteWorkerRows.columns) FROM workers").map {
                SQLiteWorkerRows.record($0, now: now)
            }
            var holders: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT lease_holder, COUNT(*) FROM jobs WHERE state = 'running' GROUP BY lease_holder") {
                if let holder: String = row[0] { holders[holder] = row[1] }
            }
            return thresholds.snapshot(now: now, tallies: tallies, oldestRunning: oldest, workers: workers, leaseHolders: holders)
        }
    }
}
