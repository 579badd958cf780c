import PostgresNIO

/// Version 8: the access tokens of the control plane (`JobCoreHTTP`, `jobctl tokens`): a public
/// id, a unique name, the scope, and a hash of the secret — never the token itself.
struct AddAccessTokens: PostgresMigration {
    let version = 8
    let name = "access tokens"

    func statements(in schema: PostgresSchemaName) -> [PostgresQuery] {
        [
            """
            CREATE TABLE IF NOT EXISTS \(unescaped: schema.quoted).access_tokens (
                id text PRIMARY KEY,
                name text NOT NULL UNIQUE,
                scope text NOT NULL,
                secret_hash bytea NOT NULL,
                created_at timestamptz NOT NULL
            )
            """,
        ]
    }
}
