import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct WorkspacePushTests {
    static let token = Secret("ghs_pushTokenValue_1234567890")

    @Test func commitAndPushWithTheRightToken() async throws {
        try await withServedRepository(token: Self.token) { served, root in
            let logs = LogCapture()
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path, identity: GitIdentity(name: "Review Bot", email: "bot@example.com")),
                                                logger: logs.logger())
            let options = WorkspaceOptions(source: served.source, branch: "agent/issue-7", credentials: .token(Self.token))
            let commit = try await manager.withWorkspace(options) { workspace in
                let directory = URL(fileURLWithPath: workspace.directory)
                try Data("fixed\n".utf8).write(to: directory.appendingPathComponent("FIX.md"))
                try FileManager.default.removeItem(at: directory.appendingPathComponent(GitFixture.filePath(0)))
                let commit = try await workspace.commitAll(message: "Fix issue 7")
                #expect(try git("log", "-1", "--format=%an <%ae>", in: directory) == "Review Bot <bot@example.com>")
                #expect(try git("status", "--porcelain", in: directory).isEmpty)
                #expect(try await workspace.commitAll(message: "nothing") == nil)
                try await workspace.push()
                return commit
            }
            let bare = served.directory.url.appendingPathComponent("acme/widgets.git")
            #expect(try git("rev-parse", "refs/heads/agent/issue-7", in: bare) == commit)
            #expect(try git("ls-tree", "--name-only", "agent/issue-7", "FIX.md", in: bare) == "FIX.md")
            #expect(!logs.text.contains(Self.token.revealed()))
        }
    }

    @Test func pushWithARefusedTokenIsAnAuthenticationError() async throws {
        try await withServedRepository(token: Self.token) { served, root in
            // The clone gets the right token; the push gets two the server refuses (the first
            // is invalidated and the push retried once with the second).
            let provider = FakeTokenProvider(tokens: [Self.token.revealed(), "ghs_refused_1111111111", "ghs_refused_2222222222"])
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path))
            let options = WorkspaceOptions(source: served.source, branch: "agent/x", credentials: .provider(provider, tenant: "7"))
            let error = await #expect(throws: GitError.self) {
                try await manager.withWorkspace(options) { workspace in
                    try Data("x\n".utf8).write(to: URL(fileURLWithPath: workspace.directory).appendingPathComponent("x.txt"))
                    try await workspace.commitAll(message: "x")
                    // The remote now refuses the token the clone used.
                    await provider.invalidate(AccessToken(secret: Self.token), for: "7")
                    try await workspace.push()
                }
            }
            #expect(error?.code == .authentication)
            #expect(error?.message.contains("refused the token") == true)
            #expect(!"\(String(describing: error))".contains("ghs_refused"))
            #expect(provider.invalidationCount == 2)
            #expect(provider.tokenRequestCount == 3)
            let refs = try git("for-each-ref", in: served.directory.url.appendingPathComponent("acme/widgets.git"))
            #expect(!refs.contains("agent/x"))
        }
    }

    @Test func nonFastForwardPushIsRejectedWithTheReason() async throws {
        try await withServedRepository { served, root in
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path))
            let options = WorkspaceOptions(source: served.source, branch: "agent/race")
            let first = try await manager.create(options)
            let second = try await manager.create(options)
            defer { Task { await first.cleanup(); await second.cleanup() } }
            for (workspace, text) in [(first, "one"), (second, "two")] {
                try Data("\(text)\n".utf8).write(to: URL(fileURLWithPath: workspace.directory).appendingPathComponent("race.txt"))
                try await workspace.commitAll(message: text)
            }
            try await first.push()
            let error = await #expect(throws: GitError.self) { try await second.push() }
            #expect(error?.code == .rejected)
            #expect(error?.message.contains("agent/race") == true)
        }
    }
}
