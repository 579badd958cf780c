import PostgresNIO

/// One step of the store's schema. Each migration is applied once per schema, in version order,
/// inside the migrator's transaction, and recorded in the schema's `schema_migrations` table.
/// Released migrations never change: a new schema change is a new type with the next version.
protocol PostgresMigration: Sendable {
    /// The position of the migration; unique and increasing.
    var version: Int { get }
    /// What the migration does, as recorded in `schema_migrations`.
    var name: String { get }
    /// The statements to run, in order, with tables in `schema`.
    func statements(in schema: PostgresSchemaName) -> [PostgresQuery]
}
