import Foundation
import GRDB
@_spi(JobStoreImplementation) import JobCore

/// Row-level work inside a transaction: fetch, write a `JobChange`, quarantine, delete.
enum SQLiteJobRows {
    enum Fetched {
        case record(JobRecord)
        case missing
        case corrupt(rowID: Int64, reason: String)

        /// The record, when the row decodes.
        var record: JobRecord? {
            if case .record(let record) = self { return record }
            return nil
        }
    }

    static func fetch(_ db: Database, _ id: JobID) throws -> Fetched {
        let statement = try db.cachedStatement(sql: "SELECT rowid, \(SQLiteSchema.jobColumns) FROM jobs WHERE id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [id.rawValue]) else { return .missing }
        return decode(row)
    }

    /// Fetches jobs by id with one statement (for a batch of reports, or the jobs a claim
    /// picked); an id without a row is absent from the result.
    static func fetch(_ db: Database, _ ids: [JobID]) throws -> [JobID: Fetched] {
        guard ids.count > 1 else { return Dictionary(uniqueKeysWithValues: try ids.map { ($0, try fetch(db, $0)) }) }
        let statement = try db.cachedStatement(sql: "SELECT rowid, \(SQLiteSchema.jobColumns) FROM jobs WHERE id IN (SELECT value FROM json_each(?))")
        let list = String(decoding: try JSONEncoder().encode(ids.map(\.rawValue)), as: UTF8.self)
        var found: [JobID: Fetched] = [:]
        let rows = try Row.fetchCursor(statement, arguments: [list])
        while let row = try rows.next() {
            guard let id = row[1] as String? else { continue }
            found[JobID(id)] = decode(row)
        }
        return found
    }

    /// Decodes a row selected as `rowid, jobColumns`.
    static func decode(_ row: Row) -> Fetched {
        do {
            return .record(try SQLiteJobCodec.record(row, from: 1))
        } catch {
            return .corrupt(rowID: row[0], reason: error.reason)
        }
    }

    /// A row that cannot be decoded, met inside a transaction: the transaction is rolled back,
    /// then the store quarantines the row in a transaction of its own.
    struct CorruptRow: Error {
        var rowID: Int64
        var id: JobID
        var reason: String
    }

    /// Fetches a job for a transition. Throws `notFound`, or ``CorruptRow``.
    static func require(_ db: Database, _ id: JobID) throws -> JobRecord {
        try require(try fetch(db, id), id)
    }

    /// The record of a fetched job. Throws `notFound`, or ``CorruptRow``.
    static func require(_ fetched: Fetched, _ id: JobID) throws -> JobRecord {
        switch fetched {
        case .record(let record): return record
        case .missing: throw JobStoreError.notFound(id)
        case .corrupt(let rowID, let reason): throw CorruptRow(rowID: rowID, id: id, reason: reason)
        }
    }

    /// Writes a transition, and follows it through the graph (`JobLifecycle.graphStep`):
    /// dependents, parents and children it changes are written in the same transaction.
    /// Returns whether a job became claimable.
    @discardableResult
    static func apply(_ db: Database, _ change: JobChange, now: Date) throws -> Bool {
        let claimable = try write(db, change, now: now)
        guard let step = JobLifecycle.graphStep(change) else { return claimable }
        return try follow([step], db, now: now) || claimable
    }

    /// Carries steps through the graph until none is left. Returns whether a job became claimable.
    static func follow(_ steps: [JobLifecycle.GraphStep], _ db: Database, now: Date) throws -> Bool {
        var steps = steps
        var claimable = false
        let waiting = try db.cachedStatement(sql: """
            SELECT j.rowid, \(SQLiteSchema.jobColumns) FROM job_dependencies d JOIN jobs j ON j.id = d.job_id
            WHERE d.dependency_id = ? AND j.state = 'waiting'
            """)
        let children = try db.cachedStatement(sql: """
            SELECT rowid, \(SQLiteSchema.jobColumns) FROM jobs
            WHERE parent_id = ? AND state IN ('waiting', 'queued', 'running')
            """)
        while let step = steps.popLast() {
            // Read before writing: the writes below change the rows the statements walk.
            var next: [JobChange] = []
            if let outcome = step.ended {
                if step.hasDependents {
                    next += try Row.fetchAll(waiting, arguments: [step.id.rawValue]).compactMap { row in
                        decode(row).record.flatMap { JobLifecycle.dependencyEnded($0, dependency: step.id, outcome: outcome, now: now, note: step.note) }
                    }
                }
                if let parentID = step.parentID, let parent = try fetch(db, parentID).record,
                   let change = JobLifecycle.childEnded(parent, child: step.id, outcome: outcome, now: now, note: step.note) {
                    next.append(change)
                }
            }
            if let previous = step.revived, let parentID = step.parentID, let parent = try fetch(db, parentID).record,
               let change = JobLifecycle.childRetried(parent, child: step.id, previous: previous, now: now) {
                next.append(change)
            }
            if let (reason, mode) = step.cancelChildren {
                next += try Row.fetchAll(children, arguments: [step.id.rawValue]).compactMap { row in
                    decode(row).record.flatMap { JobLifecycle.cancelledWithParent($0, reason: reason, mode: mode, now: now) }
                }
            }
            for change in next {
                // A job changed twice in one pass keeps the first change (the second was computed
                // from the record before it).
                guard let queued = try write(db, change, now: now, skipIfChanged: true) else { continue }
                claimable = queued || claimable
                if let step = JobLifecycle.graphStep(change) { steps.append(step) }
            }
        }
        return claimable
    }

    /// The current records of a job's dependencies (those not purged).
    static func dependencies(_ db: Database, of record: JobRecord) throws -> [JobRecord] {
        try record.dependsOn.compactMap { try fetch(db, $0).record }
    }

    /// Enqueues a job with dependencies, which must exist (else `notFound`), or a parent,
    /// recorded as their dependent and child (a stored parent must run at the child's epoch).
    /// `children` is how many children later jobs of its batch add to it. Returns the change
    /// written and whether a job became claimable.
    static func enqueue(_ db: Database, _ job: NewJob, id: JobID, now: Date, children: Int, parentInBatch: Bool) throws -> (JobChange, Bool) {
        let dependencies = try JobLifecycle.uniqued(job.options.dependsOn).map { dependency in
            switch try fetch(db, dependency) {
            case .record(let record): return record
            case .missing, .corrupt: throw JobStoreError(.notFound, "dependency \(dependency) does not exist", jobID: dependency)
            }
        }
        var claimable = false
        if let parent = job.parent, !parentInBatch {
            guard case .record(let record) = try fetch(db, parent.id) else {
                throw JobStoreError(.notFound, "parent \(parent.id) does not exist", jobID: parent.id)
            }
            claimable = try apply(db, try JobLifecycle.childrenAdded(record, count: 1, epoch: parent.epoch, now: now), now: now)
        }
        let batchParent = parentInBatch ? try job.parent.flatMap { try fetch(db, $0.id).record } : nil
        let change = try JobLifecycle.enqueue(job, id: id, now: now, dependencies: dependencies, children: children, parent: batchParent)
        let link = try db.cachedStatement(sql: "INSERT INTO job_dependencies (dependency_id, job_id) VALUES (?, ?)")
        let mark = try db.cachedStatement(sql: "UPDATE jobs SET has_dependents = 1 WHERE id = ? AND has_dependents = 0")
        for dependency in change.after.dependsOn {
            try link.execute(arguments: [dependency.rawValue, id.rawValue])
            try mark.execute(arguments: [dependency.rawValue])
        }
        // After the marks, so that the job's end (a cancel at enqueue) is passed on from the rows as written.
        claimable = try apply(db, change, now: now) || claimable
        return (change, claimable)
    }

    /// Writes one transition atomically with its run and events. Returns whether the job became
    /// claimable.
    private static func write(_ db: Database, _ change: JobChange, now: Date) throws -> Bool {
        guard let claimable = try write(db, change, now: now, skipIfChanged: false) else {
            throw JobStoreError(.conflict, "the job changed while it was being updated", jobID: change.after.id)
        }
        return claimable
    }

    /// Writes one transition; `nil` when the row no longer has the version the change was
    /// computed from (and `skipIfChanged`, else that is a conflict).
    private static func write(_ db: Database, _ change: JobChange, now: Date, skipIfChanged: Bool) throws -> Bool? {
        let after = change.after
        if let before = change.before {
            assert(
                before.queue == after.queue && before.key == after.key && before.kind == after.kind
                    && before.payload == after.payload && before.priority == after.priority
                    && before.maxAttempts == after.maxAttempts && before.timeout == after.timeout
                    && before.idempotencyKey == after.idempotencyKey && before.createdAt == after.createdAt,
                "a transition changed a column that updateJob does not write"
            )
            try db.cachedStatement(sql: SQLiteSchema.updateJob)
                .execute(arguments: SQLiteJobCodec.updateArguments(after, expectedVersion: before.version))
            guard db.changesCount == 1 else { return nil }
        } else {
            try db.cachedStatement(sql: SQLiteSchema.insertJob).execute(arguments: SQLiteJobCodec.arguments(after))
        }
        if let key = after.key, change.runningDelta != 0 { try adjustRunning(db, key: key, by: change.runningDelta) }
        try applyRun(db, change.run, jobID: after.id)
        for event in change.events {
            try db.cachedStatement(sql: "INSERT INTO job_events (job_id, at, kind, state, epoch, message) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [after.id.rawValue, SQLiteJobCodec.micros(now), event.kind.rawValue, event.state.rawValue, event.epoch, event.message])
        }
        return after.state == .queued && change.before?.state != .queued
    }

    /// Keys whose count drops to zero keep their row (one less write per finish); validation
    /// rebuilds the table.
    static func adjustRunning(_ db: Database, key: String, by delta: Int) throws {
        try db.cachedStatement(sql: """
            INSERT INTO job_keys (key, running) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET running = running + excluded.running
            """).execute(arguments: [key, delta])
    }

    private static func applyRun(_ db: Database, _ change: JobChange.RunChange?, jobID: JobID) throws {
        switch change {
        case .start(let run):
            try db.cachedStatement(sql: "INSERT INTO job_runs (job_id, epoch, attempt, worker_id, started_at) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [jobID.rawValue, run.epoch, run.attempt, run.workerID, SQLiteJobCodec.micros(run.startedAt)])
        case .insights(let epoch, let insights):
            try db.cachedStatement(sql: "UPDATE job_runs SET insights = ? WHERE job_id = ? AND epoch = ?")
                .execute(arguments: [try mergedInsights(db, jobID, epoch, insights), jobID.rawValue, epoch])
        case .finish(let epoch, let outcome, let at, let error, let exitCode, let insights):
            let merged = insights.isEmpty ? nil : try mergedInsights(db, jobID, epoch, insights)
            try db.cachedStatement(sql: """
                UPDATE job_runs SET finished_at = ?, outcome = ?, error = ?, exit_code = ?, insights = COALESCE(?, insights)
                WHERE job_id = ? AND epoch = ?
                """).execute(arguments: [SQLiteJobCodec.micros(at), outcome.rawValue, error, exitCode, merged, jobID.rawValue, epoch])
        case nil:
            break
        }
    }

    private static func mergedInsights(_ db: Database, _ jobID: JobID, _ epoch: Int64, _ insights: [String: Double]) throws -> String? {
        let statement = try db.cachedStatement(sql: "SELECT insights FROM job_runs WHERE job_id = ? AND epoch = ?")
        let existing = try String.fetchOne(statement, arguments: [jobID.rawValue, epoch])
        var merged = existing.flatMap { try? JSONDecoder().decode([String: Double].self, from: Data($0.utf8)) } ?? [:]
        merged.merge(insights) { $1 }
        return SQLiteJobCodec.insightsText(merged)
    }

    /// Moves a job row to quarantine with the reason and its raw content.
    static func quarantine(_ db: Database, rowID: Int64, reason: String, now: Date) throws -> QuarantinedJob? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE rowid = ?", arguments: [rowID]) else { return nil }
        let raw = row.columnNames.map { name in "\(name)=\(row[name] as (any DatabaseValueConvertible)? ?? "NULL" as String)" }.joined(separator: " ")
        let id = (row["id"] as (any DatabaseValueConvertible)?).map { "\($0)" } ?? "rowid \(rowID)"
        let entry = QuarantinedJob(id: id, reason: reason, raw: raw, quarantinedAt: now)
        try db.execute(
            sql: "INSERT INTO quarantine (job_id, reason, raw, quarantined_at) VALUES (?, ?, ?, ?)",
            arguments: [entry.id, reason, raw, SQLiteJobCodec.micros(now)]
        )
        try db.execute(sql: "DELETE FROM jobs WHERE rowid = ?", arguments: [rowID])
        try recountKeys(db)
        return entry
    }

    /// Rebuilds the per-key running counts from the jobs themselves.
    static func recountKeys(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM job_keys;
            INSERT INTO job_keys (key, running)
                SELECT key, COUNT(*) FROM jobs WHERE state = 'running' AND key IS NOT NULL GROUP BY key;
            """)
    }

    /// Deletes a job with its runs, events and logs, keeping per-key counts right; the jobs
    /// waiting for it take it as cancelled, and its unfinished children are cancelled. Returns
    /// whether a job became claimable.
    @discardableResult
    static func delete(_ db: Database, _ id: JobID, now: Date) throws -> Bool {
        var claimable = false
        if let record = try fetch(db, id).record, let step = JobLifecycle.purgeStep(record) {
            claimable = try follow([step], db, now: now)
        }
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT state, key FROM jobs WHERE id = ?"), arguments: [id.rawValue])
        let state = (row?[0] as String?).flatMap(JobState.init(rawValue:))
        if state == .running, let key: String = row?[1] { try adjustRunning(db, key: key, by: -1) }
        for table in ["jobs WHERE id", "job_runs WHERE job_id", "job_events WHERE job_id", "job_logs WHERE job_id", "job_log_sizes WHERE job_id"] {
            try db.cachedStatement(sql: "DELETE FROM \(table) = ?").execute(arguments: [id.rawValue])
        }
        try db.cachedStatement(sql: "DELETE FROM job_dependencies WHERE job_id = ? OR dependency_id = ?").execute(arguments: [id.rawValue, id.rawValue])
        return claimable
    }
}
