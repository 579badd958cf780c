import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Testing

/// Runs the provider through success, caching, refresh, invalidation and every failure, capturing
/// every log line (at trace level) and every error text, and checks that neither key material nor
/// any token (installation token or JWT) appears in any of it.
@Suite(.timeLimit(.minutes(3))) struct SecretLeakTests {
    @Test func logsAndErrorsHoldNoKeyOrToken() async throws {
        let clock = ManualClock()
        let logs = LogCapture()
        let keys = FakeGitHubAPI.AppKeyPair.shared
        var texts: [String] = []
        func keep(_ error: any Error) {
            texts += ["\(error)", String(reflecting: error), error.localizedDescription]
        }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobcore-leak-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keyFile = directory + "/app.pem"
        try keys.writePrivateKey(to: keyFile)
        // A damaged copy of the real key: its error must not quote it.
        let damaged = directory + "/damaged.pem"
        try Data(keys.privateKeyPKCS1PEM.replacingOccurrences(of: "\n", with: "\n#").utf8).write(to: URL(fileURLWithPath: damaged))
        do { _ = try GitHubAppPrivateKey(contentsOfFile: damaged) } catch { keep(error) }

        try await withFakeGitHubAPI(installations: ["1", "2"], clock: clock) { api in
            let configuration = try GitHubAppTokenProvider.Configuration(appID: api.appID, privateKeyFile: keyFile, apiBaseURL: api.baseURL)
            let provider = GitHubAppTokenProvider(configuration: configuration, clock: clock, logger: logs.logger(label: "leak"))
            texts.append("\(provider.configuration.privateKey)")
            let token = try await provider.token(for: "1")
            texts += ["\(token)", String(reflecting: token), "\(token.secret)", String(reflecting: token.secret)]
            _ = try await provider.token(for: "1")
            clock.advance(by: .seconds(3600 - 300))
            let refreshed = try await provider.token(for: "1")
            await provider.invalidate(refreshed, for: "1")
            _ = try await provider.token(for: "1")

            let replies: [FakeGitHubAPI.Reply] = [
                .unauthorized, .forbidden, .notFound, .serverError, .rateLimited(retryAfter: .seconds(1)),
                .malformed(body: #"{"token":"ghs_leakcheckleakcheckleakcheck"}"#),
                .malformed(body: #"{"token":"ghs_leakcheckleakcheckleakcheck","expires_at":"soon"}"#),
            ]
            for reply in replies {
                api.answer(reply)
                do { _ = try await provider.token(for: "2") } catch { keep(error) }
                clock.advance(by: .seconds(2))
            }
            api.answer(.issueToken)
            do { _ = try await provider.token(for: "404") } catch { keep(error) }
            let wrongKey = try ProviderFixture.provider(
                for: api, clock: clock, logger: logs.logger(label: "leak"), pem: GitHubAppTokenProviderErrorTests.otherKey.privateKeyPKCS8PEM
            )
            do { _ = try await wrongKey.token(for: "1") } catch { keep(error) }

            let secrets = api.issuedTokens.map(\.token) + ["ghs_leakcheck"]
            #expect(api.issuedTokens.count >= 3)
            let everything = (logs.lines + texts).joined(separator: "\n")
            #expect(logs.lines.count > 20)
            #expect(texts.count > 20)
            // Booleans, not the texts, go into the expectations: a failure must not print the secrets.
            for secret in secrets {
                let leaked = everything.contains(secret)
                #expect(!leaked, "a token appears in logs or errors")
            }
            // JWTs start with the base64url of `{"alg":"RS256"`.
            let jwtLeaked = everything.contains("eyJhbGciOiJSUzI1NiI")
            #expect(!jwtLeaked, "a JWT appears in logs or errors")
            for pem in [keys.privateKeyPKCS1PEM, keys.privateKeyPKCS8PEM, GitHubAppTokenProviderErrorTests.otherKey.privateKeyPKCS8PEM] {
                for line in pem.split(separator: "\n") where !line.hasPrefix("-----") {
                    let leaked = everything.contains(line.prefix(12))
                    #expect(!leaked, "key material appears in logs or errors")
                }
            }
        }
    }
}
