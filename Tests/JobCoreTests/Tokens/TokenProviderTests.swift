import Foundation
import JobCore
import Testing

@Suite struct StaticTokenProviderTests {
    @Test func handsOutItsTokenForEveryTenant() async throws {
        let expiry = Date(timeIntervalSince1970: 2_000_000_000)
        let provider = StaticTokenProvider(AccessToken(secret: Secret("pat-1"), expiresAt: expiry))
        #expect(try await provider.token(for: nil).secret.revealed() == "pat-1")
        #expect(try await provider.token(for: "42").expiresAt == expiry)
        await provider.invalidate(AccessToken(secret: Secret("pat-1")), for: nil)
        #expect(try await StaticTokenProvider(Secret("pat-2")).token(for: "x").secret.revealed() == "pat-2")
    }
}

@Suite struct EnvironmentTokenProviderTests {
    @Test func readsTheVariableAndTrimsWhitespace() async throws {
        let provider = EnvironmentTokenProvider(variable: "MY_TOKEN", environment: ["MY_TOKEN": "  ghp_abc123\n"])
        let token = try await provider.token(for: "any")
        #expect(token.secret.revealed() == "ghp_abc123")
        #expect(token.expiresAt == nil)
    }

    @Test func anUnsetVariableIsAnErrorNamingIt() async throws {
        let provider = EnvironmentTokenProvider(variable: "JOBCORE_TEST_UNSET", environment: [:])
        let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: nil) })
        #expect(error.code == .variableNotSet)
        #expect(error.isCredentialFailure)
        #expect(error.message == "the environment variable JOBCORE_TEST_UNSET that should hold the access token is not set")
    }

    @Test func anEmptyVariableIsAnErrorNamingIt() async throws {
        let provider = EnvironmentTokenProvider(variable: "GH_TOKEN", environment: ["GH_TOKEN": " \n"])
        let error = try #require(await #expect(throws: TokenError.self) { try await provider.token(for: nil) })
        #expect(error.code == .variableNotSet)
        #expect(error.description == "variableNotSet: the environment variable GH_TOKEN that should hold the access token is empty")
    }

    @Test func readsTheProcessEnvironmentByDefault() async throws {
        let provider = EnvironmentTokenProvider()
        #expect(provider.variable == "GITHUB_TOKEN")
        let path = try await EnvironmentTokenProvider(variable: "PATH").token(for: nil)
        #expect(path.secret.revealed() == ProcessInfo.processInfo.environment["PATH"]?.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

@Suite struct TokenErrorTests {
    @Test func describesCodeAndMessageAndDebugAddsContext() {
        let error = TokenError(.rateLimited, "slow down", tenant: "42", httpStatus: 429, retryAfter: .seconds(30))
        #expect(error.description == "rateLimited: slow down")
        #expect(error.localizedDescription == "rateLimited: slow down")
        #expect(String(reflecting: error) == "TokenError(code: rateLimited, message: slow down, tenant: 42, httpStatus: 429, retryAfter: 30.0 seconds)")
        #expect(error.isTransient && !error.isCredentialFailure)
    }

    @Test func classifiesCodes() {
        for code in [TokenError.Code.variableNotSet, .keyUnreadable, .invalidKey, .jwtRejected, .installationNotFound, .forbidden] {
            #expect(TokenError(code, "x").isCredentialFailure)
            #expect(!TokenError(code, "x").isTransient)
        }
        for code in [TokenError.Code.rateLimited, .server, .network] {
            #expect(TokenError(code, "x").isTransient)
        }
        for code in [TokenError.Code.malformedResponse, .requestRejected, .invalidTenant] {
            #expect(!TokenError(code, "x").isTransient && !TokenError(code, "x").isCredentialFailure)
        }
    }
}
