/// The qualified names of a store's tables, e.g. `"jobcore".jobs`, spliced into SQL text.
/// Only the validated, quoted schema name ever enters SQL this way; values are always bound.
struct PostgresTables: Sendable {
    let jobs: String
    let keys: String
    let runs: String
    let events: String
    let logs: String
    let logSizes: String
    let workers: String
    let quarantine: String
    let migrations: String
    let dependencies: String
    let accessTokens: String

    init(_ schema: PostgresSchemaName) {
        let s = schema.quoted
        jobs = "\(s).jobs"
        keys = "\(s).job_keys"
        runs = "\(s).job_runs"
        events = "\(s).job_events"
        logs = "\(s).job_logs"
        logSizes = "\(s).job_log_sizes"
        workers = "\(s).workers"
        quarantine = "\(s).quarantine"
        migrations = "\(s).schema_migrations"
        dependencies = "\(s).job_dependencies"
        accessTokens = "\(s).access_tokens"
    }
}
