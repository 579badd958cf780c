import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Testing

@Suite(.timeLimit(.minutes(3))) struct GitHubAppTokenProviderTests {
    @Test(arguments: [false, true])
    func issuesAnInstallationTokenWithAValidJWT(pkcs8: Bool) async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["42"], clock: clock) { api in
            let pem = pkcs8 ? api.keyPair.privateKeyPKCS8PEM : api.keyPair.privateKeyPKCS1PEM
            let provider = try ProviderFixture.provider(for: api, clock: clock, pem: pem)

            let token = try await provider.token(for: "42")

            let issued = try #require(api.issuedTokens.first)
            #expect(token.secret.revealed() == issued.token)
            #expect(token.expiresAt == clock.now.addingTimeInterval(3600))
            let request = try #require(api.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/app/installations/42/access_tokens")
            #expect(request.status == 201)
            #expect(request.issuer == "12345")
            #expect(request.issuedAt == clock.now.addingTimeInterval(-60))
            #expect(request.expiresAt == clock.now.addingTimeInterval(540))
            #expect(request.headers["accept"] == "application/vnd.github+json")
            #expect(request.headers["x-github-api-version"] == "2022-11-28")
            #expect(request.headers["user-agent"] == "JobCore")
            #expect(request.repositories == nil && request.permissions == nil)
        }
    }

    @Test func reusesTheTokenUntilTheRefreshMarginThenRefreshes() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock) { $0.refreshMargin = .seconds(300) }
            let first = try await provider.token(for: "1")
            let expiresAt = try #require(first.expiresAt)

            // One second before the margin: the cached token is handed out, no request is made.
            clock.advance(by: .seconds(expiresAt.timeIntervalSince(clock.now) - 301))
            #expect(try await provider.token(for: "1") == first)
            #expect(api.tokenRequestCount() == 1)

            // At the margin: a new token is requested.
            clock.advance(by: .seconds(1))
            let second = try await provider.token(for: "1")
            #expect(second != first)
            #expect(second.secret.revealed() == api.issuedTokens.last?.token)
            #expect(api.tokenRequestCount() == 2)
            #expect(try await provider.token(for: "1") == second)
            #expect(api.tokenRequestCount() == 2)
        }
    }

    @Test func hundredConcurrentRequestsShareOneHTTPCall() async throws {
        let clock = ManualClock()
        let logs = LogCapture()
        try await withFakeGitHubAPI(installations: ["7"], clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock, logger: logs.logger())
            api.holdResponses()
            try await withThrowingTaskGroup(of: AccessToken.self) { group in
                for _ in 0..<100 {
                    group.addTask { try await provider.token(for: "7") }
                }
                // The first request is at the API and the other 99 callers wait for it.
                await api.waitForRequests(1)
                await logs.waitFor("joining in-flight token request", count: 99)
                api.releaseResponses()
                var tokens: Set<String> = []
                for try await token in group {
                    tokens.insert(token.secret.revealed())
                }
                #expect(tokens.count == 1)
            }
            #expect(api.tokenRequestCount(installation: "7") == 1)
            #expect(api.requestCount == 1)
        }
    }

    @Test func installationsDoNotWaitForEachOther() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["1", "2"], clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            api.setResponseDelay(.seconds(600), for: "1")
            let slow = Task { try await provider.token(for: "1") }
            await api.waitForRequests(1)

            // Installation 2 gets its token while installation 1's request is still unanswered.
            let token = try await provider.token(for: "2")
            #expect(api.installation(authorizedBy: token.secret.revealed()) == "2")
            #expect(api.requests.first { $0.installation == "1" }?.status == nil)

            slow.cancel()
            await #expect(throws: CancellationError.self) { try await slow.value }
        }
    }

    @Test func aCancelledCallerDoesNotCancelTheOthers() async throws {
        let clock = ManualClock()
        let logs = LogCapture()
        try await withFakeGitHubAPI(clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock, logger: logs.logger())
            api.holdResponses()
            let first = Task { try await provider.token(for: "1") }
            await api.waitForRequests(1)
            let second = Task { try await provider.token(for: "1") }
            await logs.waitFor("joining in-flight token request", count: 1)

            first.cancel()
            await #expect(throws: CancellationError.self) { try await first.value }
            api.releaseResponses()
            let token = try await second.value
            #expect(api.installation(authorizedBy: token.secret.revealed()) == "1")
            #expect(api.tokenRequestCount() == 1)
        }
    }

    @Test func cancellingTheOnlyCallerAbandonsTheRequest() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            api.setResponseDelay(.seconds(600))
            let abandoned = Task { try await provider.token(for: "1") }
            await api.waitForRequests(1)
            abandoned.cancel()
            await #expect(throws: CancellationError.self) { try await abandoned.value }

            // The next caller does not join the abandoned request: it makes its own.
            api.setResponseDelay(nil)
            let token = try await provider.token(for: "1")
            #expect(api.installation(authorizedBy: token.secret.revealed()) == "1")
            #expect(api.tokenRequestCount() == 2)
        }
    }

    @Test func invalidatingTheCachedTokenFetchesANewOne() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            let first = try await provider.token(for: "1")
            await provider.invalidate(first, for: "1")
            let second = try await provider.token(for: "1")
            #expect(second != first)
            #expect(api.tokenRequestCount() == 2)

            // Invalidating a token that is no longer cached keeps the current one.
            await provider.invalidate(first, for: "1")
            #expect(try await provider.token(for: "1") == second)
            #expect(api.tokenRequestCount() == 2)
        }
    }

    @Test func sendsRepositoryAndPermissionScoping() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock) {
                $0.repositories = ["widgets"]
                $0.repositoryIDs = [1296269]
                $0.permissions = ["contents": "write", "pull_requests": "write"]
            }
            _ = try await provider.token(for: "1")
            let request = try #require(api.requests.first)
            #expect(request.repositories == ["widgets"])
            #expect(request.repositoryIDs == [1296269])
            #expect(request.permissions == ["contents": "write", "pull_requests": "write"])
            #expect(request.headers["content-type"] == "application/json")
            #expect(api.issuedTokens.first?.repositories == ["widgets"])
        }
    }

    @Test func acceptsAClientIDAsIssuer() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(appID: "Iv23liABCdef", clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            _ = try await provider.token(for: "1")
            #expect(api.requests.first?.issuer == "Iv23liABCdef")
        }
    }

    @Test func usesTheDefaultInstallationAndRefusesBadTenants() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["5"], clock: clock) { api in
            let withoutDefault = try ProviderFixture.provider(for: api, clock: clock)
            let missing = await #expect(throws: TokenError.self) { try await withoutDefault.token(for: nil) }
            #expect(missing?.code == .invalidTenant)
            let malformed = await #expect(throws: TokenError.self) { try await withoutDefault.token(for: "../users") }
            #expect(malformed?.code == .invalidTenant)
            #expect(malformed?.message.contains("'../users' is not a GitHub App installation id") == true)
            #expect(api.requestCount == 0)

            let withDefault = try ProviderFixture.provider(for: api, clock: clock) { $0.defaultInstallationID = "5" }
            let token = try await withDefault.token(for: nil)
            #expect(api.installation(authorizedBy: token.secret.revealed()) == "5")
        }
    }

    @Test func worksWithAnAPIBaseURLWithAPath() async throws {
        try await withTestHTTPServer { request in
            guard request.path == "/api/v3/app/installations/9/access_tokens" else { return .json(404, ["message": "Not Found"]) }
            return .json(201, ["token": "ghs_enterprise", "expires_at": "2030-01-01T00:00:00Z"])
        } _: { server in
            let provider = try ProviderFixture.provider(url: server.baseURL.appendingPathComponent("api/v3/"))
            let token = try await provider.token(for: "9")
            #expect(token.secret.revealed() == "ghs_enterprise")
            #expect(token.expiresAt == Date(timeIntervalSince1970: 1_893_456_000))
        }
    }
}
