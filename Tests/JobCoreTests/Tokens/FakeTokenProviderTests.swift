import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct FakeTokenProviderTests {
    @Test func movesToTheNextTokenWhenTheCurrentOneIsInvalidated() async throws {
        let provider = FakeTokenProvider(tokens: ["stale", "fresh"])
        let first = try await provider.token(for: "1")
        #expect(first.secret.revealed() == "stale")
        #expect(try await provider.token(for: "2").secret.revealed() == "stale")

        await provider.invalidate(first, for: "1")
        #expect(try await provider.token(for: "1").secret.revealed() == "fresh")
        #expect(try await provider.token(for: "2").secret.revealed() == "stale")

        // Invalidating the last token keeps it; invalidating an old one changes nothing.
        await provider.invalidate(AccessToken(secret: Secret("fresh")), for: "1")
        await provider.invalidate(first, for: "1")
        #expect(try await provider.token(for: "1").secret.revealed() == "fresh")
        #expect(provider.tokenRequestCount == 5)
        #expect(provider.invalidationCount == 3)
        #expect(provider.calls.first == .token(tenant: "1"))
        #expect(provider.calls[2] == .invalidate(token: "stale", tenant: "1"))
    }

    @Test func failsWhenToldTo() async throws {
        let expiry = Date(timeIntervalSince1970: 1_900_000_000)
        let provider = FakeTokenProvider(expiresAt: expiry)
        provider.fail(with: TokenError(.jwtRejected, "refused"))
        let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: nil) })
        #expect(error.code == .jwtRejected)
        provider.fail(with: nil)
        let token = try await provider.token(for: nil)
        #expect(token.secret.revealed() == "fake-token")
        #expect(token.expiresAt == expiry)
    }
}
