import PostgresNIO

/// Version 1: jobs, per-key running counts, runs, events and logs.
///
/// Identifiers and keys use the "C" collation, so ordering in SQL matches ordering of the
/// strings in Swift (ids are time-ordered ULIDs) whatever the database's locale. Every index
/// that only serves queued or running jobs is partial, so a job that finished costs nothing to
/// the claim path however many finished jobs the table keeps.
struct CreateJobTables: PostgresMigration {
    let version = 1
    let name = "jobs, key counts, runs, events, logs"

    func statements(in schema: PostgresSchemaName) -> [PostgresQuery] {
        let s = schema.quoted
        return [
            """
            CREATE TABLE \(unescaped: s).jobs (
                id text COLLATE "C" PRIMARY KEY,
                queue text NOT NULL,
                key text COLLATE "C",
                kind text NOT NULL,
                payload bytea,
                state text NOT NULL,
                priority bigint NOT NULL,
                run_at timestamptz NOT NULL,
                attempt bigint NOT NULL,
                max_attempts bigint NOT NULL,
                timeout_ms bigint NOT NULL,
                idempotency_key text,
                lease_holder text,
                lease_expires_at timestamptz,
                epoch bigint NOT NULL,
                cancel_requested boolean NOT NULL,
                cancel_reason text,
                created_at timestamptz NOT NULL,
                started_at timestamptz,
                finished_at timestamptz,
                updated_at timestamptz NOT NULL,
                last_error text,
                result bytea,
                version bigint NOT NULL
            ) WITH (fillfactor = 85, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
                    autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_vacuum_cost_delay = 1)
            """,
            // Claim order among due queued jobs of a queue.
            "CREATE INDEX jobs_claim ON \(unescaped: s).jobs (queue, priority DESC, run_at, id) WHERE state = 'queued'",
            // The heads of each key (and of keyless jobs) for claims behind busy keys.
            "CREATE INDEX jobs_claim_key ON \(unescaped: s).jobs (queue, key, priority DESC, run_at, id) WHERE state = 'queued'",
            // Listing queued or running jobs in id order; running jobs for the reaper and health.
            // Partial, so a claim or a completion adds one entry (not one per state), and not on
            // the lease expiry, so heartbeats stay HOT updates. Finished jobs are listed through
            // the primary key (they are most of the table).
            "CREATE INDEX jobs_queued ON \(unescaped: s).jobs (id) WHERE state = 'queued'",
            "CREATE INDEX jobs_running ON \(unescaped: s).jobs (id) WHERE state = 'running'",
            "CREATE INDEX jobs_key ON \(unescaped: s).jobs (key, id) WHERE key IS NOT NULL",
            "CREATE UNIQUE INDEX jobs_idempotency ON \(unescaped: s).jobs (idempotency_key) WHERE idempotency_key IS NOT NULL",
            // Retention: finished jobs by the time they finished.
            """
            CREATE INDEX jobs_finished ON \(unescaped: s).jobs (finished_at)
                WHERE state IN ('succeeded', 'failed', 'cancelled')
            """,
            // Running jobs per concurrency key: the one row every claim of the key locks and checks,
            // so per-key limits hold across every process (see PostgresClaim).
            """
            CREATE TABLE \(unescaped: s).job_keys (
                key text COLLATE "C" PRIMARY KEY,
                running integer NOT NULL,
                granted integer NOT NULL DEFAULT 0
            ) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 500,
                    autovacuum_vacuum_cost_delay = 0)
            """,
            """
            CREATE TABLE \(unescaped: s).job_runs (
                job_id text COLLATE "C" NOT NULL,
                epoch bigint NOT NULL,
                attempt bigint NOT NULL,
                worker_id text NOT NULL,
                started_at timestamptz NOT NULL,
                finished_at timestamptz,
                outcome text,
                exit_code integer,
                error text,
                insights jsonb,
                PRIMARY KEY (job_id, epoch)
            ) WITH (fillfactor = 85)
            """,
            """
            CREATE TABLE \(unescaped: s).job_events (
                sequence bigint GENERATED ALWAYS AS IDENTITY,
                job_id text COLLATE "C" NOT NULL,
                at timestamptz NOT NULL,
                kind text NOT NULL,
                state text NOT NULL,
                epoch bigint,
                message text,
                PRIMARY KEY (job_id, sequence)
            )
            """,
            """
            CREATE TABLE \(unescaped: s).job_logs (
                job_id text COLLATE "C" NOT NULL,
                position bigint NOT NULL,
                data bytea NOT NULL,
                PRIMARY KEY (job_id, position)
            )
            """,
            """
            CREATE TABLE \(unescaped: s).job_log_sizes (
                job_id text COLLATE "C" PRIMARY KEY,
                size bigint NOT NULL,
                truncated boolean NOT NULL
            )
            """,
        ]
    }
}
