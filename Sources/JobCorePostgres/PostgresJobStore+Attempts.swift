import Foundation
@_spi(JobStoreImplementation) public import JobCore
import PostgresNIO

/// The store's side of the worker protocol (claims, heartbeats, ends of attempts, transitions,
/// the reaper, worker presence), each one transaction on a pooled connection.
@_spi(JobStoreImplementation)
extension PostgresJobStore {
    public func claim(_ request: ClaimRequest) async throws -> [JobRecord] {
        guard request.limit > 0 else { return [] }
        if let kinds = request.kinds, kinds.isEmpty { return [] }
        let claim = PostgresClaim(request: request, tables: tables, scan: configuration.claimScan)
        let rows = try await transaction { connection, now in
            try await claim.run(on: connection, now: now, due: now.adding(self.clockUncertainty), logger: self.logger)
        }
        // Rows the statement has just written (as `running`) always decode.
        return try rows.map { row in
            do throws(PostgresJobCodec.Failure) { return try PostgresJobCodec.record(row) } catch {
                throw JobStoreError(.corruptRecord, "a claimed job cannot be decoded: \(error.reason)")
            }
        }
    }

    public func heartbeat(_ beats: [JobHeartbeat], workerID: String, lease: Duration) async throws -> [HeartbeatStatus] {
        guard !beats.isEmpty else { return [] }
        return try await transaction { connection, now in
            var rows = try await PostgresJobRows.fetch(beats.map(\.id), lock: true, on: connection, tables: self.tables, logger: self.logger)
            var changes = PostgresChangeSet()
            let statuses = beats.map { beat -> HeartbeatStatus in
                let (status, change) = JobLifecycle.heartbeat(rows[beat.id]?.record, beat, lease: lease, now: now)
                if let change {
                    changes.add(change, now: now)
                    rows[beat.id] = .record(change.after)
                }
                return status
            }
            try await self.write(changes, on: connection, now: now)
            return statuses
        }
    }

    public func finish(_ reports: [JobFinish]) async throws -> [Result<JobRecord, JobStoreError>] {
        guard !reports.isEmpty else { return [] }
        let (results, wake) = try await transaction { connection, now in
            var rows = try await PostgresJobRows.fetch(reports.map(\.id), lock: true, on: connection, tables: self.tables, logger: self.logger)
            var changes = PostgresChangeSet()
            var corrupt: [JobID: String] = [:]
            let results = reports.map { report -> Result<JobRecord, JobStoreError> in
                switch rows[report.id] {
                case nil:
                    return .failure(JobStoreError.notFound(report.id))
                case .corrupt(let reason)?:
                    corrupt[report.id] = reason
                    return .failure(JobLifecycle.quarantined(report.id, reason: reason))
                case .record(let record)?:
                    do throws(JobStoreError) {
                        let change = try JobLifecycle.finish(record, report, now: now)
                        changes.add(change, now: now)
                        rows[report.id] = .record(change.after)
                        return .success(change.after)
                    } catch {
                        return .failure(error)
                    }
                }
            }
            try await self.follow(&changes, on: connection, now: now)
            try await self.write(changes, on: connection, now: now)
            for (id, reason) in corrupt {
                try await self.quarantine(id, reason: reason, on: connection, now: now)
            }
            if self.configuration.retention.deleteSucceeded {
                let succeeded = changes.changedJobs.filter { $0.after.state == .succeeded }.map(\.after.id.rawValue)
                _ = try await self.delete(succeeded, on: connection)
            }
            return (results, changes.wakes)
        }
        if wake { signal.notify() }
        return results
    }

    public func reapExpiredLeases(limit: Int) async throws -> [JobRecord] {
        guard limit > 0 else { return [] }
        let (reaped, wake) = try await transaction { connection, now in
            let rows = try await connection.rows("""
                SELECT \(unescaped: PostgresJobCodec.selectList()) FROM \(unescaped: self.tables.jobs)
                WHERE state = 'running' AND lease_expires_at < \(now.adding(.zero - self.clockUncertainty).postgres)
                ORDER BY lease_expires_at, id
                LIMIT \(Int64(limit))
                FOR UPDATE SKIP LOCKED
                """, logger: self.logger)
            var changes = PostgresChangeSet()
            var reaped: [JobRecord] = []
            for row in rows {
                guard case (_, .record(let record)) = PostgresJobRows.decode(row),
                      let change = try? JobLifecycle.expireLease(record, now: now) else { continue }
                changes.add(change, now: now)
                reaped.append(change.after)
            }
            try await self.follow(&changes, on: connection, now: now)
            try await self.write(changes, on: connection, now: now)
            return (reaped, changes.wakes)
        }
        if wake { signal.notify() }
        return reaped
    }

    public func transition(_ id: JobID, _ change: @escaping JobLifecycle.Transition) async throws -> JobRecord {
        let (record, wake) = try await transaction { connection, now in
            let record = try await PostgresJobRows.require(id, on: connection, tables: self.tables, logger: self.logger)
            var computed = try change(record, now)
            if !record.dependsOn.isEmpty {
                let dependencies = try await PostgresJobRows.fetch(record.dependsOn, lock: false, on: connection, tables: self.tables, logger: self.logger)
                computed = JobLifecycle.rewait(computed, dependencies: dependencies.values.compactMap(\.record), now: now)
            }
            var changes = PostgresChangeSet()
            changes.add(computed, now: now)
            try await self.follow(&changes, on: connection, now: now)
            try await self.write(changes, on: connection, now: now)
            return (computed.after, changes.wakes)
        }
        if wake { signal.notify() }
        return record
    }
}
