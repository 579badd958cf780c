import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Testing

/// The whole path: GitHub App JWT → installation token from the (fake) API → clone and push on a
/// Git server that accepts only that installation's tokens.
@Suite struct InstallationTokenCloneTests {
    @Test func clonesAndPushesWithAnInstallationTokenAndRefreshesARevokedOne() async throws {
        try await withFakeGitHubAPI(installations: ["42"]) { api in
            try await TemporaryDirectory.with(prefix: "app-clone") { root in
                try GitFixture.makeBareRepository(at: root.appendingPathComponent("srv/acme/widgets.git"))
                let server = try await LocalGitServer.start(root: root.appendingPathComponent("srv")) { token in
                    api.installation(authorizedBy: token) == "42"
                }
                defer { Task { try? await server.shutdown() } }
                let provider = try ProviderFixture.provider(for: api, clock: SystemClock())
                let source = try RepositorySource.parse("acme/widgets", resolution: .init(baseURL: server.baseURL))
                let workspaces = LocalWorkspaceManager(configuration: .init(root: root.appendingPathComponent("ws").path))
                let options = WorkspaceOptions(source: source, branch: "agent/app", credentials: .provider(provider, tenant: "42"))

                // Two workspaces of one installation share one token.
                for index in 0..<2 {
                    try await workspaces.withWorkspace(options) { workspace in
                        try Data("\(index)\n".utf8).write(to: URL(fileURLWithPath: workspace.directory).appendingPathComponent("n.txt"))
                        try await workspace.commitAll(message: "change \(index)")
                        if index == 0 { try await workspace.push() }
                    }
                }
                #expect(api.tokenRequestCount(installation: "42") == 1)
                let issued = try #require(api.issuedTokens.last).token

                // The installation's token is revoked: Git refuses it, the provider is asked for a fresh one.
                api.revoke(token: issued)
                let result = try await GitClient().clone(source, into: root.appendingPathComponent("again").path,
                                                         credentials: .provider(provider, tenant: "42"))
                #expect(result.isShallow)
                #expect(api.tokenRequestCount(installation: "42") == 2)
                for token in api.issuedTokens.map(\.token) {
                    for file in TemporaryDirectory.contents(below: root) {
                        #expect(!String(decoding: file.data, as: UTF8.self).contains(token))
                    }
                }
            }
        }
    }

    @Test func anotherInstallationsTokenIsRefused() async throws {
        try await withFakeGitHubAPI(installations: ["42", "7"]) { api in
            try await TemporaryDirectory.with(prefix: "app-clone") { root in
                try GitFixture.makeBareRepository(at: root.appendingPathComponent("srv/acme/widgets.git"))
                let server = try await LocalGitServer.start(root: root.appendingPathComponent("srv")) { token in
                    api.installation(authorizedBy: token) == "42"
                }
                defer { Task { try? await server.shutdown() } }
                let provider = try ProviderFixture.provider(for: api, clock: SystemClock())
                let source = try RepositorySource.parse("acme/widgets", resolution: .init(baseURL: server.baseURL))
                let error = await #expect(throws: GitError.self) {
                    try await GitClient().clone(source, into: root.appendingPathComponent("x").path, credentials: .provider(provider, tenant: "7"))
                }
                #expect(error?.code == .authentication)
                // The refused token was invalidated and a fresh one tried once.
                #expect(api.tokenRequestCount(installation: "7") == 2)
            }
        }
    }
}
