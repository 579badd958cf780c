public import Foundation
public import JobCore
import PostgresNIO

extension PostgresJobStore: AccessTokenStore {
    public func addAccessToken(id: String, name: String, scope: AccessScope, secretHash: Data) async throws -> AccessTokenRecord {
        try AccessTokenRecord.validateName(name)
        return try await transaction { connection, now in
            let created = PostgresTimestamp(now)
            let inserted = try await connection.rows("""
                INSERT INTO \(unescaped: self.tables.accessTokens) (id, name, scope, secret_hash, created_at)
                VALUES (\(id), \(name), \(scope.rawValue), \(secretHash), \(created))
                ON CONFLICT DO NOTHING
                RETURNING id
                """, logger: self.logger)
            guard !inserted.isEmpty else { throw JobStoreError(.duplicate, "an access token named '\(name)' exists already") }
            return AccessTokenRecord(id: id, name: name, scope: scope, secretHash: secretHash, createdAt: created.date)
        }
    }

    public func accessTokens() async throws -> [AccessTokenRecord] {
        try await connection { connection in
            let rows = try await connection.rows(
                "SELECT id, name, scope, secret_hash, created_at FROM \(unescaped: self.tables.accessTokens) ORDER BY name", logger: self.logger
            )
            return try Self.accessTokens(rows)
        }
    }

    public func accessToken(id: String) async throws -> AccessTokenRecord? {
        try await connection { connection in
            let rows = try await connection.rows(
                "SELECT id, name, scope, secret_hash, created_at FROM \(unescaped: self.tables.accessTokens) WHERE id = \(id)",
                logger: self.logger
            )
            return try Self.accessTokens(rows).first
        }
    }

    public func revokeAccessToken(named name: String) async throws {
        try await transaction { connection, _ in
            let deleted = try await connection.rows(
                "DELETE FROM \(unescaped: self.tables.accessTokens) WHERE name = \(name) RETURNING id", logger: self.logger
            )
            guard !deleted.isEmpty else { throw JobStoreError(.notFound, "no access token named '\(name)'") }
        }
    }

    /// The tokens of `rows`; a row with an unknown scope (written by a newer build) is left out
    /// and authenticates nobody.
    private static func accessTokens(_ rows: [PostgresRow]) throws -> [AccessTokenRecord] {
        try rows.decode((String, String, String, Data, PostgresTimestamp).self).compactMap { id, name, scope, hash, created in
            AccessScope(rawValue: scope).map { AccessTokenRecord(id: id, name: name, scope: $0, secretHash: hash, createdAt: created.date) }
        }
    }
}
