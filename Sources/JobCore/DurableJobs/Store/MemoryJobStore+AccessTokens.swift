public import Foundation
import Synchronization

extension MemoryJobStore: AccessTokenStore {
    public func addAccessToken(id: String, name: String, scope: AccessScope, secretHash: Data) async throws -> AccessTokenRecord {
        try AccessTokenRecord.validateName(name)
        let record = AccessTokenRecord(id: id, name: name, scope: scope, secretHash: secretHash, createdAt: clock.now)
        try state.withLock { state throws(JobStoreError) in
            guard state.accessTokens[id] == nil, !state.accessTokens.values.contains(where: { $0.name == name }) else {
                throw JobStoreError(.duplicate, "an access token named '\(name)' exists already")
            }
            state.accessTokens[id] = record
        }
        return record
    }

    public func accessTokens() async throws -> [AccessTokenRecord] {
        state.withLock { $0.accessTokens.values.sorted { $0.name < $1.name } }
    }

    public func accessToken(id: String) async throws -> AccessTokenRecord? {
        state.withLock { $0.accessTokens[id] }
    }

    public func revokeAccessToken(named name: String) async throws {
        try state.withLock { state throws(JobStoreError) in
            guard let id = state.accessTokens.first(where: { $0.value.name == name })?.key else {
                throw JobStoreError(.notFound, "no access token named '\(name)'")
            }
            state.accessTokens[id] = nil
        }
    }
}
