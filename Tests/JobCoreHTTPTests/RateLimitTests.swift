import Foundation
import HTTPTypes
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import JobCoreTesting
import Testing

/// The per-client rate limit: a bucket per access token, or per address without one; 429 with
/// `Retry-After` and the error document over it; time from a manual clock.
@Suite struct RateLimitTests {
    @Test func eachClientHasItsOwnBudgetRefilledOverTime() async throws {
        let clock = ManualClock()
        var configuration = JobCoreAPI.Configuration()
        configuration.rateLimit = JobCoreAPI.RateLimit(requestsPerSecond: 2, burst: 3, clock: clock)
        try await APIHarness.with(.memory, configuration: configuration, authenticated: true) { api in
            let tokens = try #require(api.store as? any AccessTokenStore)
            let first = try await AccessTokens.create(name: "first", scope: .read, in: tokens).token
            let second = try await AccessTokens.create(name: "second", scope: .read, in: tokens).token
            func get(_ path: String = "/v1/health", token: String?) async throws -> TestResponse {
                try await api.send(.get, path, headers: token.map { [.authorization: "Bearer \($0)"] } ?? [:])
            }

            // A burst of 3, then 429 with the error document and Retry-After.
            for _ in 0..<3 { #expect(try await get(token: first).status == .ok) }
            let limited = try await get(token: first)
            let message = try limited.expectError(.tooManyRequests, "rateLimited")
            #expect(limited.headers[.retryAfter] == "1")
            #expect(message.contains("2 per second"), "\(message)")
            #expect(!message.contains(first), "the token is never repeated")
            // The other token is a client of its own.
            for _ in 0..<3 { #expect(try await get(token: second).status == .ok) }
            try await get(token: second).expectError(.tooManyRequests, "rateLimited")

            // Half a second refills one request (2 per second), not more.
            clock.advance(by: .milliseconds(500))
            #expect(try await get(token: first).status == .ok)
            try await get(token: first).expectError(.tooManyRequests, "rateLimited")
            // Idle for long: the bucket is full again, at the burst and no more.
            clock.advance(by: .seconds(60))
            for _ in 0..<3 { #expect(try await get(token: first).status == .ok) }
            try await get(token: first).expectError(.tooManyRequests, "rateLimited")

            // Unauthenticated requests (refused tokens and open routes alike) count by address.
            #expect(try await get("/openapi.json", token: nil).status == .ok)
            try await get(token: nil).expectError(.unauthorized, "unauthorized")
            try await get(token: "jct_0123456789abcdef_forged").expectError(.unauthorized, "unauthorized")
            try await get("/openapi.json", token: nil).expectError(.tooManyRequests, "rateLimited")
            try await get(token: nil).expectError(.tooManyRequests, "rateLimited")
            // … which does not touch the tokens' budgets.
            clock.advance(by: .seconds(60))
            #expect(try await get(token: second).status == .ok)
        }
    }

    @Test func retryAfterIsTheWholeSecondsUntilTheNextRequest() async throws {
        let clock = ManualClock()
        var configuration = JobCoreAPI.Configuration()
        configuration.rateLimit = JobCoreAPI.RateLimit(requestsPerSecond: 0.1, clock: clock)  // 6 per minute
        #expect(configuration.rateLimit?.burst == 1)
        try await APIHarness.with(.memory, configuration: configuration) { api in
            #expect(try await api.send(.get, "/openapi.json").status == .ok)
            let limited = try await api.send(.get, "/openapi.json")
            try limited.expectError(.tooManyRequests, "rateLimited")
            #expect(limited.headers[.retryAfter] == "10")
            clock.advance(by: .milliseconds(7500))
            #expect(try await api.send(.get, "/openapi.json").headers[.retryAfter] == "3")
            clock.advance(by: .milliseconds(2500))
            #expect(try await api.send(.get, "/openapi.json").status == .ok)
        }
    }

    @Test func offByDefault() async throws {
        #expect(JobCoreAPI.Configuration().rateLimit == nil)
        try await APIHarness.with(.memory) { api in
            for _ in 0..<50 {
                let response = try await api.send(.get, "/openapi.json")
                #expect(response.status == .ok)
            }
        }
    }
}
