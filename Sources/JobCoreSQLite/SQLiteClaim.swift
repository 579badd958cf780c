import Foundation
import GRDB
import JobCore

/// Picks the jobs a claim takes, inside the claim's IMMEDIATE transaction.
///
/// First a bounded walk of the claim index in claim order (priority, run-at, id), skipping jobs
/// whose key is at its limit: cheap whatever the queue depth when most keys are free. A walk
/// that reaches its bound returns what it found so far (a claim takes *up to* its limit, still
/// in claim order). Only when the walk met nothing but busy keys (a deep queue behind a few busy
/// keys) does the claim visit each key with queued jobs once (an index skip-scan) and take the
/// heads of the free ones, so its cost depends on the number of keys, never on queue depth.
struct SQLiteClaim {
    struct Candidate {
        var id: String
        var key: String?
        var kind: String
        var priority: Int64
        var runAt: Int64
    }

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
        return try visitKeys().map { try SQLiteJobRows.fetch(db, $0) }
    }

    private mutating func runningCount(_ key: String) throws -> Int {
        if let count = running[key] { return count }
        let statement = try db.cachedStatement(sql: "SELECT running FROM job_keys WHERE key = ?")
        let count = try Int.fetchOne(statement, arguments: [key]) ?? 0
        running[key] = count
        return count
    }

    private func wanted(_ kind: String) -> Bool { request.kinds?.contains(kind) ?? true }

    private static func candidate(_ row: Row) -> Candidate {
        Candidate(id: row[0], key: row[1], kind: row[2], priority: row[3], runAt: row[4])
    }

    /// The bounded walk; `nil` when it met only busy keys up to its bound.
    private mutating func walk() throws -> [SQLiteJobRows.Fetched]? {
        let bound = 64 + request.limit * 2
        let statement = try db.cachedStatement(sql: """
            SELECT rowid, \(SQLiteSchema.jobColumns) FROM jobs
            WHERE queue = ? AND state = 'queued' AND run_at <= ?
            ORDER BY priority DESC, run_at, id
            """)
        let rows = try Row.fetchCursor(statement, arguments: [request.queue, now])
        var picked: [SQLiteJobRows.Fetched] = []
        var taken: [String: Int] = [:]
        var scanned = 0
        while let row = try rows.next() {
            scanned += 1
            // Columns: rowid, id, queue, key, kind, …
            let key: String? = row[3]
            let kind: String? = row[4]
            if wanted(kind ?? "") {
                if let key {
                    if try runningCount(key) + taken[key, default: 0] < request.keyLimit {
                        taken[key, default: 0] += 1
                        picked.append(SQLiteJobRows.decode(row))
                    }
                } else {
                    picked.append(SQLiteJobRows.decode(row))
                }
                if picked.count == request.limit { return picked }
            }
            if scanned >= bound { return picked.isEmpty ? nil : picked }
        }
        return picked
    }

    /// Visits every key with queued jobs once and merges the heads of the free ones.
    private mutating func visitKeys() throws -> [JobID] {
        var candidates: [Candidate] = []
        let heads = try db.cachedStatement(sql: """
            SELECT id, key, kind, priority, run_at FROM jobs
            WHERE queue = ? AND state = 'queued' AND key IS ? AND run_at <= ?
            ORDER BY priority DESC, run_at, id
            """)
        func take(key: String?, slots: Int) throws {
            let rows = try Row.fetchCursor(heads, arguments: [request.queue, key, now])
            var count = 0
            while count < slots, let row = try rows.next() {
                let candidate = Self.candidate(row)
                guard wanted(candidate.kind) else { continue }
                candidates.append(candidate)
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
        candidates.sort { lhs, rhs in
            if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
            if lhs.runAt != rhs.runAt { return lhs.runAt < rhs.runAt }
            return lhs.id < rhs.id
        }
        return candidates.prefix(request.limit).map { JobID($0.id) }
    }
}
