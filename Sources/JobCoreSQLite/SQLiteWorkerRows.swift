import Foundation
import GRDB
@_spi(JobStoreImplementation) import JobCore

/// Rows of the `workers` table (the worker registry) and `WorkerRecord`s.
enum SQLiteWorkerRows {
    /// The columns `record(_:now:)` reads, in order.
    static let columns = "id, host, pid, version, queue, capabilities, labels, capacity, load, state, started_at, seen_at, heartbeat_micros"

    /// A row as a record with its state as of `now` (``WorkerColumns`` reads its JSON leniently).
    static func record(_ row: Row, now: Date) -> WorkerRecord {
        let capabilities = WorkerColumns.capabilities(row[5])
        let labels = WorkerColumns.labels(row[6])
        let state = (row[9] as String?).flatMap(WorkerRecord.State.init(rawValue:)) ?? .gone
        let stored = WorkerRecord(
            id: row[0], host: row[1] ?? "", pid: row[2] ?? 0, version: row[3] ?? "", queue: row[4] ?? "",
            capabilities: capabilities, labels: labels, seats: row[7] ?? 0, load: row[8] ?? 0, state: state,
            startedAt: SQLiteJobCodec.date(row[10] ?? 0), lastSeenAt: SQLiteJobCodec.date(row[11] ?? 0),
            heartbeatIntervalSeconds: Double(row[12] as Int64? ?? 0) / 1_000_000
        )
        return stored.observed(at: now)
    }

    static func micros(_ duration: Duration) -> Int64 {
        Int64((duration.timeInterval * 1_000_000).rounded())
    }
}
