import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct GitAuthenticationTests {
    static let token = Secret("ghs_correctTokenValue1234567890")

    @Test func rightTokenClonesAndIsNeverWrittenToDisk() async throws {
        try await withServedRepository(token: Self.token) { served, scratch in
            let logs = LogCapture()
            let client = GitClient(logger: logs.logger())
            let target = scratch.appendingPathComponent("ok")
            _ = try await client.clone(served.source, into: target.path, credentials: .token(Self.token))
            for file in TemporaryDirectory.contents(below: target) {
                #expect(!String(decoding: file.data, as: UTF8.self).contains(Self.token.revealed()), "token found in \(file.path)")
            }
            #expect(!logs.text.contains(Self.token.revealed()))
            #expect(served.server.requests.contains { $0.authorized })
        }
    }

    /// Issue 17 item 4: `GITHUB_TOKEN=$(cat file)` keeps the file's newline; the token is trimmed
    /// (as `EnvironmentTokenProvider` documents) instead of being sent with it and refused.
    @Test func aTokenWithSurroundingWhitespaceIsTrimmed() async throws {
        try await withServedRepository(token: Self.token) { served, scratch in
            let client = GitClient()
            let padded = Secret("  \(Self.token.revealed())\r\n")
            _ = try await client.clone(served.source, into: scratch.appendingPathComponent("token").path, credentials: .token(padded))
            let provider = StaticTokenProvider(Secret("\(Self.token.revealed())\n"))
            #expect(try await provider.token(for: nil).secret == Self.token)
            _ = try await client.clone(served.source, into: scratch.appendingPathComponent("static").path,
                                       credentials: .provider(provider))
            let fake = FakeTokenProvider(tokens: ["\t\(Self.token.revealed())\n"])
            _ = try await client.clone(served.source, into: scratch.appendingPathComponent("fake").path,
                                       credentials: .provider(fake))
            #expect(served.server.requests.allSatisfy { $0.authorized || $0.status == 401 })
        }
    }

    @Test func wrongTokenFailsFastWithAnAuthenticationError() async throws {
        let wrong = Secret("ghs_wrongTokenValue0987654321")
        try await withServedRepository(token: Self.token) { served, scratch in
            let logs = LogCapture()
            let client = GitClient(logger: logs.logger())
            let target = scratch.appendingPathComponent("wrong")
            let error = await #expect(throws: GitError.self) {
                try await client.clone(served.source, into: target.path, credentials: .token(wrong))
            }
            #expect(error?.code == .authentication)
            #expect(error?.message.contains("refused the token") == true)
            // One unauthenticated request, one with the token; the callback refuses a replay.
            #expect(served.server.requestCount <= 2)
            #expect(!"\(String(describing: error))".contains(wrong.revealed()))
            #expect(!logs.text.contains(wrong.revealed()))
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test func missingTokenSaysSo() async throws {
        try await withServedRepository(token: Self.token) { served, scratch in
            let error = await #expect(throws: GitError.self) {
                try await GitClient().clone(served.source, into: scratch.appendingPathComponent("none").path)
            }
            #expect(error?.code == .authentication)
            #expect(error?.message.contains("no token") == true)
        }
    }

    @Test func refusedProviderTokenIsInvalidatedAndRetriedOnce() async throws {
        try await withServedRepository(token: Self.token) { served, scratch in
            let provider = FakeTokenProvider(tokens: ["ghs_staleCachedToken111111", Self.token.revealed()])
            let target = scratch.appendingPathComponent("retry")
            _ = try await GitClient().clone(served.source, into: target.path, credentials: .provider(provider, tenant: "42"))
            #expect(provider.invalidationCount == 1)
            #expect(provider.tokenRequestCount == 2)
            #expect(try git("rev-list", "--count", "HEAD", in: target) == "1")
        }
    }
}
