public import Foundation

/// A store that keeps the access tokens of the control plane (the HTTP API of `JobCoreHTTP`,
/// `jobctl tokens`): only their hashes, never a token itself. `SQLiteJobStore`,
/// `PostgresJobStore` and ``MemoryJobStore`` are all access token stores; `JobStoreConformance`
/// checks them.
public protocol AccessTokenStore: Sendable {
    /// Stores a new token, created now (the store's time).
    /// - Throws: ``JobStoreError`` with `duplicate` when the id or the name is taken,
    ///   `invalidArgument` for an invalid name (``AccessTokenRecord/validateName(_:)``).
    func addAccessToken(id: String, name: String, scope: AccessScope, secretHash: Data) async throws -> AccessTokenRecord

    /// Every token, by name.
    func accessTokens() async throws -> [AccessTokenRecord]

    /// The token with this id, or `nil`.
    func accessToken(id: String) async throws -> AccessTokenRecord?

    /// Deletes the token with this name: it no longer authenticates.
    /// - Throws: ``JobStoreError`` with `notFound` when no token has this name.
    func revokeAccessToken(named name: String) async throws
}
