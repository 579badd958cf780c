import Foundation
@_spi(JobStoreImplementation) public import JobCore
import PostgresNIO

extension PostgresJobStore {
    public func job(_ id: JobID) async throws -> JobRecord {
        let fetched = try await connection { connection in
            try await PostgresJobRows.fetch([id], lock: false, on: connection, tables: self.tables, logger: self.logger)[id]
        }
        switch fetched {
        case .record(let record)?: return record
        case nil: throw JobStoreError.notFound(id)
        case .corrupt?:
            // Quarantine it under the row lock (and report it as corrupt).
            return try await transaction { connection, _ in
                try await PostgresJobRows.require(id, on: connection, tables: self.tables, logger: self.logger)
            }
        }
    }

    public func list(_ filter: JobFilter, page: JobPage) async throws -> JobListing {
        guard page.limit > 0 else { throw JobStoreError(.invalidArgument, "the page limit must be positive") }
        while true {
            let filter = PostgresFilter(filter)
            let after = page.after?.rawValue
            let oldestFirst = page.order == .oldestFirst
            let limit = Int64(page.limit) + 1
            let (records, corrupt) = try await connection { connection in
                let rows = try await connection.rows("""
                    SELECT \(unescaped: PostgresJobCodec.selectList()) FROM \(unescaped: self.tables.jobs)
                    WHERE (\(filter.states)::text[] IS NULL OR state = ANY(\(filter.states)::text[]))
                      AND (\(filter.key)::text IS NULL OR key = \(filter.key))
                      AND (\(filter.kind)::text IS NULL OR kind = \(filter.kind))
                      AND (\(filter.queue)::text IS NULL OR queue = \(filter.queue))
                      AND (\(filter.dueBy)::timestamptz IS NULL OR run_at <= \(filter.dueBy))
                      AND (\(filter.parent)::text IS NULL OR parent_id = \(filter.parent))
                      AND (\(after)::text IS NULL OR id \(unescaped: oldestFirst ? ">" : "<") \(after))
                    ORDER BY id \(unescaped: oldestFirst ? "ASC" : "DESC")
                    LIMIT \(limit)
                    """, logger: self.logger)
                var records: [JobRecord] = []
                var corrupt: [(JobID, String)] = []
                for row in rows {
                    switch PostgresJobRows.decode(row) {
                    case (_, .record(let record)): records.append(record)
                    case (let id, .corrupt(let reason)): corrupt.append((id, reason))
                    }
                }
                return (records, corrupt)
            }
            if corrupt.isEmpty {
                let jobs = Array(records.prefix(page.limit))
                return JobListing(jobs: jobs, nextCursor: records.count > page.limit ? jobs.last?.id : nil)
            }
            // Quarantine what cannot be decoded (never skip it silently), then list again.
            try await transaction { connection, now in
                for (id, _) in corrupt {
                    guard case .corrupt(let reason)? = try await PostgresJobRows.fetch(
                        [id], lock: true, on: connection, tables: self.tables, logger: self.logger
                    )[id] else { continue }
                    try await self.quarantine(id, reason: reason, on: connection, now: now)
                }
            }
        }
    }

    public func count(_ filter: JobFilter) async throws -> Int {
        let filter = PostgresFilter(filter)
        return try await connection { connection in
            let rows = try await connection.rows("""
                SELECT count(*) FROM \(unescaped: self.tables.jobs)
                WHERE (\(filter.states)::text[] IS NULL OR state = ANY(\(filter.states)::text[]))
                  AND (\(filter.key)::text IS NULL OR key = \(filter.key))
                  AND (\(filter.kind)::text IS NULL OR kind = \(filter.kind))
                  AND (\(filter.queue)::text IS NULL OR queue = \(filter.queue))
                  AND (\(filter.dueBy)::timestamptz IS NULL OR run_at <= \(filter.dueBy))
                  AND (\(filter.parent)::text IS NULL OR parent_id = \(filter.parent))
                """, logger: self.logger)
            var count = 0
            for value in try rows.decode(Int.self) { count = value }
            return count
        }
    }

    /// The record, runs and children's counts on one connection.
    public func detail(_ id: JobID) async throws -> JobDetail {
        let read = try await connection { connection -> (PostgresJobRows.Fetched?, [JobRun], [JobState: Int]) in
            let fetched = try await PostgresJobRows.fetch([id], lock: false, on: connection, tables: self.tables, logger: self.logger)[id]
            guard case .record? = fetched else { return (fetched, [], [:]) }
            let runs = try await self.runs(of: id, on: connection)
            var counts: [JobState: Int] = [:]
            let children = try await connection.rows("""
                SELECT state, count(*)::bigint FROM \(unescaped: self.tables.jobs) WHERE parent_id = \(id.rawValue) GROUP BY state
                """, logger: self.logger)
            for (state, count) in try children.decode((String, Int).self) {
                if let state = JobState(rawValue: state) { counts[state] = count }
            }
            return (fetched, runs, counts)
        }
        switch read.0 {
        case .record(let record)?: return JobDetail(record: record, runs: read.1, childCounts: read.2)
        case nil: throw JobStoreError.notFound(id)
        case .corrupt?: _ = try await job(id); throw JobStoreError.notFound(id)  // job(_:) quarantines and throws
        }
    }

    public func runs(of id: JobID) async throws -> [JobRun] {
        try await connection { connection in
            try await self.requireExists(id, on: connection)
            return try await self.runs(of: id, on: connection)
        }
    }

    /// A job's runs, oldest first.
    func runs(of id: JobID, on connection: PostgresConnection) async throws -> [JobRun] {
        let rows = try await connection.rows("""
            SELECT \(unescaped: PostgresJobCodec.runColumns) FROM \(unescaped: self.tables.runs)
            WHERE job_id = \(id.rawValue) ORDER BY epoch
            """, logger: logger)
        var runs: [JobRun] = []
        for row in rows { runs.append(try PostgresJobCodec.run(row)) }
        return runs
    }

    public func events(of id: JobID, after sequence: Int64?, limit: Int) async throws -> [JobEvent] {
        try await connection { connection in
            try await self.requireExists(id, on: connection)
            let rows = try await connection.rows("""
                SELECT \(unescaped: PostgresJobCodec.eventColumns) FROM \(unescaped: self.tables.events)
                WHERE job_id = \(id.rawValue) AND sequence > \(sequence ?? 0)
                ORDER BY sequence LIMIT \(Int64(clamping: max(0, limit)))
                """, logger: self.logger)
            var events: [JobEvent] = []
            for row in rows {
                if let event = try PostgresJobCodec.event(row) { events.append(event) }
            }
            return events
        }
    }

    public func purge(_ ids: [JobID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let (deleted, wake) = try await transaction { connection, now in
            let unique = Array(Set(ids.map(\.rawValue))).sorted()
            let found = try self.lockedForPurge(await connection.rows("""
                SELECT id, \(unescaped: PostgresJobCodec.selectList()) FROM \(unescaped: self.tables.jobs)
                WHERE id = ANY(\(unique)::text[]) ORDER BY id FOR UPDATE
                """, logger: self.logger))
            let present = Set(found.map(\.id))
            if let missing = ids.first(where: { !present.contains($0.rawValue) }) { throw JobStoreError.notFound(missing) }
            return try await self.deletePassingOn(found, on: connection, now: now)
        }
        if wake { signal.notify() }
        return deleted
    }

    /// Jobs locked for a purge: their ids, with their records when they decode.
    private func lockedForPurge(_ rows: [PostgresRow]) throws -> [(id: String, record: JobRecord?)] {
        var found: [(id: String, record: JobRecord?)] = []
        for row in rows {
            var cells = row.makeIterator()
            let id = try cells.next()?.decode(String.self) ?? ""
            found.append((id, try? PostgresJobCodec.record(row, from: 1)))
        }
        return found
    }

    /// Deletes locked jobs; the jobs waiting for one that had not ended take it as cancelled,
    /// its parent counts it as ended, and its unfinished children are cancelled. Returns how many
    /// were deleted and whether a job became claimable.
    private func deletePassingOn(_ jobs: [(id: String, record: JobRecord?)], on connection: PostgresConnection, now: Date) async throws -> (Int, Bool) {
        let steps = jobs.compactMap { $0.record.flatMap(JobLifecycle.purgeStep) }
        var changes = PostgresChangeSet()
        if !steps.isEmpty {
            try await follow(&changes, also: steps, on: connection, now: now)
            // The purged jobs themselves are deleted below, whatever the steps did to them.
            try await write(changes, on: connection, now: now)
        }
        return (try await delete(jobs.map(\.id), on: connection), changes.wakes)
    }

    public func purge(states: Set<JobState>) async throws -> Int {
        guard !states.isEmpty else { return 0 }
        let names = states.map(\.rawValue)
        let batch: Int64 = 5000
        var total = 0
        // In batches, so a large purge never holds many locks (or one huge transaction) for long.
        while true {
            let (deleted, wake) = try await transaction { connection, now in
                let found = try self.lockedForPurge(await connection.rows("""
                    SELECT id, \(unescaped: PostgresJobCodec.selectList()) FROM \(unescaped: self.tables.jobs)
                    WHERE state = ANY(\(names)::text[]) ORDER BY id LIMIT \(batch) FOR UPDATE
                    """, logger: self.logger))
                return try await self.deletePassingOn(found, on: connection, now: now)
            }
            if wake { signal.notify() }
            total += deleted
            if deleted < batch { return total }
        }
    }

    public func health(_ thresholds: HealthThresholds) async throws -> JobStoreHealth {
        try await prepare()
        let now = clock.now
        let listed = Int64(thresholds.maxListedJobs + 1)
        // One statement, one snapshot.
        return try await connection { connection in
            let rows = try await connection.rows("""
                SELECT 'count', queue, state, count(*)::bigint,
                       (count(*) FILTER (WHERE state = 'queued' AND run_at <= \(now.postgres)))::bigint,
                       min(run_at) FILTER (WHERE state = 'queued' AND run_at <= \(now.postgres))
                FROM \(unescaped: self.tables.jobs) GROUP BY queue, state
                UNION ALL
                (SELECT 'running', id, NULL, 0, 0, started_at FROM \(unescaped: self.tables.jobs)
                 WHERE state = 'running' ORDER BY started_at, id LIMIT \(listed))
                UNION ALL
                SELECT 'holder', lease_holder, NULL, count(*)::bigint, 0, NULL FROM \(unescaped: self.tables.jobs)
                WHERE state = 'running' AND lease_holder IS NOT NULL GROUP BY lease_holder
                """, logger: self.logger)
            var tallies: [HealthTally] = []
            var oldest: [(id: JobID, startedAt: Date)] = []
            var holders: [String: Int] = [:]
            for (kind, text, stateName, number, due, time) in try rows.decode((String, String?, String?, Int, Int, PostgresTimestamp?).self) {
                switch kind {
                case "count":
                    if let text, let state = stateName.flatMap(JobState.init(rawValue:)) {
                        tallies.append(HealthTally(queue: text, state: state, count: number, due: due, oldestDue: time?.date))
                    }
                case "running": if let text, let time { oldest.append((JobID(text), time.date)) }
                default: if let text { holders[text] = number }
                }
            }
            let workers = try await self.workers(on: connection, now: now, where: nil)
            return thresholds.snapshot(now: now, tallies: tallies, oldestRunning: oldest, workers: workers, leaseHolders: holders)
        }
    }

    func requireExists(_ id: JobID, on connection: PostgresConnection) async throws {
        let rows = try await connection.rows("SELECT 1 FROM \(unescaped: tables.jobs) WHERE id = \(id.rawValue)", logger: logger)
        if !rows.isEmpty { return }
        throw JobStoreError.notFound(id)
    }
}

/// A `JobFilter` as bound parameters (`NULL` for "any").
struct PostgresFilter {
    let states: [String]?
    let key: String?
    let kind: String?
    let queue: String?
    let dueBy: PostgresTimestamp?
    let parent: String?

    init(_ filter: JobFilter) {
        parent = filter.parent?.rawValue
        states = filter.states.map { $0.map(\.rawValue) }
        key = filter.key
        kind = filter.kind
        queue = filter.queue
        dueBy = filter.dueBy?.postgres
    }
}
