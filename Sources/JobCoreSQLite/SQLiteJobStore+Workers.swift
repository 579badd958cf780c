public import Foundation
import GRDB
@_spi(JobStoreImplementation) public import JobCore

/// The worker registry (`workers`), each call one transaction.
extension SQLiteJobStore {
    @_spi(JobStoreImplementation)
    public func announce(_ worker: WorkerAnnouncement) async throws -> WorkerDirective {
        let capabilities = WorkerColumns.text(capabilities: worker.capabilities)
        let labels = WorkerColumns.text(labels: worker.labels)
        let state = try await write { db, now in
            let now = SQLiteJobCodec.micros(now)
            // A record of another process (host, pid) or a withdrawn one starts anew.
            return try String.fetchOne(db.cachedStatement(sql: """
                INSERT INTO workers (id, capacity, queue, seen_at, host, pid, version, capabilities, labels, load, state, started_at, heartbeat_micros)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'active', ?4, ?11)
                ON CONFLICT (id) DO UPDATE SET
                    state = CASE WHEN workers.state = 'draining' AND workers.host = excluded.host AND workers.pid = excluded.pid
                                 THEN 'draining' ELSE 'active' END,
                    started_at = CASE WHEN workers.state <> 'gone' AND workers.host = excluded.host AND workers.pid = excluded.pid
                                      THEN workers.started_at ELSE excluded.started_at END,
                    capacity = excluded.capacity, queue = excluded.queue, seen_at = excluded.seen_at, host = excluded.host,
                    pid = excluded.pid, version = excluded.version, capabilities = excluded.capabilities, labels = excluded.labels,
                    load = excluded.load, heartbeat_micros = excluded.heartbeat_micros
                RETURNING state
                """), arguments: [
                    worker.id, worker.seats, worker.queue, now, worker.host, worker.pid, worker.version, capabilities, labels,
                    worker.load, SQLiteWorkerRows.micros(worker.heartbeatInterval),
                ])
        }
        return state == WorkerRecord.State.draining.rawValue ? .drain : .run
    }

    @_spi(JobStoreImplementation)
    public func withdraw(workerID: String) async throws {
        try await write { db, now in
            try db.execute(
                sql: "UPDATE workers SET state = 'gone', load = 0, seen_at = ? WHERE id = ?",
                arguments: [SQLiteJobCodec.micros(now), workerID]
            )
        }
    }

    public func workers() async throws -> [WorkerRecord] {
        let now = clock.now
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(SQLiteWorkerRows.columns) FROM workers ORDER BY id").map {
                SQLiteWorkerRows.record($0, now: now)
            }
        }
    }

    public func drainWorker(_ id: String) async throws -> WorkerRecord {
        try await write { db, now in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(SQLiteWorkerRows.columns) FROM workers WHERE id = ?", arguments: [id]) else {
                throw JobStoreError.unknownWorker(id)
            }
            var record = SQLiteWorkerRows.record(row, now: now)
            guard record.state != .gone else { throw JobStoreError.goneWorker(record) }
            try db.execute(sql: "UPDATE workers SET state = 'draining' WHERE id = ?", arguments: [id])
            record.state = .draining
            return record
        }
    }

    public func pruneWorkers(seenBefore date: Date) async throws -> Int {
        try await write { db, _ in
            try db.execute(sql: "DELETE FROM workers WHERE seen_at < ?", arguments: [SQLiteJobCodec.micros(date)])
            return db.changesCount
        }
    }
}
