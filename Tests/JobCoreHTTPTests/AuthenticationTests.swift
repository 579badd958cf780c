import Foundation
import HTTPTypes
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import JobCoreTesting
import Testing

/// Access tokens: every route but `/openapi.json` refuses an unauthenticated call (401) and a
/// token with too small a scope (403), and accepts one with enough.
@Suite struct AuthenticationTests {
    @Test(arguments: StoreKind.allCases)
    func everyRouteRefusesUnauthenticatedAndUnderScopedCalls(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind, authenticated: true) { api in
            let tokens = try #require(api.store as? any AccessTokenStore)
            let read = try await AccessTokens.create(name: "reader", scope: .read, in: tokens).token
            let operate = try await AccessTokens.create(name: "operator", scope: .operate, in: tokens).token
            let admin = try await AccessTokens.create(name: "admin", scope: .admin, in: tokens).token
            let byScope: [AccessScope: String] = [.read: read, .operate: operate, .admin: admin]
            let revoked = try await AccessTokens.create(name: "revoked", scope: .admin, in: tokens)
            try await tokens.revokeAccessToken(named: "revoked")
            let forged = String(revoked.token.prefix(4 + 16 + 1)) + String(repeating: "A", count: 43)
            let job = try await api.enqueue()
            let victim = try await api.enqueue()
            // A stream of a job that has ended closes after what exists; of another it goes on.
            let ended = try await api.finishedJob(succeeded: true)

            let endpoints = JobCoreAPI(store: api.store).endpoints
            #expect(endpoints.count == 20)
            for endpoint in endpoints {
                // Purging one job gets a job of its own: the others still need theirs.
                let id = endpoint.method == .delete ? victim.id : endpoint.path.hasSuffix("/stream") ? ended.id : job.id
                let uri = endpoint.path.replacingOccurrences(of: "{id}", with: id.rawValue)
                    + (endpoint.method == .delete && endpoint.path == "/v1/jobs" ? "?state=cancelled" : "")
                guard let scope = endpoint.scope else {
                    #expect(try await api.send(endpoint.method, uri).status == .ok, "\(endpoint) is open")
                    continue
                }
                // Unauthenticated: no header, another scheme, malformed, unknown, revoked, forged.
                let missing = try await api.send(endpoint.method, uri)
                try missing.expectError(.unauthorized, "unauthorized")
                #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(endpoint)")
                for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer nonsense", "Bearer \(revoked.token)", "Bearer \(forged)", admin] {
                    try await api.send(endpoint.method, uri, headers: [.authorization: header]).expectError(.unauthorized, "unauthorized")
                }
                // Under-scoped: every smaller scope.
                for smaller in AccessScope.allCases where smaller < scope {
                    let response = try await api.send(endpoint.method, uri, headers: [.authorization: "Bearer \(byScope[smaller]!)"])
                    let message = try response.expectError(.forbidden, "forbidden")
                    #expect(message.contains(scope.rawValue), "\(endpoint)")
                }
                // Enough: neither 401 nor 403 (the route's own answer).
                for enough in AccessScope.allCases where enough >= scope {
                    let status = try await api.send(endpoint.method, uri, headers: [.authorization: "bearer \(byScope[enough]!)"]).status
                    #expect(status != .unauthorized && status != .forbidden, "\(endpoint) with \(enough): \(status)")
                }
            }
            let kinds = try await api.store.events(of: job.id).map(\.kind)
            #expect(kinds.contains(.cancelled) && kinds.contains(.retried), "the operate token could cancel and retry it: \(kinds)")
            await #expect(throws: JobStoreError.self, "the admin token could purge it") { try await api.store.job(victim.id) }
        }
    }

    @Test func anOperateTokenEnqueuesAndAReadTokenOnlyLooks() async throws {
        try await APIHarness.with(.sqlite, authenticated: true) { api in
            let tokens = try #require(api.store as? any AccessTokenStore)
            let operate = try await AccessTokens.create(name: "ci", scope: .operate, in: tokens).token
            let read = try await AccessTokens.create(name: "viewer", scope: .read, in: tokens).token
            let created = try await api.send(.post, "/v1/jobs", body: #"{"command": ["true"]}"#, headers: [.authorization: "Bearer \(operate)"])
            #expect(created.status == .created)
            let listed = try await api.send(.get, "/v1/jobs", headers: [.authorization: "Bearer \(read)"])
            #expect(try (listed.object()["jobs"] as? [Any])?.count == 1)
            try await api.send(.post, "/v1/jobs", body: #"{"command": ["true"]}"#, headers: [.authorization: "Bearer \(read)"])
                .expectError(.forbidden, "forbidden")
            #expect(try await api.store.count(JobFilter()) == 1)
        }
    }

    /// A token's record is read once per `tokenCacheDuration`: revoked elsewhere (another
    /// process), it works until then and no longer; a wrong secret for a cached id never works.
    @Test func aTokenRevokedElsewhereStopsWorkingWithinTheCacheDuration() async throws {
        let clock = ManualClock()
        var configuration = JobCoreAPI.Configuration()
        configuration.tokenCacheDuration = .seconds(1)
        configuration.clock = clock
        try await APIHarness.with(.sqlite, configuration: configuration, authenticated: true) { api in
            let tokens = try #require(api.store as? any AccessTokenStore)
            let token = try await AccessTokens.create(name: "ci", scope: .read, in: tokens).token
            let header: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await api.send(.get, "/v1/health", headers: header).status == .ok)
            let forged = String(token.prefix(4 + 16 + 1)) + String(repeating: "B", count: 43)
            try await api.send(.get, "/v1/health", headers: [.authorization: "Bearer \(forged)"]).expectError(.unauthorized, "unauthorized")
            try await tokens.revokeAccessToken(named: "ci")  // in the store, as another process does
            clock.advance(by: .milliseconds(900))
            #expect(try await api.send(.get, "/v1/health", headers: header).status == .ok, "still trusted within the second")
            clock.advance(by: .milliseconds(200))
            try await api.send(.get, "/v1/health", headers: header).expectError(.unauthorized, "unauthorized")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theStoreKeepsOnlyAHashOfTheSecret(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let tokens = try #require(api.store as? any AccessTokenStore)
            let issued = try await AccessTokens.create(name: "ci", scope: .operate, in: tokens)
            #expect(issued.token.hasPrefix("jct_\(issued.record.id)_"))
            let secret = String(issued.token.dropFirst(4 + issued.record.id.count + 1))
            #expect(secret.count == 43)
            let stored = try #require(try await tokens.accessToken(id: issued.record.id))
            #expect(stored == issued.record)
            #expect(stored.secretHash.count == 32)
            #expect(stored.secretHash != Data(secret.utf8))
            #expect(!String(decoding: stored.secretHash, as: UTF8.self).contains(secret))
            #expect(try await AccessTokens.authenticate(issued.token, in: tokens) == stored)
            #expect(try await AccessTokens.authenticate(issued.token + "x", in: tokens) == nil)
            #expect(try await AccessTokens.authenticate(issued.token.replacingOccurrences(of: "jct_", with: "xyz_"), in: tokens) == nil)
            let other = try await AccessTokens.create(name: "ci-2", scope: .operate, in: tokens)
            #expect(other.token != issued.token)
            #expect(other.record.id != issued.record.id)
        }
    }
}
