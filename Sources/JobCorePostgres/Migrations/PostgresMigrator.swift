@_spi(JobStoreImplementation) import JobCore
import Logging
import PostgresNIO

/// Brings a schema up to date with every ``PostgresMigration``.
///
/// The whole run is one transaction holding a transaction-scoped advisory lock derived from the
/// schema name, so processes that start together migrate one after the other and the later ones
/// find nothing to do. DDL is transactional in PostgreSQL: a failed migration leaves no trace.
enum PostgresMigrator {
    /// Every migration, in order.
    static let migrations: [any PostgresMigration] = [
        CreateJobTables(),
        CreateOperationsTables(),
        AddCancelReason(),
        AddCancelMode(),
        AddTraceContext(),
        AddDependencies(),
        AddChildren(),
        AddAccessTokens(),
        AddWorkerRegistry(),
    ]

    /// The version the store's code expects.
    static var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Applies the missing migrations; returns the names of those applied.
    static func migrate(_ connection: PostgresConnection, schema: PostgresSchemaName, logger: Logger) async throws -> [String] {
        try await PostgresTransaction.run(on: connection, logger: logger) { connection in
            let lockName = "jobcore.migrate.\(schema.name)"
            try await connection.perform("SELECT pg_advisory_xact_lock(hashtext(\(lockName)))", logger: logger)
            try await connection.perform("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema.quoted)", logger: logger)
            try await connection.perform("""
                CREATE TABLE IF NOT EXISTS \(unescaped: schema.quoted).schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: Set<Int> = []
            for version in try await connection.rows(
                "SELECT version FROM \(unescaped: schema.quoted).schema_migrations", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            if let newer = applied.max(), newer > latestVersion {
                throw JobStoreError(
                    .unsupported,
                    "schema \(schema) is at version \(newer), newer than this build of JobCore knows (\(latestVersion)): upgrade the workers"
                )
            }
            var names: [String] = []
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
                for statement in migration.statements(in: schema) {
                    try await connection.perform(statement, logger: logger)
                }
                let version = migration.version
                let name = migration.name
                try await connection.perform(
                    "INSERT INTO \(unescaped: schema.quoted).schema_migrations (version, name) VALUES (\(version), \(name))",
                    logger: logger
                )
                logger.info("migration applied", metadata: ["schema": "\(schema)", "migration": "\(version) \(name)"])
                names.append(name)
            }
            return names
        }
    }
}
