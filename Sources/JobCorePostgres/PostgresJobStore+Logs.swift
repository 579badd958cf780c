public import Foundation
@_spi(JobStoreImplementation) public import JobCore
import NIOCore
import PostgresNIO

extension PostgresJobStore {
    @_spi(JobStoreImplementation)
    public func appendLog(_ id: JobID, epoch: Int64, _ data: Data) async throws -> JobLogAppend {
        let limit = maxLogBytes
        return try await transaction { connection, _ in
            // The job row's lock orders appends with each other and with the attempt's end.
            try JobLifecycle.checkEpoch(try await PostgresJobRows.require(id, on: connection, tables: self.tables, logger: self.logger), epoch)
            var size = 0
            var wasTruncated = false
            for (stored, truncated) in try await connection.rows(
                "SELECT size, truncated FROM \(unescaped: self.tables.logSizes) WHERE job_id = \(id.rawValue)", logger: self.logger
            ).decode((Int, Bool).self) {
                size = stored
                wasTruncated = truncated
            }
            let (kept, dropped) = JobLogAppend.fit(data, size: size, limit: limit)
            if !kept.isEmpty {
                try await connection.perform("""
                    INSERT INTO \(unescaped: self.tables.logs) (job_id, position, data)
                    VALUES (\(id.rawValue), \(Int64(size)), \(ByteBuffer(bytes: kept)))
                    """, logger: self.logger)
            }
            let truncated = wasTruncated || dropped
            let newSize = Int64(size + kept.count)
            try await connection.perform("""
                INSERT INTO \(unescaped: self.tables.logSizes) (job_id, size, truncated) VALUES (\(id.rawValue), \(newSize), \(truncated))
                ON CONFLICT (job_id) DO UPDATE SET size = excluded.size, truncated = excluded.truncated
                """, logger: self.logger)
            return JobLogAppend(accepted: kept.count, size: size + kept.count, truncated: truncated)
        }
    }

    public func readLog(_ id: JobID, from offset: Int, maxBytes: Int) async throws -> JobLogChunk {
        try await transaction { connection, _ in
            try await self.requireExists(id, on: connection)
            var size = 0
            var truncated = false
            for (stored, mark) in try await connection.rows(
                "SELECT size, truncated FROM \(unescaped: self.tables.logSizes) WHERE job_id = \(id.rawValue)", logger: self.logger
            ).decode((Int, Bool).self) {
                size = stored
                truncated = mark
            }
            let start = min(max(0, offset), size)
            let end = min(size, start + max(0, maxBytes))
            var data = Data()
            if end > start {
                // The chunk holding `start`, then every chunk up to `end`.
                let rows = try await connection.rows("""
                    SELECT position, data FROM \(unescaped: self.tables.logs)
                    WHERE job_id = \(id.rawValue) AND position < \(Int64(end))
                      AND position >= coalesce((SELECT max(position) FROM \(unescaped: self.tables.logs)
                                                WHERE job_id = \(id.rawValue) AND position <= \(Int64(start))), 0)
                    ORDER BY position
                    """, logger: self.logger)
                for (position, bytes) in try rows.decode((Int, Data).self) {
                    let lower = max(start, position) - position
                    let upper = min(end, position + bytes.count) - position
                    if lower < upper { data.append(bytes[bytes.startIndex + lower ..< bytes.startIndex + upper]) }
                }
            }
            return JobLogChunk(data: data, offset: start, size: size, truncated: truncated)
        }
    }
}
