public import Foundation
import GRDB
public import JobCore

extension SQLiteJobStore: AccessTokenStore {
    public func addAccessToken(id: String, name: String, scope: AccessScope, secretHash: Data) async throws -> AccessTokenRecord {
        try AccessTokenRecord.validateName(name)
        return try await write { db, now in
            let taken = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM access_tokens WHERE id = ? OR name = ?)", arguments: [id, name]) ?? false
            guard !taken else { throw JobStoreError(.duplicate, "an access token named '\(name)' exists already") }
            try db.execute(
                sql: "INSERT INTO access_tokens (id, name, scope, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, name, scope.rawValue, secretHash, SQLiteJobCodec.micros(now)]
            )
            return AccessTokenRecord(id: id, name: name, scope: scope, secretHash: secretHash, createdAt: SQLiteJobCodec.date(SQLiteJobCodec.micros(now)))
        }
    }

    public func accessTokens() async throws -> [AccessTokenRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, scope, secret_hash, created_at FROM access_tokens ORDER BY name").compactMap(Self.accessToken)
        }
    }

    public func accessToken(id: String) async throws -> AccessTokenRecord? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT id, name, scope, secret_hash, created_at FROM access_tokens WHERE id = ?"), arguments: [id])
                .flatMap(Self.accessToken)
        }
    }

    public func revokeAccessToken(named name: String) async throws {
        try await write { db, _ in
            try db.execute(sql: "DELETE FROM access_tokens WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { throw JobStoreError(.notFound, "no access token named '\(name)'") }
        }
    }

    /// A stored token; `nil` for a row with an unknown scope (written by a newer build), which
    /// then authenticates nobody.
    private static func accessToken(_ row: Row) -> AccessTokenRecord? {
        guard let scopeText: String = row["scope"], let scope = AccessScope(rawValue: scopeText) else { return nil }
        return AccessTokenRecord(
            id: row["id"], name: row["name"], scope: scope, secretHash: row["secret_hash"], createdAt: SQLiteJobCodec.date(row["created_at"])
        )
    }
}
