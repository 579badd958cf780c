import PostgresNIO

/// Version 3: the reason given with a cancel request (delivered to the running attempt with the
/// heartbeat, e.g. to tell `kill --force` from a cancel).
struct AddCancelReason: PostgresMigration {
    let version = 3
    let name = "jobs.cancel_reason"

    func statements(in schema: PostgresSchemaName) -> [PostgresQuery] {
        ["ALTER TABLE \(unescaped: schema.quoted).jobs ADD COLUMN IF NOT EXISTS cancel_reason text"]
    }
}
