import Foundation
import JobCore
import Synchronization

/// The access tokens of a store, each looked up at most once per ``ttl``: the API reads a token's
/// record for every request, and a read of the store per request would cost more than the
/// request's own work. The secret is still hashed and compared with the record's hash, in
/// constant time, at every request; what the cache delays is only a revocation made elsewhere
/// (by `jobctl tokens revoke` in another process), by at most ``ttl``. A revocation through this
/// object takes effect at once.
final class CachedAccessTokens: AccessTokenStore, Sendable {
    let store: any AccessTokenStore
    let ttl: Duration
    let clock: any WallClock
    private let entries = Mutex<[String: (record: AccessTokenRecord?, until: Date)]>([:])

    /// The most token ids remembered; past it the cache starts again empty.
    static let capacity = 10_000

    init(_ store: any AccessTokenStore, ttl: Duration, clock: any WallClock) {
        self.store = store
        self.ttl = ttl
        self.clock = clock
    }

    func accessToken(id: String) async throws -> AccessTokenRecord? {
        let now = clock.now
        if let entry = entries.withLock({ $0[id] }), now < entry.until { return entry.record }
        let record = try await store.accessToken(id: id)
        // Unknown ids are not remembered: a token created a moment ago must work at once.
        guard let record, ttl > .zero else { return record }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = (record, now.adding(ttl))
        }
        return record
    }

    func addAccessToken(id: String, name: String, scope: AccessScope, secretHash: Data) async throws -> AccessTokenRecord {
        try await store.addAccessToken(id: id, name: name, scope: scope, secretHash: secretHash)
    }

    func accessTokens() async throws -> [AccessTokenRecord] {
        try await store.accessTokens()
    }

    func revokeAccessToken(named name: String) async throws {
        try await store.revokeAccessToken(named: name)
        entries.withLock { entries in entries = entries.filter { $0.value.record?.name != name } }
    }
}
