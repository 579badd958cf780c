import PostgresNIO

/// Version 9: the worker registry: what each worker process is and declares (host, pid,
/// version, capabilities, labels), its load and state. Rows of older releases keep their id,
/// capacity (the seats), queue and last-seen time.
struct AddWorkerRegistry: PostgresMigration {
    let version = 9
    let name = "worker registry"

    func statements(in schema: PostgresSchemaName) -> [PostgresQuery] {
        [
            """
            ALTER TABLE \(unescaped: schema.quoted).workers
                ADD COLUMN IF NOT EXISTS host text NOT NULL DEFAULT '',
                ADD COLUMN IF NOT EXISTS pid integer NOT NULL DEFAULT 0,
                ADD COLUMN IF NOT EXISTS version text NOT NULL DEFAULT '',
                ADD COLUMN IF NOT EXISTS capabilities text NOT NULL DEFAULT '[]',
                ADD COLUMN IF NOT EXISTS labels text NOT NULL DEFAULT '{}',
                ADD COLUMN IF NOT EXISTS load integer NOT NULL DEFAULT 0,
                ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'active',
                ADD COLUMN IF NOT EXISTS started_at timestamptz,
                ADD COLUMN IF NOT EXISTS heartbeat_micros bigint NOT NULL DEFAULT 5000000
            """,
            "UPDATE \(unescaped: schema.quoted).workers SET started_at = seen_at WHERE started_at IS NULL",
            "ALTER TABLE \(unescaped: schema.quoted).workers ALTER COLUMN started_at SET NOT NULL",
        ]
    }
}
