public import Foundation
@_spi(JobStoreImplementation) public import JobCore
import PostgresNIO

/// The worker registry (`workers`).
extension PostgresJobStore {
    @_spi(JobStoreImplementation)
    public func announce(_ worker: WorkerAnnouncement) async throws -> WorkerDirective {
        let capabilities = WorkerColumns.text(capabilities: worker.capabilities)
        let labels = WorkerColumns.text(labels: worker.labels)
        let heartbeat = Int64((worker.heartbeatInterval.timeInterval * 1_000_000).rounded())
        let state = try await transaction { connection, now in
            let now = PostgresTimestamp(now)
            // A record of another process (host, pid) or a withdrawn one starts anew.
            let rows = try await connection.rows("""
                INSERT INTO \(unescaped: self.tables.workers) AS w
                    (id, capacity, queue, seen_at, host, pid, version, capabilities, labels, load, state, started_at, heartbeat_micros)
                VALUES (\(worker.id), \(Int32(clamping: worker.seats)), \(worker.queue), \(now), \(worker.host),
                        \(Int32(clamping: worker.pid)), \(worker.version), \(capabilities), \(labels), \(Int32(clamping: worker.load)),
                        'active', \(now), \(heartbeat))
                ON CONFLICT (id) DO UPDATE SET
                    state = CASE WHEN w.state = 'draining' AND w.host = excluded.host AND w.pid = excluded.pid
                                 THEN 'draining' ELSE 'active' END,
                    started_at = CASE WHEN w.state <> 'gone' AND w.host = excluded.host AND w.pid = excluded.pid
                                      THEN w.started_at ELSE excluded.started_at END,
                    capacity = excluded.capacity, queue = excluded.queue, seen_at = excluded.seen_at, host = excluded.host,
                    pid = excluded.pid, version = excluded.version, capabilities = excluded.capabilities, labels = excluded.labels,
                    load = excluded.load, heartbeat_micros = excluded.heartbeat_micros
                RETURNING state
                """, logger: self.logger)
            return try rows.first?.decode(String.self)
        }
        return state == WorkerRecord.State.draining.rawValue ? .drain : .run
    }

    @_spi(JobStoreImplementation)
    public func withdraw(workerID: String) async throws {
        try await transaction { connection, now in
            try await connection.perform("""
                UPDATE \(unescaped: self.tables.workers) SET state = 'gone', load = 0, seen_at = \(PostgresTimestamp(now))
                WHERE id = \(workerID)
                """, logger: self.logger)
        }
    }

    public func workers() async throws -> [WorkerRecord] {
        try await connection { connection in
            try await self.workers(on: connection, now: self.clock.now, where: nil)
        }
    }

    public func drainWorker(_ id: String) async throws -> WorkerRecord {
        try await transaction { connection, now in
            guard var record = try await self.workers(on: connection, now: now, where: id).first else { throw JobStoreError.unknownWorker(id) }
            guard record.state != .gone else { throw JobStoreError.goneWorker(record) }
            try await connection.perform(
                "UPDATE \(unescaped: self.tables.workers) SET state = 'draining' WHERE id = \(id)", logger: self.logger
            )
            record.state = .draining
            return record
        }
    }

    public func pruneWorkers(seenBefore date: Date) async throws -> Int {
        try await transaction { connection, _ in
            try await connection.rows(
                "DELETE FROM \(unescaped: self.tables.workers) WHERE seen_at < \(PostgresTimestamp(date)) RETURNING id", logger: self.logger
            ).count
        }
    }

    /// The registry's records (one when `id` is given), with their states as of `now`
    /// (``WorkerColumns`` reads their JSON leniently).
    func workers(on connection: PostgresConnection, now: Date, where id: String?) async throws -> [WorkerRecord] {
        let columns = "id, host, pid, version, queue, capabilities, labels, capacity, load, state, started_at, seen_at, heartbeat_micros"
        let rows = if let id {
            try await connection.rows(
                "SELECT \(unescaped: columns) FROM \(unescaped: self.tables.workers) WHERE id = \(id)", logger: self.logger
            )
        } else {
            try await connection.rows("SELECT \(unescaped: columns) FROM \(unescaped: self.tables.workers) ORDER BY id", logger: self.logger)
        }
        return try rows.map { row in
            let (id, host, pid, version, queue, capabilities, labels, seats, load, state, started, seen, heartbeat) = try row.decode(
                (String, String, Int32, String, String, String, String, Int32, Int32, String, PostgresTimestamp, PostgresTimestamp, Int64).self
            )
            return WorkerRecord(
                id: id, host: host, pid: Int(pid), version: version, queue: queue,
                capabilities: WorkerColumns.capabilities(capabilities), labels: WorkerColumns.labels(labels),
                seats: Int(seats), load: Int(load), state: WorkerRecord.State(rawValue: state) ?? .gone,
                startedAt: started.date, lastSeenAt: seen.date, heartbeatIntervalSeconds: Double(heartbeat) / 1_000_000
            ).observed(at: now)
        }
    }
}
