import PostgresNIO

/// Version 2: what operators look at besides jobs: worker presence (for health's capacity) and
/// the quarantine of records that could not be decoded.
struct CreateOperationsTables: PostgresMigration {
    let version = 2
    let name = "workers, quarantine"

    func statements(in schema: PostgresSchemaName) -> [PostgresQuery] {
        let s = schema.quoted
        return [
            """
            CREATE TABLE \(unescaped: s).workers (
                id text PRIMARY KEY,
                capacity integer NOT NULL,
                queue text NOT NULL,
                seen_at timestamptz NOT NULL
            ) WITH (fillfactor = 50)
            """,
            """
            CREATE TABLE \(unescaped: s).quarantine (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                job_id text NOT NULL,
                reason text NOT NULL,
                raw text NOT NULL,
                quarantined_at timestamptz NOT NULL
            )
            """,
        ]
    }
}
