import Foundation
import GRDB
@_spi(JobStoreImplementation) import JobCore

/// Picks the jobs a claim takes, inside the claim's IMMEDIATE transaction.
///
/// First a bounded walk of the claim index in claim order (`JobLifecycle.ClaimOrder`), deciding
/// job by job with `JobLifecycle.ClaimScan`: cheap whatever the queue depth when most keys are
/// free. A walk that reaches its bound returns what it found so far (a claim takes *up to* its
/// limit, still in claim order). Only when the walk met nothing but busy keys (a deep queue
/// behind a few busy keys) does the claim visit each key with queued jobs once (an index
/// skip-scan) and take the heads of the free ones, so its cost depends on the number of keys,
/// never on queue depth.
struct SQLiteClaim {
    let db: Database
    let request: ClaimRequest
    let now: Int64
    private var running: [String: Int] = [:]

    init(db: Database, request: ClaimRequest, now: Date) {
        self.db = db
        self.request = request
        self.now = SQLiteJobCodec.micros(now)
    }

    /// The jobs to claim, in claim order.
    mutating func pick() throws -> [SQLiteJobRows.Fetched] {
        if let picked = try walk() { return picked }
        let ids = try visitKeys()
        let fetched = try SQLiteJobRows.fetch(db, ids)
        return ids.map { fetched[$0] ?? .missing }
    }

    private mutating func runningCount(_ key: String) throws -> Int {
        if let count = running[key] { return count }
        let statement = try db.cachedStatement(sql: "SELECT running FROM job_keys WHERE key = ?")
        let count = try Int.fetchOne(statement, arguments: [key]) ?? 0
        running[key] = count
        return count
    }

    /// The bounded walk; `nil` when it met only busy keys up to its bound.
    private mutating func walk() throws -> [SQLiteJobRows.Fetched]? {
        let statement = try db.cachedStatement(sql: """
            SELECT rowid, \(SQLiteSchema.jobColumns) FROM jobs
            WHERE queue = ? AND state = 'queued' AND run_at <= ?
            ORDER BY \(JobLifecycle.ClaimOrder.sql())
            """)
        let rows = try Row.fetchCursor(statement, arguments: [request.queue, now])
        var scan = JobLifecycle.ClaimScan(request)
        var picked: [SQLiteJobRows.Fetched] = []
        while !scan.isFull, !scan.reachedBound, let row = try rows.next() {
            // Columns: rowid, id, queue, key, kind, …
            let key: String? = row[3]
            let kind: String? = row[4]
            if try scan.take(kind: kind ?? "", key: key, running: { try runningCount($0) }) {
                picked.append(SQLiteJobRows.decode(row))
            }
        }
        return scan.reachedBound && picked.isEmpty ? nil : picked
    }

    /// Visits every key with queued jobs once and merges the heads of the free ones.
    private mutating func visitKeys() throws -> [JobID] {
        var candidates: [JobLifecycle.ClaimOrder] = []
        let heads = try db.cachedStatement(sql: """
            SELECT id, kind, priority, run_at FROM jobs
            WHERE queue = ? AND state = 'queued' AND key IS ? AND run_at <= ?
            ORDER BY \(JobLifecycle.ClaimOrder.sql())
            """)
        func take(key: String?, slots: Int) throws {
            let rows = try Row.fetchCursor(heads, arguments: [request.queue, key, now])
            var count = 0
            while count < slots, let row = try rows.next() {
                guard request.kinds?.contains(row[1] as String) ?? true else { continue }
                candidates.append(JobLifecycle.ClaimOrder(priority: row[2], runAt: SQLiteJobCodec.date(row[3]), id: JobID(row[0] as String)))
                count += 1
            }
        }
        try take(key: nil, slots: request.limit)
        let firstKey = try db.cachedStatement(sql: "SELECT key FROM jobs WHERE queue = ? AND state = 'queued' AND key IS NOT NULL ORDER BY key LIMIT 1")
        let nextKey = try db.cachedStatement(sql: "SELECT key FROM jobs WHERE queue = ? AND state = 'queued' AND key > ? ORDER BY key LIMIT 1")
        var key = try String.fetchOne(firstKey, arguments: [request.queue])
        while let current = key {
            let slots = min(request.limit, request.keyLimit - (try runningCount(current)))
            if slots > 0 { try take(key: current, slots: slots) }
            key = try String.fetchOne(nextKey, arguments: [request.queue, current])
        }
        return candidates.sorted().prefix(request.limit).map(\.id)
    }
}
