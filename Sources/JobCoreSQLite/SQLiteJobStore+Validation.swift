import Foundation
import GRDB
import Logging
@_spi(JobStoreImplementation) public import JobCore

extension SQLiteJobStore {
    /// Moves rows that cannot be decoded to the `quarantine` table (with the reason and the raw
    /// row), removes runs, events and logs whose job is gone, and rebuilds the per-key running
    /// counts. Each quarantined record is also logged as a warning.
    public func validate() async throws -> JobStoreValidation {
        try await write { db, now in
            var report = JobStoreValidation()
            let suspects = try Row.fetchAll(db, sql: "SELECT rowid, \(SQLiteSchema.jobColumns) FROM jobs WHERE \(SQLiteSchema.suspectRow)")
            for row in suspects {
                guard case .corrupt(let rowID, let reason) = SQLiteJobRows.decode(row) else { continue }
                if let entry = try self.quarantine(db, rowID: rowID, reason: reason, now: now) { report.quarantined.append(entry) }
            }
            try db.execute(sql: "DELETE FROM job_runs WHERE job_id NOT IN (SELECT id FROM jobs)")
            report.orphanRunsRemoved = db.changesCount
            try db.execute(sql: "DELETE FROM job_events WHERE job_id NOT IN (SELECT id FROM jobs)")
            report.orphanEventsRemoved = db.changesCount
            try db.execute(sql: "DELETE FROM job_logs WHERE job_id NOT IN (SELECT id FROM jobs)")
            report.orphanLogsRemoved = db.changesCount
            try db.execute(sql: "DELETE FROM job_log_sizes WHERE job_id NOT IN (SELECT id FROM jobs)")
            try db.execute(sql: "DELETE FROM job_dependencies WHERE job_id NOT IN (SELECT id FROM jobs)")
            try SQLiteJobRows.recountKeys(db)
            report.logRepairs(to: self.logger)
            return report
        }
    }

    public func quarantined() async throws -> [QuarantinedJob] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT job_id, reason, raw, quarantined_at FROM quarantine ORDER BY id").map { row in
                QuarantinedJob(id: row[0], reason: row[1], raw: row[2], quarantinedAt: SQLiteJobCodec.date(row[3]))
            }
        }
    }
}
