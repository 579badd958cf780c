import PostgresNIO

/// Version 7: parent and child jobs, and checkpoints. On the job: its parent (indexed, to find a
/// job's children), how many children have not ended, how many ended without succeeding (the
/// first few by id, separated by spaces), and the latest checkpoint (JSON). Jobs of older
/// schemas have none.
struct AddChildren: PostgresMigration {
    let version = 7
    let name = "child jobs and checkpoints"

    func statements(in schema: PostgresSchemaName) -> [PostgresQuery] {
        let s = schema.quoted
        return [
            "ALTER TABLE \(unescaped: s).jobs ADD COLUMN IF NOT EXISTS parent_id text",
            "ALTER TABLE \(unescaped: s).jobs ADD COLUMN IF NOT EXISTS pending_children integer NOT NULL DEFAULT 0",
            "ALTER TABLE \(unescaped: s).jobs ADD COLUMN IF NOT EXISTS failed_children integer NOT NULL DEFAULT 0",
            "ALTER TABLE \(unescaped: s).jobs ADD COLUMN IF NOT EXISTS failed_child_ids text",
            "ALTER TABLE \(unescaped: s).jobs ADD COLUMN IF NOT EXISTS checkpoint text",
            "CREATE INDEX IF NOT EXISTS jobs_parent ON \(unescaped: s).jobs (parent_id, id) WHERE parent_id IS NOT NULL",
        ]
    }
}
