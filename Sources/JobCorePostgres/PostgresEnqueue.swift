import Foundation
@_spi(JobStoreImplementation) import JobCore
import Logging
import NIOCore
import PostgresNIO

/// Inserts a batch of new jobs in one statement, with their `enqueued` events and a NOTIFY for
/// the queues that got due jobs; jobs whose idempotency key is taken are returned as stored.
///
/// The insert uses `ON CONFLICT (idempotency_key) DO NOTHING`: when another process inserts the
/// same key at the same moment, PostgreSQL waits for it and skips the row, and the existing job
/// is then read by a second statement (whose snapshot sees the other commit).
struct PostgresEnqueue {
    let changes: [JobChange]
    let tables: PostgresTables
    let channel: String

    func run(on connection: PostgresConnection, now: Date, logger: Logger) async throws -> [EnqueueResult] {
        // Inside the batch, the first job with a key wins; later ones get its result.
        var firstWithKey: [String: Int] = [:]
        var pending: [Int] = []
        for (index, change) in changes.enumerated() {
            if let key = change.after.idempotencyKey {
                if firstWithKey[key] != nil { continue }
                firstWithKey[key] = index
            }
            pending.append(index)
        }
        var results: [Int: EnqueueResult] = [:]
        // A job found by its key may be purged before we read it: then insert again.
        for _ in 0..<5 where !pending.isEmpty {
            let inserted = try await insert(pending.map { changes[$0] }, on: connection, now: now, logger: logger)
            var conflicted: [Int] = []
            for index in pending {
                if inserted.contains(changes[index].after.id.rawValue) {
                    results[index] = EnqueueResult(job: changes[index].after, created: true)
                } else {
                    conflicted.append(index)
                }
            }
            let existing = try await lookUp(conflicted.compactMap { changes[$0].after.idempotencyKey }, on: connection, logger: logger)
            pending = []
            for index in conflicted {
                if let job = changes[index].after.idempotencyKey.flatMap({ existing[$0] }) {
                    results[index] = EnqueueResult(job: job, created: false)
                } else {
                    pending.append(index)
                }
            }
        }
        guard pending.isEmpty else {
            throw JobStoreError(.conflict, "jobs with the same idempotency keys kept appearing and disappearing")
        }
        return try changes.indices.map { index throws(JobStoreError) in
            if let result = results[index] { return result }
            // A later duplicate inside the batch: the job of the first one with its key.
            guard let first = changes[index].after.idempotencyKey.flatMap({ firstWithKey[$0] }), let job = results[first]?.job else {
                throw JobStoreError(.conflict, "no result for job \(index) of the batch")
            }
            return EnqueueResult(job: job, created: false)
        }
    }

    private func insert(_ batch: [JobChange], on connection: PostgresConnection, now: Date, logger: Logger) async throws -> Set<String> {
        let jobs = batch.map(\.after)
        let ids = jobs.map(\.id.rawValue)
        let queues = jobs.map(\.queue)
        let keys = PostgresNullableArray(jobs.map(\.key))
        let kinds = jobs.map(\.kind)
        let payloads = PostgresNullableArray(jobs.map { $0.payload.isEmpty ? nil : ByteBuffer(bytes: $0.payload) })
        let states = jobs.map(\.state.rawValue)
        let priorities = jobs.map { Int64($0.priority) }
        let runAts = jobs.map(\.runAt.postgres)
        let attempts = jobs.map { Int64($0.attempt) }
        let maxAttempts = jobs.map { Int64($0.maxAttempts) }
        let timeouts = jobs.map { PostgresJobCodec.milliseconds($0.timeout) }
        let idempotencyKeys = PostgresNullableArray(jobs.map(\.idempotencyKey))
        let epochs = jobs.map(\.epoch)
        let cancels = jobs.map(\.cancelRequested)
        let cancelReasons = PostgresNullableArray(jobs.map(\.cancelReason))
        let cancelModes = PostgresNullableArray(jobs.map { $0.cancelMode?.rawValue })
        let traceContexts = PostgresNullableArray(jobs.map { PostgresJobCodec.traceContextText($0.traceContext) })
        let created = jobs.map(\.createdAt.postgres)
        let updated = jobs.map(\.updatedAt.postgres)
        let versions = jobs.map(\.version)
        let dependsOn = PostgresNullableArray(jobs.map { PostgresJobCodec.dependsOnText($0.dependsOn) })
        let modes = PostgresNullableArray(jobs.map { $0.dependsOn.isEmpty ? nil : $0.dependencyMode.rawValue })
        let pending = jobs.map { Int64($0.pendingDependencies) }
        let parents = PostgresNullableArray(jobs.map { $0.parentID?.rawValue })
        let children = jobs.map { Int64($0.pendingChildren) }
        let eventKinds = batch.map { $0.events.first?.kind.rawValue ?? JobEvent.Kind.enqueued.rawValue }
        let eventMessages = PostgresNullableArray(batch.map { $0.events.first?.message })
        let at = now.postgres
        let t = tables
        let rows = try await connection.rows("""
            WITH input AS (
                SELECT * FROM unnest(
                    \(ids)::text[], \(queues)::text[], \(keys)::text[], \(kinds)::text[], \(payloads)::bytea[],
                    \(states)::text[], \(priorities)::bigint[], \(runAts)::timestamptz[], \(attempts)::bigint[],
                    \(maxAttempts)::bigint[], \(timeouts)::bigint[], \(idempotencyKeys)::text[], \(epochs)::bigint[],
                    \(cancels)::boolean[], \(created)::timestamptz[], \(updated)::timestamptz[], \(versions)::bigint[],
                    \(eventKinds)::text[], \(eventMessages)::text[], \(cancelReasons)::text[], \(cancelModes)::text[],
                    \(traceContexts)::text[], \(dependsOn)::text[], \(modes)::text[], \(pending)::bigint[],
                    \(parents)::text[], \(children)::bigint[]
                ) WITH ORDINALITY AS t(id, queue, key, kind, payload, state, priority, run_at, attempt, max_attempts,
                                       timeout_ms, idempotency_key, epoch, cancel_requested, created_at, updated_at,
                                       version, event_kind, event_message, cancel_reason, cancel_mode, trace_context,
                                       depends_on, dependency_mode, pending_dependencies, parent_id, pending_children, n)
            ),
            inserted AS (
                INSERT INTO \(unescaped: t.jobs) (id, queue, key, kind, payload, state, priority, run_at, attempt,
                    max_attempts, timeout_ms, idempotency_key, epoch, cancel_requested, cancel_reason, cancel_mode, created_at,
                    updated_at, version, trace_context, depends_on, dependency_mode, pending_dependencies, parent_id,
                    pending_children, finished_at)
                SELECT id, queue, key, kind, payload, state, priority, run_at, attempt, max_attempts, timeout_ms,
                       idempotency_key, epoch, cancel_requested, cancel_reason, cancel_mode, created_at, updated_at, version,
                       trace_context, depends_on, dependency_mode, pending_dependencies, parent_id, pending_children,
                       CASE WHEN state IN ('succeeded', 'failed', 'cancelled') THEN updated_at END
                FROM input ORDER BY n
                ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING id, queue, run_at, state
            ),
            events AS (
                INSERT INTO \(unescaped: t.events) (job_id, at, kind, state, message)
                SELECT i.id, \(at), input.event_kind, input.state, input.event_message
                FROM inserted i JOIN input ON input.id = i.id
                ORDER BY input.n
            ),
            wake AS (
                SELECT pg_notify(\(channel), q.queue) FROM (SELECT DISTINCT queue FROM inserted WHERE run_at <= \(at) AND state = 'queued') q
            )
            SELECT id, (SELECT count(*) FROM wake) FROM inserted
            """, logger: logger)
        var inserted: Set<String> = []
        for (id, _) in try rows.decode((String, Int).self) { inserted.insert(id) }
        return inserted
    }

    private func lookUp(_ keys: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String: JobRecord] {
        guard !keys.isEmpty else { return [:] }
        let rows = try await connection.rows("""
            SELECT \(unescaped: PostgresJobCodec.selectList()) FROM \(unescaped: tables.jobs) WHERE idempotency_key = ANY(\(keys)::text[])
            """, logger: logger)
        var found: [String: JobRecord] = [:]
        for row in rows {
            switch PostgresJobRows.decode(row) {
            case (_, .record(let record)):
                if let key = record.idempotencyKey { found[key] = record }
            case (let id, .corrupt(let reason)):
                // An undecodable job still holds its key: report it rather than create a twin.
                throw JobStoreError(.corruptRecord, "the job holding an idempotency key cannot be decoded (\(reason))", jobID: id)
            }
        }
        return found
    }
}
