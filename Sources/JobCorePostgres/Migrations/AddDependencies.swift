import PostgresNIO

/// Version 6: dependencies between jobs. On the job: the ids it depends on (separated by
/// spaces), its dependency mode, how many of them have not ended, and whether any job depends on
/// it; the reverse index finds a job's dependents when it ends. Jobs of older schemas have none.
struct AddDependencies: PostgresMigration {
    let version = 6
    let name = "job dependencies"

    func statements(in schema: PostgresSchemaName) -> [PostgresQuery] {
        let s = schema.quoted
        return [
            "ALTER TABLE \(unescaped: s).jobs ADD COLUMN IF NOT EXISTS depends_on text",
            "ALTER TABLE \(unescaped: s).jobs ADD COLUMN IF NOT EXISTS dependency_mode text",
            "ALTER TABLE \(unescaped: s).jobs ADD COLUMN IF NOT EXISTS pending_dependencies integer NOT NULL DEFAULT 0",
            "ALTER TABLE \(unescaped: s).jobs ADD COLUMN IF NOT EXISTS has_dependents boolean NOT NULL DEFAULT false",
            """
            CREATE TABLE IF NOT EXISTS \(unescaped: s).job_dependencies (
                dependency_id text NOT NULL,
                job_id text NOT NULL,
                PRIMARY KEY (dependency_id, job_id)
            )
            """,
            "CREATE INDEX IF NOT EXISTS jobs_waiting ON \(unescaped: s).jobs (id) WHERE state = 'waiting'",
        ]
    }
}
