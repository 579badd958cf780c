import Foundation
@_spi(JobStoreImplementation) import JobCore
import Logging
import NIOCore
import PostgresNIO

extension PostgresJobStore {
    /// Writes a change set in one statement: the changed columns of each job (checked against
    /// the version read under the row lock), run records, events, per-key running counts (key
    /// rows locked in key order, as claims lock them), and a NOTIFY for jobs that became
    /// claimable (delivered at commit).
    /// - Throws: `conflict` when a job changed although it was locked (which would be a bug).
    func write(_ set: PostgresChangeSet, on connection: PostgresConnection, now: Date) async throws {
        let jobs = set.changedJobs
        guard !jobs.isEmpty || !set.runUpdates.isEmpty || !set.events.isEmpty else { return }
        let after = jobs.map(\.after)
        let ids = after.map(\.id.rawValue)
        let beforeVersions = jobs.map(\.before.version)
        let states = after.map(\.state.rawValue)
        let runAts = after.map(\.runAt.postgres)
        let attempts = after.map { Int64($0.attempt) }
        let leaseHolders = PostgresNullableArray(after.map(\.leaseHolder))
        let leaseExpiries = PostgresNullableArray(after.map { $0.leaseExpiresAt?.postgres })
        let epochs = after.map(\.epoch)
        let cancels = after.map(\.cancelRequested)
        let cancelReasons = PostgresNullableArray(after.map(\.cancelReason))
        let cancelModes = PostgresNullableArray(after.map { $0.cancelMode?.rawValue })
        let started = PostgresNullableArray(after.map { $0.startedAt?.postgres })
        let finished = PostgresNullableArray(after.map { $0.finishedAt?.postgres })
        let updated = after.map(\.updatedAt.postgres)
        let lastErrors = PostgresNullableArray(after.map(\.lastError))
        let results = PostgresNullableArray(after.map { $0.result.map { ByteBuffer(bytes: $0) } })
        let versions = after.map(\.version)
        let pending = after.map { Int64($0.pendingDependencies) }
        let pendingChildren = after.map { Int64($0.pendingChildren) }
        let failedChildren = after.map { Int64($0.failedChildren) }
        let failedChildIDs = PostgresNullableArray(after.map { PostgresJobCodec.dependsOnText($0.failedChildIDs) })
        let checkpoints = PostgresNullableArray(after.map { $0.checkpoint?.storedText })

        let runs = set.runUpdates
        let runJobs = runs.map(\.jobID.rawValue)
        let runEpochs = runs.map(\.epoch)
        let runFinishes = runs.map { $0.finish != nil }
        let runAt = PostgresNullableArray(runs.map { $0.finish?.at.postgres })
        let runOutcomes = PostgresNullableArray(runs.map { $0.finish?.outcome.rawValue })
        let runErrors = PostgresNullableArray(runs.map { $0.finish?.error })
        let runExitCodes = PostgresNullableArray(runs.map { $0.finish?.exitCode })
        let runInsights = PostgresNullableArray(runs.map { PostgresJobCodec.insightsJSON($0.insights) })

        let eventJobs = set.events.map(\.jobID.rawValue)
        let eventKinds = set.events.map(\.event.kind.rawValue)
        let eventStates = set.events.map(\.event.state.rawValue)
        let eventEpochs = PostgresNullableArray(set.events.map(\.event.epoch))
        let eventMessages = PostgresNullableArray(set.events.map(\.event.message))

        let deltas = set.keyDeltas.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        let keys = deltas.map(\.key)
        let keyDeltas = deltas.map { Int64($0.value) }
        let wakeQueues = set.wakeQueues.sorted()
        let channel = configuration.schema.channel
        let at = now.postgres
        let t = tables

        let rows = try await connection.rows("""
            WITH input AS (
                SELECT * FROM unnest(
                    \(ids)::text[], \(beforeVersions)::bigint[], \(states)::text[], \(runAts)::timestamptz[],
                    \(attempts)::bigint[], \(leaseHolders)::text[], \(leaseExpiries)::timestamptz[], \(epochs)::bigint[],
                    \(cancels)::boolean[], \(started)::timestamptz[], \(finished)::timestamptz[], \(updated)::timestamptz[],
                    \(lastErrors)::text[], \(results)::bytea[], \(versions)::bigint[], \(cancelReasons)::text[],
                    \(cancelModes)::text[], \(pending)::bigint[], \(pendingChildren)::bigint[], \(failedChildren)::bigint[],
                    \(failedChildIDs)::text[], \(checkpoints)::text[]
                ) AS t(id, before_version, state, run_at, attempt, lease_holder, lease_expires_at, epoch,
                       cancel_requested, started_at, finished_at, updated_at, last_error, result, version, cancel_reason,
                       cancel_mode, pending_dependencies, pending_children, failed_children, failed_child_ids, checkpoint)
            ),
            updated AS (
                UPDATE \(unescaped: t.jobs) j SET
                    state = i.state, run_at = i.run_at, attempt = i.attempt, lease_holder = i.lease_holder,
                    lease_expires_at = i.lease_expires_at, epoch = i.epoch, cancel_requested = i.cancel_requested,
                    cancel_reason = i.cancel_reason, cancel_mode = i.cancel_mode,
                    started_at = i.started_at, finished_at = i.finished_at, updated_at = i.updated_at,
                    last_error = i.last_error, result = i.result, version = i.version,
                    pending_dependencies = i.pending_dependencies, pending_children = i.pending_children,
                    failed_children = i.failed_children, failed_child_ids = i.failed_child_ids, checkpoint = i.checkpoint
                FROM input i
                WHERE j.id = i.id AND j.version = i.before_version
                RETURNING j.id
            ),
            run_input AS (
                SELECT * FROM unnest(
                    \(runJobs)::text[], \(runEpochs)::bigint[], \(runFinishes)::boolean[], \(runAt)::timestamptz[],
                    \(runOutcomes)::text[], \(runErrors)::text[], \(runExitCodes)::integer[], \(runInsights)::text[]
                ) AS r(job_id, epoch, finishes, at, outcome, error, exit_code, insights)
            ),
            run_updates AS (
                UPDATE \(unescaped: t.runs) r SET
                    finished_at = CASE WHEN u.finishes THEN u.at ELSE r.finished_at END,
                    outcome = CASE WHEN u.finishes THEN u.outcome ELSE r.outcome END,
                    error = CASE WHEN u.finishes THEN u.error ELSE r.error END,
                    exit_code = CASE WHEN u.finishes THEN u.exit_code ELSE r.exit_code END,
                    insights = CASE WHEN u.insights IS NULL THEN r.insights
                               ELSE coalesce(r.insights, '{}'::jsonb) || u.insights::jsonb END
                FROM run_input u
                WHERE r.job_id = u.job_id AND r.epoch = u.epoch
            ),
            new_events AS (
                INSERT INTO \(unescaped: t.events) (job_id, at, kind, state, epoch, message)
                SELECT e.job_id, \(at), e.kind, e.state, e.epoch, e.message
                FROM unnest(\(eventJobs)::text[], \(eventKinds)::text[], \(eventStates)::text[],
                            \(eventEpochs)::bigint[], \(eventMessages)::text[])
                     WITH ORDINALITY AS e(job_id, kind, state, epoch, message, n)
                ORDER BY e.n
            ),
            key_input AS (
                SELECT * FROM unnest(\(keys)::text[], \(keyDeltas)::bigint[]) AS d(key, delta)
            ),
            locked_keys AS (
                SELECT k.key FROM \(unescaped: t.keys) k
                WHERE k.key IN (SELECT key FROM key_input)
                ORDER BY k.key FOR UPDATE
            ),
            key_updates AS (
                UPDATE \(unescaped: t.keys) k SET running = k.running + d.delta
                FROM key_input d
                WHERE k.key = d.key AND k.key IN (SELECT key FROM locked_keys)
            ),
            wake AS (
                SELECT pg_notify(\(channel), q) FROM unnest(\(wakeQueues)::text[]) AS q
            )
            SELECT (SELECT count(*) FROM updated), (SELECT count(*) FROM wake)
            """, logger: logger)
        var written = 0
        for (count, _) in try rows.decode((Int, Int).self) { written = count }
        guard written == jobs.count else {
            throw JobStoreError(.conflict, "\(jobs.count - written) of \(jobs.count) jobs changed while they were locked")
        }
    }

    /// Deletes jobs with their runs, events and logs; running ones give their key slot back.
    /// The jobs must be locked by the calling transaction. Returns the number of jobs deleted.
    func delete(_ ids: [String], on connection: PostgresConnection) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let t = tables
        let rows = try await connection.rows("""
            WITH gone AS (
                DELETE FROM \(unescaped: t.jobs) WHERE id = ANY(\(ids)::text[]) RETURNING key, state
            ),
            runs AS (DELETE FROM \(unescaped: t.runs) WHERE job_id = ANY(\(ids)::text[])),
            events AS (DELETE FROM \(unescaped: t.events) WHERE job_id = ANY(\(ids)::text[])),
            logs AS (DELETE FROM \(unescaped: t.logs) WHERE job_id = ANY(\(ids)::text[])),
            sizes AS (DELETE FROM \(unescaped: t.logSizes) WHERE job_id = ANY(\(ids)::text[])),
            links AS (
                DELETE FROM \(unescaped: t.dependencies)
                WHERE job_id = ANY(\(ids)::text[]) OR dependency_id = ANY(\(ids)::text[])
            ),
            freed AS (
                SELECT key, count(*) AS n FROM gone WHERE state = 'running' AND key IS NOT NULL GROUP BY key
            ),
            locked_keys AS (
                SELECT k.key FROM \(unescaped: t.keys) k WHERE k.key IN (SELECT key FROM freed) ORDER BY k.key FOR UPDATE
            ),
            key_updates AS (
                UPDATE \(unescaped: t.keys) k SET running = k.running - f.n
                FROM freed f WHERE k.key = f.key AND k.key IN (SELECT key FROM locked_keys)
            )
            SELECT count(*) FROM gone
            """, logger: logger)
        var deleted = 0
        for count in try rows.decode(Int.self) { deleted = count }
        return deleted
    }
}
