import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct GitHubAppCommandTests {
    func withAppServer(_ body: (FakeGitHubAPI, LocalGitServer, URL, String) async throws -> Void) async throws {
        try await withFakeGitHubAPI(installations: ["42"]) { api in
            try await TemporaryDirectory.with(prefix: "cli-app") { root in
                try GitFixture.makeBareRepository(at: root.appendingPathComponent("srv/acme/widgets.git"))
                let server = try await LocalGitServer.start(root: root.appendingPathComponent("srv")) { token in
                    api.installation(authorizedBy: token) == "42"
                }
                defer { Task { try? await server.shutdown() } }
                let key = root.appendingPathComponent("app.pem").path
                try api.keyPair.writePrivateKey(to: key, pkcs8: true)
                try await body(api, server, root, key)
            }
        }
    }

    @Test func clonesWithAGitHubAppInstallationToken() async throws {
        try await withAppServer { api, server, root, key in
            let output = try await JobctlProcess.run([
                "clone", "acme/widgets", root.appendingPathComponent("out").path, "--git-base-url", server.baseURL,
                "--github-app-id", api.appID, "--github-app-key", key, "--github-api-url", api.baseURL.absoluteString,
                "--installation-id", "42", "--log-level", "trace",
            ])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(api.tokenRequestCount(installation: "42") == 1)
            let pem = try String(contentsOfFile: key, encoding: .utf8)
            for token in api.issuedTokens.map(\.token) { #expect(!output.stderr.contains(token)) }
            #expect(!output.stderr.contains(pem.split(separator: "\n")[1]))
        }
    }

    @Test func wrongAppIDExits77SayingWhichCredential() async throws {
        try await withAppServer { api, server, root, key in
            let output = try await JobctlProcess.run([
                "clone", "acme/widgets", root.appendingPathComponent("out").path, "--git-base-url", server.baseURL,
                "--github-app-id", "999", "--github-app-key", key, "--github-api-url", api.baseURL.absoluteString,
                "--installation-id", "42",
            ])
            #expect(output.status == 77, "\(output.stderr)")
            #expect(output.stderr.lowercased().contains("jwt") || output.stderr.contains("app"))
        }
    }

    @Test func unknownInstallationExits77() async throws {
        try await withAppServer { api, server, root, key in
            let output = try await JobctlProcess.run([
                "clone", "acme/widgets", root.appendingPathComponent("out").path, "--git-base-url", server.baseURL,
                "--github-app-id", api.appID, "--github-app-key", key, "--github-api-url", api.baseURL.absoluteString,
                "--installation-id", "5",
            ])
            #expect(output.status == 77, "\(output.stderr)")
            #expect(output.stderr.contains("5"))
        }
    }

    @Test(arguments: [
        ["--github-app-id", "1"],
        ["--github-app-id", "1", "--github-app-key", "/nonexistent/key.pem", "--installation-id", "42"],
        ["--github-app-id", "1", "--github-app-key", "KEY"],
    ])
    func invalidAppConfigurationExits2(extra: [String]) async throws {
        try await withAppServer { api, server, root, key in
            let arguments = ["clone", "acme/widgets", root.appendingPathComponent("out").path, "--git-base-url", server.baseURL]
                + extra.map { $0 == "KEY" ? key : $0 }
            let output = try await JobctlProcess.run(arguments)
            #expect(output.status == 2, "\(output.stderr)")
            #expect(api.requestCount == 0)
        }
    }
}
