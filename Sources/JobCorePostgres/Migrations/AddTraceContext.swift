import PostgresNIO

/// Version 5: the enqueuer's trace context (`name: value` lines of propagation fields such as W3C
/// `traceparent`), so that a job's attempts join the trace that enqueued it. Jobs of older
/// schemas have none.
struct AddTraceContext: PostgresMigration {
    let version = 5
    let name = "jobs.trace_context"

    func statements(in schema: PostgresSchemaName) -> [PostgresQuery] {
        ["ALTER TABLE \(unescaped: schema.quoted).jobs ADD COLUMN IF NOT EXISTS trace_context text"]
    }
}
