import Foundation
@_spi(JobStoreImplementation) import JobCore
import Logging
import PostgresNIO

extension PostgresJobStore {
    /// Deletes finished jobs (with their runs, events and logs) that finished longer ago than
    /// ``Retention/keepFinished``, in batches of ``Retention/batchSize``, and forgets the
    /// counters of keys that have nothing running. Rows another process is deleting are
    /// skipped, so several processes may run retention at once.
    /// - Returns: the number of jobs deleted.
    @discardableResult
    public func deleteExpiredJobs() async throws -> Int {
        guard let keep = configuration.retention.keepFinished else { return 0 }
        let batch = Int64(configuration.retention.batchSize)
        var total = 0
        while !Task.isCancelled {
            let deleted = try await transaction { connection, now in
                let cutoff = now.addingTimeInterval(-keep.timeInterval).postgres
                let rows = try await connection.rows("""
                    SELECT id FROM \(unescaped: self.tables.jobs)
                    WHERE state IN ('succeeded', 'failed', 'cancelled') AND finished_at < \(cutoff)
                    ORDER BY finished_at LIMIT \(batch)
                    FOR UPDATE SKIP LOCKED
                    """, logger: self.logger)
                var ids: [String] = []
                for id in try rows.decode(String.self) { ids.append(id) }
                return try await self.delete(ids, on: connection)
            }
            total += deleted
            if deleted < batch { break }
        }
        // Idle key counters: a claim recreates one when needed. The condition is checked again
        // on the locked row, so a key a claim has just reserved is kept.
        try await transaction { connection, _ in
            try await connection.perform("DELETE FROM \(unescaped: self.tables.keys) WHERE running = 0", logger: self.logger)
        }
        if total > 0 { logger.info("retention deleted finished jobs", metadata: ["jobs": "\(total)"]) }
        return total
    }

    /// Applies retention every ``Retention/interval`` until cancelled.
    func retentionLoop() async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: configuration.retention.interval) } catch { return }
            do {
                try await deleteExpiredJobs()
            } catch {
                logger.warning("retention failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
