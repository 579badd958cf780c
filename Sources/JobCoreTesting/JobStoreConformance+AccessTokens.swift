import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func accessTokensAreKeptByHashAndRevocable() async throws {
        guard let tokens = store as? any AccessTokenStore else {
            throw JobStoreConformance.Failure(check: check, message: "the store does not keep access tokens (AccessTokenStore)", line: #line)
        }
        let hash = Data((0..<32).map { UInt8($0) })
        let ci = try await tokens.addAccessToken(id: "id-ci", name: "ci", scope: .operate, secretHash: hash)
        try expectEqual(ci, AccessTokenRecord(id: "id-ci", name: "ci", scope: .operate, secretHash: hash, createdAt: clock.now), "the record")
        let admin = try await tokens.addAccessToken(id: "id-admin", name: "admin-1", scope: .admin, secretHash: Data(repeating: 1, count: 32))
        try expectEqual(try await tokens.accessToken(id: "id-ci"), ci, "found by id")
        try expectEqual(try await tokens.accessToken(id: "id-unknown"), nil, "an unknown id")
        try expectEqual(try await tokens.accessTokens(), [admin, ci], "by name")
        try await expectError(.duplicate, "a name in use") {
            try await tokens.addAccessToken(id: "id-other", name: "ci", scope: .read, secretHash: hash)
        }
        try await expectError(.duplicate, "an id in use") {
            try await tokens.addAccessToken(id: "id-ci", name: "other", scope: .read, secretHash: hash)
        }
        try await expectError(.invalidArgument, "an invalid name") {
            try await tokens.addAccessToken(id: "id-bad", name: "no spaces", scope: .read, secretHash: hash)
        }
        try await tokens.revokeAccessToken(named: "ci")
        try expectEqual(try await tokens.accessToken(id: "id-ci"), nil, "a revoked token is gone")
        try expectEqual(try await tokens.accessTokens(), [admin], "what is left")
        try await expectError(.notFound, "revoke an unknown name") { try await tokens.revokeAccessToken(named: "ci") }
        try expectEqual(try await store.count(JobFilter()), 0, "tokens are not jobs")
    }
}
