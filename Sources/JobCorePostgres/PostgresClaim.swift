import Foundation
@_spi(JobStoreImplementation) import JobCore
import Logging
import PostgresNIO

/// The claim: one statement that picks, reserves and starts jobs.
///
/// 1. **Pick.** Walk the claim index in claim order (`JobLifecycle.ClaimOrder`) for at most
///    `JobLifecycle.claimScanBound(limit:base:)` due queued jobs, drop those whose key is at its limit (as far as this statement's
///    snapshot knows), and lock up to `limit` of the rest with `FOR UPDATE SKIP LOCKED`, so
///    concurrent claimers take different jobs without waiting for each other. When the walk
///    comes back short although the head of the queue was full (a deep queue behind busy keys),
///    visit each key with queued jobs once (a loose index scan) and lock the heads of the free
///    ones, so a claim costs O(keys) at worst, never O(queued jobs).
/// 2. **Reserve.** For each key among the picked jobs, `INSERT … ON CONFLICT DO UPDATE` the
///    key's row in `job_keys`, adding only what still fits under the limit. PostgreSQL locks the
///    row and evaluates the update against its latest committed version, not against this
///    statement's snapshot, so two claimers racing for the last slot of a key serialise on that
///    row and the second one sees the first one's reservation: there is no count-then-claim
///    window. (Counting running jobs, even under an advisory lock, would read the snapshot
///    taken before the lock was granted and could miss a claim that committed in between.)
///    Key rows are locked in key order, as every other writer of `job_keys` does, so claims
///    never deadlock.
/// 3. **Start.** Only the jobs whose key granted a slot (and keyless jobs) become `running`
///    with the next epoch and a lease, with their run record and `claimed` event; the others
///    stay queued and their row locks go with the statement.
///
/// The transition mirrors ``JobLifecycle/claim(_:workerID:lease:now:)``.
struct PostgresClaim {
    let request: ClaimRequest
    let tables: PostgresTables
    let scan: Int

    /// - Parameters:
    ///   - now: the time of the claim (start, lease).
    ///   - due: jobs whose run-at is at or before it are due: `now`, or a little later when the
    ///     store's clock has an error bound (``PostgresServerClock``).
    func run(on connection: PostgresConnection, now: Date, due: Date, logger: Logger) async throws -> [PostgresRow] {
        let t = tables
        let queue = request.queue
        let at = now.postgres
        let dueBy = due.postgres
        let expires = now.adding(request.lease).postgres
        let kinds = request.kinds.map { Array($0) }
        let anyKind = kinds == nil
        let kindList = kinds ?? []
        let keyLimit = Int64(request.keyLimit)
        let limit = Int64(request.limit)
        let scan = Int64(JobLifecycle.claimScanBound(limit: request.limit, base: self.scan))
        let worker = request.workerID
        let columns = PostgresJobCodec.selectList()
        let order = JobLifecycle.ClaimOrder.sql()
        let jOrder = JobLifecycle.ClaimOrder.sql("j")
        let pOrder = JobLifecycle.ClaimOrder.sql("p")
        let cOrder = JobLifecycle.ClaimOrder.sql("c")
        let rows = try await connection.rows("""
            WITH RECURSIVE prefix AS MATERIALIZED (
                SELECT id, key, priority, run_at FROM \(unescaped: t.jobs)
                WHERE queue = \(queue) AND state = 'queued' AND run_at <= \(dueBy)
                  AND (\(anyKind) OR kind = ANY(\(kindList)::text[]))
                ORDER BY \(unescaped: order)
                LIMIT \(scan)
            ),
            eligible AS (
                SELECT ranked.id FROM (
                    SELECT p.id, p.key, coalesce(k.running, 0) AS running,
                           row_number() OVER (PARTITION BY p.key ORDER BY \(unescaped: pOrder)) AS rank
                    FROM prefix p LEFT JOIN \(unescaped: t.keys) k ON k.key = p.key
                ) ranked
                WHERE ranked.key IS NULL OR ranked.rank <= \(keyLimit) - ranked.running
            ),
            walked AS (
                SELECT j.id, j.key, j.priority, j.run_at FROM \(unescaped: t.jobs) j
                WHERE j.id IN (SELECT id FROM eligible) AND j.state = 'queued'
                ORDER BY \(unescaped: jOrder)
                LIMIT \(limit)
                FOR UPDATE OF j SKIP LOCKED
            ),
            keys AS (
                (SELECT key FROM \(unescaped: t.jobs)
                 WHERE queue = \(queue) AND state = 'queued' AND key IS NOT NULL ORDER BY key LIMIT 1)
                UNION ALL
                SELECT (SELECT j.key FROM \(unescaped: t.jobs) j
                        WHERE j.queue = \(queue) AND j.state = 'queued' AND j.key > keys.key ORDER BY j.key LIMIT 1)
                FROM keys WHERE keys.key IS NOT NULL
            ),
            keyed_heads AS (
                SELECT h.id, h.key, h.priority, h.run_at
                FROM keys LEFT JOIN \(unescaped: t.keys) k ON k.key = keys.key
                CROSS JOIN LATERAL (
                    SELECT j.id, j.key, j.priority, j.run_at FROM \(unescaped: t.jobs) j
                    WHERE j.queue = \(queue) AND j.state = 'queued' AND j.key = keys.key AND j.run_at <= \(dueBy)
                      AND (\(anyKind) OR j.kind = ANY(\(kindList)::text[]))
                    ORDER BY \(unescaped: jOrder)
                    LIMIT LEAST(\(limit), \(keyLimit) - coalesce(k.running, 0))
                    FOR UPDATE OF j SKIP LOCKED
                ) h
                WHERE keys.key IS NOT NULL AND coalesce(k.running, 0) < \(keyLimit)
            ),
            keyless_heads AS (
                SELECT j.id, j.key, j.priority, j.run_at FROM \(unescaped: t.jobs) j
                WHERE j.queue = \(queue) AND j.state = 'queued' AND j.key IS NULL AND j.run_at <= \(dueBy)
                  AND (\(anyKind) OR j.kind = ANY(\(kindList)::text[]))
                ORDER BY \(unescaped: jOrder)
                LIMIT \(limit)
                FOR UPDATE OF j SKIP LOCKED
            ),
            heads AS (
                SELECT * FROM keyed_heads UNION ALL SELECT * FROM keyless_heads
            ),
            candidates AS (
                SELECT * FROM walked
                UNION ALL
                SELECT * FROM heads
                WHERE (SELECT count(*) FROM walked) < \(limit) AND (SELECT count(*) FROM prefix) >= \(scan)
                  AND heads.id NOT IN (SELECT id FROM walked)
            ),
            picked AS (
                SELECT c.id, c.key, c.priority, c.run_at, ranked.rank FROM candidates c
                JOIN (SELECT id, row_number() OVER (PARTITION BY key ORDER BY \(unescaped: order)) AS rank
                      FROM candidates) ranked ON ranked.id = c.id
                LEFT JOIN \(unescaped: t.keys) k ON k.key = c.key
                WHERE c.key IS NULL OR ranked.rank <= \(keyLimit) - coalesce(k.running, 0)
                ORDER BY \(unescaped: cOrder)
                LIMIT \(limit)
            ),
            reserved AS (
                INSERT INTO \(unescaped: t.keys) AS k (key, running, granted)
                SELECT key, count(*), count(*) FROM picked WHERE key IS NOT NULL GROUP BY key ORDER BY key
                ON CONFLICT (key) DO UPDATE
                    SET running = k.running + LEAST(excluded.granted, \(keyLimit) - k.running),
                        granted = LEAST(excluded.granted, \(keyLimit) - k.running)
                    WHERE k.running < \(keyLimit)
                RETURNING k.key, k.granted
            ),
            chosen AS (
                SELECT p.id FROM picked p LEFT JOIN reserved r ON r.key = p.key
                WHERE p.key IS NULL OR p.rank <= r.granted
            ),
            claimed AS (
                UPDATE \(unescaped: t.jobs) j SET
                    state = 'running', epoch = j.epoch + 1, attempt = j.attempt + 1, lease_holder = \(worker),
                    lease_expires_at = \(expires), started_at = \(at), updated_at = \(at), version = j.version + 1
                FROM chosen c
                WHERE j.id = c.id
                RETURNING \(unescaped: PostgresJobCodec.selectList("j"))
            ),
            runs AS (
                INSERT INTO \(unescaped: t.runs) (job_id, epoch, attempt, worker_id, started_at)
                SELECT id, epoch, attempt, \(worker), \(at) FROM claimed
            ),
            events AS (
                INSERT INTO \(unescaped: t.events) (job_id, at, kind, state, epoch, message)
                SELECT id, \(at), 'claimed', 'running', epoch, \(worker) FROM claimed
                ORDER BY \(unescaped: order)
            )
            SELECT \(unescaped: columns) FROM claimed ORDER BY \(unescaped: order)
            """, logger: logger)
        var claimed: [PostgresRow] = []
        for row in rows { claimed.append(row) }
        return claimed
    }
}
