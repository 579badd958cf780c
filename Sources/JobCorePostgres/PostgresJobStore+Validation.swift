import Foundation
@_spi(JobStoreImplementation) public import JobCore
import Logging
import PostgresNIO

extension PostgresJobStore {
    /// Moves rows that cannot be decoded to the `quarantine` table (with the reason and the row
    /// as JSON), removes runs, events and logs whose job is gone, and recounts the running jobs
    /// of every key (with the key rows locked, so concurrent claims wait rather than race).
    /// Each quarantined record is also logged as a warning.
    public func validate() async throws -> JobStoreValidation {
        try await transaction { connection, now in
            var report = JobStoreValidation()
            let t = self.tables
            let suspects = try await connection.rows("""
                SELECT \(unescaped: PostgresJobCodec.selectList()) FROM \(unescaped: t.jobs)
                WHERE state NOT IN ('waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled')
                   OR dependency_mode NOT IN ('succeeded', 'finished')
                   OR id = '' OR attempt < 0 OR max_attempts < 1 OR timeout_ms <= 0 OR epoch < 0
                   OR cancel_mode NOT IN ('graceful', 'immediate')
                ORDER BY id FOR UPDATE
                """, logger: self.logger)
            var corrupt: [(JobID, String)] = []
            for row in suspects {
                if case (let id, .corrupt(let reason)) = PostgresJobRows.decode(row) { corrupt.append((id, reason)) }
            }
            for (id, reason) in corrupt {
                if let entry = try await self.quarantine(id, reason: reason, on: connection, now: now) { report.quarantined.append(entry) }
            }
            let orphans = try await connection.rows("""
                WITH runs AS (
                    DELETE FROM \(unescaped: t.runs) r WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: t.jobs) j WHERE j.id = r.job_id)
                    RETURNING 1
                ),
                events AS (
                    DELETE FROM \(unescaped: t.events) e WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: t.jobs) j WHERE j.id = e.job_id)
                    RETURNING 1
                ),
                logs AS (
                    DELETE FROM \(unescaped: t.logs) l WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: t.jobs) j WHERE j.id = l.job_id)
                    RETURNING 1
                ),
                sizes AS (
                    DELETE FROM \(unescaped: t.logSizes) s WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: t.jobs) j WHERE j.id = s.job_id)
                )
                SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM events), (SELECT count(*) FROM logs)
                """, logger: self.logger)
            for (runs, events, logs) in try orphans.decode((Int, Int, Int).self) {
                report.orphanRunsRemoved = runs
                report.orphanEventsRemoved = events
                report.orphanLogsRemoved = logs
            }
            try await self.recountKeys(on: connection)
            report.logRepairs(to: self.logger)
            return report
        }
    }

    public func quarantined() async throws -> [QuarantinedJob] {
        try await connection { connection in
            let rows = try await connection.rows(
                "SELECT job_id, reason, raw, quarantined_at FROM \(unescaped: self.tables.quarantine) ORDER BY id", logger: self.logger
            )
            var entries: [QuarantinedJob] = []
            for (id, reason, raw, at) in try rows.decode((String, String, String, PostgresTimestamp).self) {
                entries.append(QuarantinedJob(id: id, reason: reason, raw: raw, quarantinedAt: at.date))
            }
            return entries
        }
    }

    /// Quarantines a row found corrupt inside a transaction that was rolled back, unless it was
    /// repaired or removed meanwhile.
    func quarantine(_ corrupt: PostgresJobRows.CorruptRow) async throws {
        _ = try await transaction { connection, now in
            guard case .corrupt(let reason)? = try await PostgresJobRows.fetch(
                [corrupt.id], lock: true, on: connection, tables: self.tables, logger: self.logger
            )[corrupt.id] else { return false }
            return try await self.quarantine(corrupt.id, reason: reason, on: connection, now: now) != nil
        }
    }

    /// Moves a locked job row to quarantine with the reason and the row as JSON; its key's
    /// running count is recounted, as the damaged row may or may not have been counted.
    @discardableResult
    func quarantine(_ id: JobID, reason: String, on connection: PostgresConnection, now: Date) async throws -> QuarantinedJob? {
        let t = tables
        let rows = try await connection.rows("""
            WITH gone AS (
                DELETE FROM \(unescaped: t.jobs) j WHERE j.id = \(id.rawValue) RETURNING j.id, j.key, row_to_json(j)::text AS raw
            )
            INSERT INTO \(unescaped: t.quarantine) (job_id, reason, raw, quarantined_at)
            SELECT id, \(reason), raw, \(now.postgres) FROM gone
            RETURNING job_id, raw, (SELECT key FROM gone)
            """, logger: logger)
        var entry: QuarantinedJob?
        var key: String?
        for (jobID, raw, rowKey) in try rows.decode((String, String, String?).self) {
            entry = QuarantinedJob(id: jobID, reason: reason, raw: raw, quarantinedAt: now)
            key = rowKey
        }
        if let key { try await recountKeys([key], on: connection) }
        if let entry {
            logger.warning("job record quarantined", metadata: ["job.id": "\(entry.id)", "reason": "\(reason)"])
        }
        return entry
    }

    /// Sets the running counts of keys (all keys when `keys` is `nil`) from the jobs themselves.
    /// The key rows are locked first, in key order, so the count's snapshot (a new statement)
    /// sees every claim and finish of those keys that committed before.
    func recountKeys(_ keys: [String]? = nil, on connection: PostgresConnection) async throws {
        let t = tables
        try await connection.perform("""
            SELECT key FROM \(unescaped: t.keys) WHERE (\(keys)::text[] IS NULL OR key = ANY(\(keys)::text[])) ORDER BY key FOR UPDATE
            """, logger: logger)
        try await connection.perform("""
            WITH counted AS (
                SELECT k.key, (SELECT count(*) FROM \(unescaped: t.jobs) j WHERE j.key = k.key AND j.state = 'running') AS running
                FROM \(unescaped: t.keys) k
                WHERE (\(keys)::text[] IS NULL OR k.key = ANY(\(keys)::text[]))
            )
            UPDATE \(unescaped: t.keys) k SET running = c.running FROM counted c WHERE k.key = c.key AND k.running <> c.running
            """, logger: logger)
        // A running job whose key has no row (only after hand edits): give it one.
        try await connection.perform("""
            INSERT INTO \(unescaped: t.keys) (key, running)
            SELECT key, count(*) FROM \(unescaped: t.jobs)
            WHERE state = 'running' AND key IS NOT NULL AND (\(keys)::text[] IS NULL OR key = ANY(\(keys)::text[]))
            GROUP BY key ORDER BY key
            ON CONFLICT (key) DO NOTHING
            """, logger: logger)
    }
}
