import Foundation
import JobCore
import JobCoreTesting
import Testing

/// `jobctl tokens create|list|revoke`: the token is printed once and stored only as a hash.
@Suite struct TokensCommandTests {
    @Test func tokensAreCreatedListedAndRevoked() async throws {
        try await JobctlEnvironment.with { env in
            let created = try await env.jobctl(["tokens", "create", "--scope", "operate", "--name", "ci", "--json"])
            #expect(created.status == 0, "\(created.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String])
            #expect(document.keys.sorted() == ["name", "scope", "token"])
            #expect(document["name"] == "ci")
            #expect(document["scope"] == "operate")
            let token = try #require(document["token"])
            #expect(token.hasPrefix("jct_"))
            let plain = try await env.jobctl(["tokens", "create", "--scope", "read", "--name", "viewer"])
            #expect(plain.status == 0)
            #expect(plain.stdout.hasPrefix("jct_") && plain.stdout.hasSuffix("\n"))

            let listed = try await env.jobctl(["tokens", "list", "--json"])
            let tokens = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: String]])
            #expect(tokens.compactMap { $0["name"] } == ["ci", "viewer"])
            #expect(tokens.first?.keys.sorted() == ["createdAt", "id", "name", "scope"])
            // `jct_` + 16 hexadecimal digits + `_` + the secret (base64url: it may contain `_` too).
            let secret = String(token.dropFirst("jct_".count + 16 + 1))
            #expect(secret.count == 43)
            #expect(!listed.stdout.contains(secret), "the secret is never shown again")
            // Neither is it in the store's file.
            for file in TemporaryDirectory.contents(below: env.root) {
                #expect(!String(decoding: file.data, as: UTF8.self).contains(secret), "\(file.path)")
            }

            let duplicate = try await env.jobctl(["tokens", "create", "--scope", "admin", "--name", "ci"])
            #expect(duplicate.status == 2, "\(duplicate.stderr)")
            for bad in [["--scope", "root", "--name", "x"], ["--scope", "read", "--name", "two words"], ["--scope", "read"]] {
                #expect(try await env.jobctl(["tokens", "create"] + bad).status == 2, "\(bad)")
            }

            let revoked = try await env.jobctl(["tokens", "revoke", "ci"])
            #expect(revoked.status == 0, "\(revoked.stderr)")
            #expect(try await env.jobctl(["tokens", "list"]).stdout.contains("ci") == false)
            let again = try await env.jobctl(["tokens", "revoke", "ci"])
            #expect(again.status == 3, "\(again.stderr)")
            #expect(again.stderr.contains("no access token named 'ci'"))
        }
    }
}
