public import Foundation
import GRDB
@_spi(JobStoreImplementation) public import JobCore

extension SQLiteJobStore {
    @_spi(JobStoreImplementation)
    public func appendLog(_ id: JobID, epoch: Int64, _ data: Data) async throws -> JobLogAppend {
        let limit = maxLogBytes
        return try await write { db, _ in
            try JobLifecycle.checkEpoch(try SQLiteJobRows.require(db, id), epoch)
            let sizes = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, truncated FROM job_log_sizes WHERE job_id = ?"), arguments: [id.rawValue])
            let size: Int = sizes?[0] ?? 0
            let wasTruncated = (sizes?[1] as Int?).map { $0 != 0 } ?? false
            let (kept, dropped) = JobLogAppend.fit(data, size: size, limit: limit)
            if !kept.isEmpty {
                try db.cachedStatement(sql: "INSERT INTO job_logs (job_id, offset, data) VALUES (?, ?, ?)")
                    .execute(arguments: [id.rawValue, size, kept])
            }
            let truncated = wasTruncated || dropped
            try db.cachedStatement(sql: """
                INSERT INTO job_log_sizes (job_id, size, truncated) VALUES (?, ?, ?)
                ON CONFLICT (job_id) DO UPDATE SET size = excluded.size, truncated = excluded.truncated
                """).execute(arguments: [id.rawValue, size + kept.count, truncated ? 1 : 0])
            return JobLogAppend(accepted: kept.count, size: size + kept.count, truncated: truncated)
        }
    }

    public func readLog(_ id: JobID, from offset: Int, maxBytes: Int) async throws -> JobLogChunk {
        try await read { db in
            try Self.requireExists(db, id)
            let sizes = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, truncated FROM job_log_sizes WHERE job_id = ?"), arguments: [id.rawValue])
            let size: Int = sizes?[0] ?? 0
            let truncated = (sizes?[1] as Int?).map { $0 != 0 } ?? false
            let start = min(max(0, offset), size)
            let end = min(size, start + max(0, maxBytes))
            var data = Data()
            if end > start {
                // The chunk holding `start`, then every chunk up to `end`.
                let first = try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT MAX(offset) FROM job_logs WHERE job_id = ? AND offset <= ?"), arguments: [id.rawValue, start]
                ) ?? 0
                let chunks = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT offset, data FROM job_logs WHERE job_id = ? AND offset >= ? AND offset < ? ORDER BY offset"),
                    arguments: [id.rawValue, first, end]
                )
                for chunk in chunks {
                    let chunkOffset: Int = chunk[0]
                    let bytes: Data = chunk[1]
                    let lower = max(start, chunkOffset) - chunkOffset
                    let upper = min(end, chunkOffset + bytes.count) - chunkOffset
                    if lower < upper { data.append(bytes[bytes.startIndex + lower ..< bytes.startIndex + upper]) }
                }
            }
            return JobLogChunk(data: data, offset: start, size: size, truncated: truncated)
        }
    }
}
