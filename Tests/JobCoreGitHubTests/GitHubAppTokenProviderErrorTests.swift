import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Testing

/// Each failure of the token request is its own ``TokenError`` code with a message that says
/// what is wrong.
@Suite(.timeLimit(.minutes(3))) struct GitHubAppTokenProviderErrorTests {
    /// A key the fake API does not know.
    static let otherKey: FakeGitHubAPI.AppKeyPair = {
        do { return try FakeGitHubAPI.AppKeyPair.generate() } catch { fatalError("cannot generate a key: \(error)") }
    }()

    @Test func aKeyOfAnotherAppIsAJWTRejection() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["42"], clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock, pem: Self.otherKey.privateKeyPKCS1PEM)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "42") })
            #expect(error.code == .jwtRejected)
            #expect(error.httpStatus == 401)
            #expect(error.tenant == "42")
            #expect(error.isCredentialFailure)
            #expect(error.message.contains("GitHub refused the JWT of app 12345"))
            #expect(error.message.contains("private key (inline PEM) belongs to that app"))
            #expect(error.message.contains("A JSON web token could not be decoded"))
        }
    }

    @Test func aWrongAppIDIsAJWTRejection() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock, appID: "999")
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .jwtRejected)
            #expect(error.message.contains("app 999"))
            #expect(error.message.contains("'Issuer' claim ('iss') does not name this app"))
        }
    }

    @Test func aClockAheadOfGitHubIsAJWTRejectionThatMentionsTheClock() async throws {
        let github = ManualClock()
        let ahead = ManualClock(start: github.now.addingTimeInterval(120))
        try await withFakeGitHubAPI(clock: github) { api in
            let provider = try ProviderFixture.provider(for: api, clock: ahead)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .jwtRejected)
            #expect(error.message.contains("'Issued at' claim ('iat')"))
            #expect(error.message.contains("clock"))
        }
    }

    @Test func aClockBehindGitHubIsAJWTRejection() async throws {
        let github = ManualClock()
        let behind = ManualClock(start: github.now.addingTimeInterval(-600))
        try await withFakeGitHubAPI(clock: github) { api in
            let provider = try ProviderFixture.provider(for: api, clock: behind)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .jwtRejected)
            #expect(error.message.contains("'Expiration time' claim ('exp')"))
        }
    }

    @Test func anUnknownInstallationIsNotFoundAndNamed() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["1"], clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "31337") })
            #expect(error.code == .installationNotFound)
            #expect(error.httpStatus == 404)
            #expect(error.message.contains("installation 31337 was not found for app 12345"))
        }
    }

    @Test func forbiddenIsItsOwnError() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            api.answer(.forbidden)
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .forbidden)
            #expect(error.httpStatus == 403)
            #expect(error.retryAfter == nil)
            #expect(error.message.contains("This installation has been suspended"))
        }
    }

    @Test func rateLimitedCarriesRetryAfterAndHoldsBackRequestsUntilThen() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["1", "2"], clock: clock) { api in
            api.answer(.rateLimited(retryAfter: .seconds(30)))
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .rateLimited)
            #expect(error.httpStatus == 429)
            #expect(error.retryAfter == .seconds(30))
            #expect(error.isTransient && !error.isCredentialFailure)
            #expect(error.message.contains("retry after 30 s"))

            // Within the wait, no request reaches the API, for any installation of the app.
            api.answer(.issueToken)
            clock.advance(by: .seconds(20))
            let held = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "2") })
            #expect(held.code == .rateLimited)
            #expect(held.retryAfter == .seconds(10))
            #expect(held.httpStatus == nil)
            #expect(api.requestCount == 1)

            clock.advance(by: .seconds(10))
            _ = try await provider.token(for: "2")
            #expect(api.requestCount == 2)
        }
    }

    @Test func aSecondaryRateLimitAs403IsRateLimited() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            api.answer(.status(403, message: "You have exceeded a secondary rate limit", retryAfter: .seconds(60)))
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .rateLimited)
            #expect(error.httpStatus == 403)
            #expect(error.retryAfter == .seconds(60))
        }
    }

    /// Issue 17 item 19: GitHub's secondary rate limit is a 403 with `x-ratelimit-remaining`
    /// above 0 and no `Retry-After`. It is rate limiting (transient), not a refused credential,
    /// and the provider waits a minute, then doubles the wait while it repeats.
    @Test func aSecondaryRateLimitWithoutRetryAfterWaitsAMinuteAndBacksOffExponentially() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            api.answer(.secondaryRateLimited)
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .rateLimited)
            #expect(error.isTransient && !error.isCredentialFailure)
            #expect(error.httpStatus == 403)
            #expect(error.retryAfter == .seconds(60))
            #expect(error.message.contains("secondary rate limit") && error.message.contains("retry after 60 s"))

            // The next request does not go to the API within the minute.
            clock.advance(by: .seconds(59))
            let held = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(held.code == .rateLimited && held.retryAfter == .seconds(1))
            #expect(api.requestCount == 1)

            // Again rate limited: two minutes, then four.
            clock.advance(by: .seconds(1))
            let second = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(second.retryAfter == .seconds(120))
            clock.advance(by: .seconds(120))
            let third = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(third.retryAfter == .seconds(240))
            #expect(api.requestCount == 3)

            // A success resets the back-off.
            api.answer(.issueToken)
            clock.advance(by: .seconds(240))
            let token = try await provider.token(for: "1")
            await provider.invalidate(token, for: "1")
            api.answer(.secondaryRateLimited)
            let fresh = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(fresh.retryAfter == .seconds(60))
        }
    }

    @Test func rateLimitResetHeadersAndHTTPDatesGiveTheWait() async throws {
        let clock = ManualClock()
        let reset = Int(clock.now.timeIntervalSince1970) + 90
        try await withTestHTTPServer { request in
            if request.path.contains("/1/") {
                return .json(403, ["message": "API rate limit exceeded"], headers: [
                    ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", String(reset)),
                ])
            }
            return .json(429, ["message": "slow down"], headers: [("Retry-After", "Thu, 01 Jan 2026 00:02:00 GMT")])
        } _: { server in
            let first = try ProviderFixture.provider(url: server.baseURL, clock: clock)
            let byReset = try #require(await #expect(throws: TokenError.self) { try await first.token(for: "1") })
            #expect(byReset.code == .rateLimited)
            #expect(byReset.retryAfter == .seconds(90))

            let second = try ProviderFixture.provider(url: server.baseURL, clock: clock)
            let byDate = try #require(await #expect(throws: TokenError.self) { try await second.token(for: "2") })
            #expect(byDate.code == .rateLimited)
            #expect(byDate.retryAfter == .seconds(120))
        }
    }

    @Test func serverErrorsAreTransient() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            api.answer(.serverError)
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .server)
            #expect(error.httpStatus == 500)
            #expect(error.isTransient)

            // The failure is not cached: the next request asks again.
            api.answer(.issueToken)
            _ = try await provider.token(for: "1")
            #expect(api.tokenRequestCount() == 2)
        }
    }

    @Test func otherClientErrorsAreRequestRejections() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            api.answer(.status(422, message: "There is at least one repository that does not exist"))
            let provider = try ProviderFixture.provider(for: api, clock: clock) { $0.repositories = ["nope"] }
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .requestRejected)
            #expect(error.message.contains("HTTP 422: There is at least one repository that does not exist"))
        }
    }

    @Test(arguments: [
        ("<html>oops</html>", "the body is not a JSON object"),
        (#"{"expires_at":"2030-01-01T00:00:00Z"}"#, "the body has no `token`"),
        (#"{"token":"ghs_abcdefghijklmnop"}"#, "the body has no `expires_at`"),
        (#"{"token":"ghs_abcdefghijklmnop","expires_at":"tomorrow"}"#, "`expires_at` is not an ISO-8601 time"),
    ])
    func malformedResponses(body: String, problem: String) async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            api.answer(.malformed(body: body))
            let provider = try ProviderFixture.provider(for: api, clock: clock)
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .malformedResponse)
            #expect(error.message.hasSuffix(problem))
            #expect(!error.message.contains("ghs_abcdefghijklmnop"))
        }
    }

    @Test func anUnreachableAPIIsANetworkError() async throws {
        let server = try await TestHTTPServer.start { _ in .json(500, [:]) }
        let url = server.baseURL
        try await server.shutdown()

        // AsyncHTTPClient retries refused connections until the request's deadline.
        let provider = try ProviderFixture.provider(url: url) { $0.requestTimeout = .milliseconds(500) }
        let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
        #expect(error.code == .network)
        #expect(error.message.lowercased().contains("refused"))
        #expect(error.httpStatus == nil)
        #expect(error.message.contains("cannot get an installation token for installation 1 from \(url.absoluteString)"))
    }

    @Test func aSlowAPIIsANetworkErrorAfterTheTimeout() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            api.setResponseDelay(.seconds(600))
            let provider = try ProviderFixture.provider(for: api, clock: clock) { $0.requestTimeout = .milliseconds(200) }
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "1") })
            #expect(error.code == .network)
            #expect(error.message.hasSuffix("no answer within 0.2 s"))
        }
    }
}

/// Issue 17 item 20: a token scoped to many repositories is a large answer.
@Suite(.timeLimit(.minutes(3))) struct GitHubAppTokenResponseSizeTests {
    static let repositories = (1...500).map { "repository-with-a-long-name-\($0)" }

    @Test func aTokenListingFiveHundredRepositoriesIsIssued() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["42"], clock: clock) { api in
            // The answer is well over 1 MiB (the old bound, which failed as a network error).
            let answer = try JSONSerialization.data(withJSONObject: Self.repositories.enumerated().map {
                FakeGitHubAPI.repositoryObject(id: $0.offset, name: $0.element)
            })
            #expect(answer.count > 2 << 20)
            let provider = try ProviderFixture.provider(for: api, clock: clock) { $0.repositories = Self.repositories }
            let token = try await provider.token(for: "42")
            #expect(token.secret.revealed().hasPrefix("ghs_"))
        }
    }

    @Test func anAnswerOverTheBoundSaysResponseTooLarge() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["42"], clock: clock) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock) {
                $0.repositories = Self.repositories
                $0.maximumResponseSize = 64 << 10
            }
            let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: "42") })
            #expect(error.code == .malformedResponse)
            #expect(error.message.contains("response too large"))
        }
    }
}
