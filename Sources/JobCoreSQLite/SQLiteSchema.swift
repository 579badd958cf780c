import GRDB
@_spi(JobStoreImplementation) import JobCore

/// Tables, indexes and migrations of the SQLite store.
///
/// Times are INTEGER microseconds since 1970. There are no foreign keys: purge deletes
/// explicitly, and start-up validation removes runs, events and logs whose job is gone.
enum SQLiteSchema {
    /// The job columns in the order ``SQLiteJobCodec`` reads and writes them.
    static let jobColumns = """
        id, queue, key, kind, payload, state, priority, run_at, attempt, max_attempts, timeout_ms, \
        idempotency_key, lease_holder, lease_expires_at, epoch, cancel_requested, cancel_reason, cancel_mode, \
        created_at, started_at, finished_at, updated_at, last_error, result, version, trace_context, \
        depends_on, dependency_mode, pending_dependencies, has_dependents, \
        parent_id, pending_children, failed_children, failed_child_ids, checkpoint
        """

    /// The columns a transition may change (never id, queue, key, kind, payload, priority,
    /// max attempts, timeout, idempotency key, creation time, dependencies or parent;
    /// `has_dependents` is set only when a dependent is enqueued).
    static let mutableJobColumns = """
        state, run_at, attempt, lease_holder, lease_expires_at, epoch, cancel_requested, cancel_reason, cancel_mode, \
        started_at, finished_at, updated_at, last_error, result, version, pending_dependencies, \
        pending_children, failed_children, failed_child_ids, checkpoint
        """

    static let insertJob = "INSERT INTO jobs (\(jobColumns)) VALUES (\(placeholders(jobColumns)))"
    static let updateJob = "UPDATE jobs SET (\(mutableJobColumns)) = (\(placeholders(mutableJobColumns))) WHERE id = ? AND version = ?"

    /// One `?` per column of a column list.
    private static func placeholders(_ columns: String) -> String {
        Array(repeating: "?", count: columns.split(separator: ",").count).joined(separator: ", ")
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs, runs, events, logs, workers, quarantine") { db in
            try db.execute(sql: """
                CREATE TABLE jobs (
                    id TEXT NOT NULL PRIMARY KEY,
                    queue TEXT NOT NULL,
                    key TEXT,
                    kind TEXT NOT NULL,
                    payload BLOB,
                    state TEXT NOT NULL,
                    priority INTEGER NOT NULL,
                    run_at INTEGER NOT NULL,
                    attempt INTEGER NOT NULL,
                    max_attempts INTEGER NOT NULL,
                    timeout_ms INTEGER NOT NULL,
                    idempotency_key TEXT UNIQUE,
                    lease_holder TEXT,
                    lease_expires_at INTEGER,
                    epoch INTEGER NOT NULL,
                    cancel_requested INTEGER NOT NULL,
                    cancel_reason TEXT,
                    created_at INTEGER NOT NULL,
                    started_at INTEGER,
                    finished_at INTEGER,
                    updated_at INTEGER NOT NULL,
                    last_error TEXT,
                    result BLOB,
                    version INTEGER NOT NULL
                );
                -- Claim order among queued jobs; key first serves per-key heads and keyless jobs.
                CREATE INDEX jobs_claim ON jobs (queue, priority DESC, run_at, id) WHERE state = 'queued';
                CREATE INDEX jobs_claim_key ON jobs (queue, key, priority DESC, run_at, id) WHERE state = 'queued';
                CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE state = 'running';
                -- Listing failed or cancelled jobs; the hot transitions (queued → running → succeeded)
                -- do not touch it. Queued and running jobs are found through the partial indexes
                -- above and below, succeeded ones by id.
                CREATE INDEX jobs_unsuccessful ON jobs (state, id) WHERE state IN ('failed', 'cancelled');
                CREATE INDEX jobs_key ON jobs (key, id);
                -- Running jobs per concurrency key, kept in the same transactions as the jobs.
                CREATE TABLE job_keys (
                    key TEXT NOT NULL PRIMARY KEY,
                    running INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE job_runs (
                    job_id TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    attempt INTEGER NOT NULL,
                    worker_id TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    outcome TEXT,
                    exit_code INTEGER,
                    error TEXT,
                    insights TEXT,
                    PRIMARY KEY (job_id, epoch)
                ) WITHOUT ROWID;
                CREATE TABLE job_events (
                    sequence INTEGER PRIMARY KEY,
                    job_id TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    state TEXT NOT NULL,
                    epoch INTEGER,
                    message TEXT
                );
                CREATE INDEX job_events_job ON job_events (job_id, sequence);
                CREATE TABLE job_logs (
                    job_id TEXT NOT NULL,
                    offset INTEGER NOT NULL,
                    data BLOB NOT NULL,
                    PRIMARY KEY (job_id, offset)
                ) WITHOUT ROWID;
                CREATE TABLE job_log_sizes (
                    job_id TEXT NOT NULL PRIMARY KEY,
                    size INTEGER NOT NULL,
                    truncated INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE workers (
                    id TEXT NOT NULL PRIMARY KEY,
                    capacity INTEGER NOT NULL,
                    queue TEXT NOT NULL,
                    seen_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    job_id TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    raw TEXT NOT NULL,
                    quarantined_at INTEGER NOT NULL
                );
                """)
        }
        // Files made by pre-release builds of v1 lack the cancel reason and still have the old
        // state index: bring them to v1's final shape. A no-op on files v1 created as it is now.
        migrator.registerMigration("v2: cancel reason, unsuccessful-jobs index") { db in
            let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(jobs)").map { $0["name"] as String }
            if !columns.contains("cancel_reason") {
                try db.execute(sql: "ALTER TABLE jobs ADD COLUMN cancel_reason TEXT")
            }
            try db.execute(sql: """
                DROP INDEX IF EXISTS jobs_state;
                CREATE INDEX IF NOT EXISTS jobs_unsuccessful ON jobs (state, id) WHERE state IN ('failed', 'cancelled');
                """)
        }
        // Files of the previous release (v1, v2) have no stop mode: add it. A cancel pending in
        // such a file was asked for gracefully (the only way there was).
        migrator.registerMigration("v3: cancel mode") { db in
            let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(jobs)").map { $0["name"] as String }
            if !columns.contains("cancel_mode") {
                try db.execute(sql: "ALTER TABLE jobs ADD COLUMN cancel_mode TEXT")
            }
            try db.execute(sql: "UPDATE jobs SET cancel_mode = 'graceful' WHERE cancel_requested != 0 AND cancel_mode IS NULL")
        }
        // The enqueuer's trace context (`name: value` lines of propagation fields, e.g. `traceparent`),
        // so that attempts join the enqueuer's trace. Jobs of older files have none.
        migrator.registerMigration("v4: trace context") { db in
            let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(jobs)").map { $0["name"] as String }
            if !columns.contains("trace_context") {
                try db.execute(sql: "ALTER TABLE jobs ADD COLUMN trace_context TEXT")
            }
        }
        // Dependencies between jobs: the list on the job (ids separated by spaces), how many have
        // not ended, whether any job depends on it, and the reverse index that finds a job's
        // dependents when it ends. Jobs of older files have none.
        migrator.registerMigration("v5: dependencies") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN depends_on TEXT;
                ALTER TABLE jobs ADD COLUMN dependency_mode TEXT;
                ALTER TABLE jobs ADD COLUMN pending_dependencies INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE jobs ADD COLUMN has_dependents INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE job_dependencies (
                    dependency_id TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    PRIMARY KEY (dependency_id, job_id)
                ) WITHOUT ROWID;
                CREATE INDEX jobs_waiting ON jobs (state, id) WHERE state = 'waiting';
                """)
        }
        // Parent and child jobs: the parent of a child (indexed, to find a job's children), how
        // many children have not ended, and how many ended without succeeding (the first few by
        // id, separated by spaces); and the latest checkpoint (JSON). Jobs of older files have none.
        migrator.registerMigration("v6: children, checkpoints") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN parent_id TEXT;
                ALTER TABLE jobs ADD COLUMN pending_children INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE jobs ADD COLUMN failed_children INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE jobs ADD COLUMN failed_child_ids TEXT;
                ALTER TABLE jobs ADD COLUMN checkpoint TEXT;
                CREATE INDEX jobs_parent ON jobs (parent_id, id) WHERE parent_id IS NOT NULL;
                """)
        }
        // Access tokens of the control plane (JobCoreHTTP, jobctl tokens): a public id, a unique
        // name, the scope and a hash of the secret — never the token itself.
        migrator.registerMigration("v7: access tokens") { db in
            try db.execute(sql: """
                CREATE TABLE access_tokens (
                    id TEXT NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    scope TEXT NOT NULL,
                    secret_hash BLOB NOT NULL,
                    created_at INTEGER NOT NULL
                );
                """)
        }
        // The worker registry: what each worker process is and declares, its load and state.
        // Rows of older releases keep their id, capacity (seats), queue and last-seen time.
        migrator.registerMigration("v8: worker registry") { db in
            try db.execute(sql: """
                ALTER TABLE workers ADD COLUMN host TEXT NOT NULL DEFAULT '';
                ALTER TABLE workers ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE workers ADD COLUMN version TEXT NOT NULL DEFAULT '';
                ALTER TABLE workers ADD COLUMN capabilities TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE workers ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE workers ADD COLUMN load INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE workers ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
                ALTER TABLE workers ADD COLUMN started_at INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE workers ADD COLUMN heartbeat_micros INTEGER NOT NULL DEFAULT 5000000;
                UPDATE workers SET started_at = seen_at;
                """)
        }
        return migrator
    }

    /// The schema version this build knows: the number of its newest migration.
    static let latestVersion = 8

    /// The schema version of a migration identifier (`"v3: cancel mode"` is 3), if it has one.
    static func version(of identifier: String) -> Int? {
        guard identifier.first == "v", let colon = identifier.firstIndex(of: ":") else { return nil }
        return Int(identifier[identifier.index(after: identifier.startIndex)..<colon])
    }

    /// Throws `unsupported` when the file holds migrations this build does not know: a newer
    /// build made it, and this one would misread it.
    static func refuseNewerSchema(_ db: Database, path: String) throws {
        let known = Set(migrator.migrations)
        let unknown = try migrator.appliedIdentifiers(db).subtracting(known)
        guard !unknown.isEmpty else { return }
        let newest = unknown.compactMap(version(of:)).max()
        let found = newest.map { "version \($0)" } ?? "an unknown version (\(unknown.sorted().joined(separator: ", ")))"
        throw JobStoreError(
            .unsupported,
            "the SQLite store at \(path) has schema \(found), newer than this build of JobCore knows (version \(latestVersion)): upgrade jobctl, or use another store"
        )
    }

    /// A condition true for job rows that ``SQLiteJobCodec`` cannot decode; validation checks
    /// every row with it in one scan and decodes only the rows it selects, for the reason.
    static let suspectRow = """
        typeof(id) != 'text' OR length(id) = 0 OR typeof(queue) != 'text' OR typeof(kind) != 'text' \
        OR typeof(payload) NOT IN ('blob', 'text', 'null') \
        OR state IS NULL OR state NOT IN ('waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled') \
        OR typeof(priority) != 'integer' OR typeof(run_at) != 'integer' OR typeof(attempt) != 'integer' \
        OR typeof(max_attempts) != 'integer' OR typeof(timeout_ms) != 'integer' OR typeof(epoch) != 'integer' \
        OR typeof(cancel_requested) != 'integer' OR typeof(created_at) != 'integer' \
        OR typeof(updated_at) != 'integer' OR typeof(version) != 'integer' \
        OR typeof(key) NOT IN ('text', 'null') OR typeof(idempotency_key) NOT IN ('text', 'null') \
        OR typeof(lease_holder) NOT IN ('text', 'null') OR typeof(cancel_reason) NOT IN ('text', 'null') OR typeof(lease_expires_at) NOT IN ('integer', 'null') \
        OR typeof(cancel_mode) NOT IN ('text', 'null') OR cancel_mode NOT IN ('graceful', 'immediate') \
        OR typeof(started_at) NOT IN ('integer', 'null') OR typeof(finished_at) NOT IN ('integer', 'null') \
        OR typeof(last_error) NOT IN ('text', 'null') OR typeof(result) NOT IN ('blob', 'text', 'null') \
        OR typeof(depends_on) NOT IN ('text', 'null') OR typeof(dependency_mode) NOT IN ('text', 'null') \
        OR dependency_mode NOT IN ('succeeded', 'finished') OR typeof(pending_dependencies) != 'integer' \
        OR typeof(has_dependents) != 'integer' OR typeof(parent_id) NOT IN ('text', 'null') \
        OR typeof(pending_children) != 'integer' OR typeof(failed_children) != 'integer' \
        OR typeof(failed_child_ids) NOT IN ('text', 'null') OR typeof(checkpoint) NOT IN ('text', 'null')
        """
}
