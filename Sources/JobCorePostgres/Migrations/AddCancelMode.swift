import PostgresNIO

/// Version 4: how a cancel stops the running attempt (`graceful` or `immediate`), so that
/// `kill --force` is a stop mode rather than a reason to compare. A cancel pending in a schema
/// of the previous release was asked for gracefully (the only way there was).
struct AddCancelMode: PostgresMigration {
    let version = 4
    let name = "jobs.cancel_mode"

    func statements(in schema: PostgresSchemaName) -> [PostgresQuery] {
        [
            "ALTER TABLE \(unescaped: schema.quoted).jobs ADD COLUMN IF NOT EXISTS cancel_mode text",
            "UPDATE \(unescaped: schema.quoted).jobs SET cancel_mode = 'graceful' WHERE cancel_requested AND cancel_mode IS NULL",
        ]
    }
}
