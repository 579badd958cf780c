import AsyncHTTPClient
import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import NIOCore
import NIOHTTP1
import Testing

/// The fake API itself: it must refuse what GitHub refuses, or provider tests prove nothing.
@Suite(.timeLimit(.minutes(3))) struct FakeGitHubAPITests {
    private func post(_ api: FakeGitHubAPI, path: String, authorization: String?) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: api.baseURL.absoluteString + path)
        request.method = .POST
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 16)
        return (Int(response.status.code), String(buffer: body))
    }

    private func jwt(_ api: FakeGitHubAPI, pem: String? = nil, appID: String? = nil, now: Date) throws -> String {
        let key = try GitHubAppPrivateKey(pemRepresentation: pem ?? api.keyPair.privateKeyPKCS1PEM)
        return "Bearer " + (try GitHubAppJWT(appID: appID ?? api.appID, privateKey: key).make(now: now).revealed())
    }

    @Test func refusesMissingForgedAndUnsignedJWTs() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            let path = "/app/installations/1/access_tokens"
            #expect(try await post(api, path: path, authorization: nil).0 == 401)

            let valid = try jwt(api, now: clock.now)
            let forged = valid.dropLast(4) + (valid.hasSuffix("AAAA") ? "BBBB" : "AAAA")
            #expect(try await post(api, path: path, authorization: String(forged)).0 == 401)

            let pieces = valid.dropFirst("Bearer ".count).split(separator: ".")
            let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  // {"alg":"none","typ":"JWT"}
            #expect(try await post(api, path: path, authorization: "Bearer \(none).\(pieces[1]).").0 == 401)

            let (status, body) = try await post(api, path: path, authorization: valid)
            #expect(status == 201)
            #expect(body.contains(#""token":"ghs_"#))
            #expect(api.issuedTokens.count == 1)
            #expect(api.requests.map(\.status) == [401, 401, 401, 201])
        }
    }

    @Test func checksTheJWTTimeWindowByItsOwnClock() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(clock: clock) { api in
            let path = "/app/installations/1/access_tokens"
            let made = try jwt(api, now: clock.now)
            clock.advance(by: .seconds(541))  // past `exp`
            let (status, body) = try await post(api, path: path, authorization: made)
            #expect(status == 401)
            #expect(body.contains("'Expiration time' claim ('exp')"))
        }
    }

    @Test func answersNotFoundForOtherPathsAndUnknownInstallations() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["1"], clock: clock) { api in
            let auth = try jwt(api, now: clock.now)
            #expect(try await post(api, path: "/app/installations/2/access_tokens", authorization: auth).0 == 404)
            #expect(try await post(api, path: "/repos/o/r", authorization: auth).0 == 404)
            #expect(api.requestCount == 2)
            #expect(api.tokenRequestCount() == 1)
            api.addInstallation("2")
            #expect(try await post(api, path: "/app/installations/2/access_tokens", authorization: auth).0 == 201)
        }
    }

    @Test func authorizesIssuedTokensUntilTheyExpireOrAreRevoked() async throws {
        let clock = ManualClock()
        try await withFakeGitHubAPI(installations: ["3"], clock: clock, tokenLifetime: .seconds(600)) { api in
            let provider = try ProviderFixture.provider(for: api, clock: clock) { $0.refreshMargin = .zero }
            let first = try await provider.token(for: "3").secret.revealed()
            #expect(api.installation(authorizedBy: first) == "3")
            #expect(api.installation(authorizedBy: "ghs_notissuedhere") == nil)
            api.revoke(token: first)
            #expect(api.installation(authorizedBy: first) == nil)

            let second = try await { () async throws -> String in
                await provider.invalidate(AccessToken(secret: Secret(first)), for: "3")
                return try await provider.token(for: "3").secret.revealed()
            }()
            clock.advance(by: .seconds(600))
            #expect(api.installation(authorizedBy: second) == nil)
        }
    }

    @Test func aDelayedAnswerEndsWhenTheClientGoesAway() async throws {
        let clock = ManualClock()
        let api = try await FakeGitHubAPI.start(clock: clock)
        api.setResponseDelay(.seconds(3600))
        let auth = try jwt(api, now: clock.now)
        let client = Task { try await post(api, path: "/app/installations/1/access_tokens", authorization: auth) }
        await api.waitForRequests(1)
        client.cancel()
        _ = await client.result
        // Shutting down does not wait for the hour-long delay.
        try await api.shutdown()
        #expect(api.requests.first?.status == nil)
    }
}
