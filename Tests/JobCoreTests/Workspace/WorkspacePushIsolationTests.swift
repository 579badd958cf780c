import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 17 item 1: the job's command may rewrite the workspace's `.git` before the push. The
/// push (with the token) goes to the URL validated at creation and nowhere else.
@Suite(.timeLimit(.minutes(3))) struct WorkspacePushIsolationTests {
    static let token = Secret("ghs_isolatedPushToken_1234567890")

    /// How a hostile command redirects the push to `other` (a URL prefix of the second server).
    enum Redirect: String, CaseIterable, Sendable {
        case originURL, pushURL, insteadOf, pushInsteadOf, include, proxy
    }

    /// The second server: the same repository, the same token accepted (so a redirected push
    /// would succeed and carry the token there).
    private func withTwoServers(_ body: (ServedRepository, LocalGitServer, URL, URL) async throws -> Void) async throws {
        try await withServedRepository(token: Self.token) { served, scratch in
            let otherRoot = scratch.appendingPathComponent("other-root")
            try GitFixture.makeBareRepository(at: otherRoot.appendingPathComponent("acme/widgets.git"), spec: GitFixture.Spec(commits: 10))
            let other = try await LocalGitServer.start(root: otherRoot, token: Self.token)
            do {
                try await body(served, other, otherRoot, scratch)
                try await other.shutdown()
            } catch {
                try? await other.shutdown()
                throw error
            }
        }
    }

    @Test(arguments: Redirect.allCases)
    func aRewrittenConfigurationDoesNotRedirectThePush(_ redirect: Redirect) async throws {
        try await withTwoServers { served, other, otherRoot, scratch in
            let manager = LocalWorkspaceManager(configuration: .init(root: scratch.appendingPathComponent("ws").path))
            let branch = "agent/\(redirect.rawValue)"
            let options = WorkspaceOptions(source: served.source, branch: branch, credentials: .token(Self.token))
            let commit = try await manager.withWorkspace(options) { workspace in
                let directory = URL(fileURLWithPath: workspace.directory)
                let otherURL = other.url(for: "acme/widgets.git")
                // What the hostile command does.
                switch redirect {
                case .originURL: try GitFixture.git(["config", "remote.origin.url", otherURL], in: directory)
                case .pushURL: try GitFixture.git(["config", "remote.origin.pushurl", otherURL], in: directory)
                case .insteadOf: try GitFixture.git(["config", "url.\(other.baseURL)/.insteadOf", "\(served.server.baseURL)/"], in: directory)
                case .pushInsteadOf: try GitFixture.git(["config", "url.\(other.baseURL)/.pushInsteadOf", "\(served.server.baseURL)/"], in: directory)
                case .include:
                    let included = scratch.appendingPathComponent("evil.config")
                    try Data("[remote \"origin\"]\n\turl = \(otherURL)\n\tpushurl = \(otherURL)\n".utf8).write(to: included)
                    try GitFixture.git(["config", "include.path", included.path], in: directory)
                case .proxy:
                    try GitFixture.git(["config", "http.proxy", other.baseURL], in: directory)
                    try GitFixture.git(["config", "remote.origin.proxy", other.baseURL], in: directory)
                }
                try Data("x\n".utf8).write(to: directory.appendingPathComponent("x.txt"))
                let commit = try await workspace.commitAll(message: "x")
                try await workspace.push()
                return commit
            }
            #expect(other.requests.isEmpty, "the second server was contacted: \(other.requests)")
            #expect(!(try git("for-each-ref", in: otherRoot.appendingPathComponent("acme/widgets.git")).contains(branch)))
            let bare = served.directory.url.appendingPathComponent("acme/widgets.git")
            #expect(try git("rev-parse", "refs/heads/\(branch)", in: bare) == commit)
        }
    }

    enum Replacement: String, CaseIterable, Sendable { case symbolicLink, gitdirFile, commondir }

    @Test(arguments: Replacement.allCases)
    func aReplacedDotGitIsRefused(_ replacement: Replacement) async throws {
        try await withTwoServers { served, other, _, scratch in
            // Another repository whose origin is the second server.
            let elsewhere = scratch.appendingPathComponent("elsewhere")
            try GitFixture.git(["clone", "-q", other.url(for: "acme/widgets.git").replacingOccurrences(of: "http://", with: "http://x:\(Self.token.revealed())@"), elsewhere.path])
            let requestsBefore = other.requestCount
            let manager = LocalWorkspaceManager(configuration: .init(root: scratch.appendingPathComponent("ws").path))
            let options = WorkspaceOptions(source: served.source, branch: "agent/replaced", credentials: .token(Self.token))
            let error = await #expect(throws: GitError.self) {
                try await manager.withWorkspace(options) { workspace in
                    let directory = URL(fileURLWithPath: workspace.directory)
                    let dotGit = directory.appendingPathComponent(".git")
                    switch replacement {
                    case .symbolicLink:
                        try FileManager.default.removeItem(at: dotGit)
                        try FileManager.default.createSymbolicLink(at: dotGit, withDestinationURL: elsewhere.appendingPathComponent(".git"))
                    case .gitdirFile:
                        try FileManager.default.removeItem(at: dotGit)
                        try Data("gitdir: \(elsewhere.appendingPathComponent(".git").path)\n".utf8).write(to: dotGit)
                    case .commondir:
                        try Data("\(elsewhere.appendingPathComponent(".git").path)\n".utf8).write(to: dotGit.appendingPathComponent("commondir"))
                    }
                    try await workspace.push()
                }
            }
            #expect(error?.code == .invalidInput)
            #expect(other.requestCount == requestsBefore)
        }
    }

    /// A command that points `core.worktree` at another directory (files the worker's user can
    /// read, the command's perhaps not: `--run-as`) does not get them committed and pushed by
    /// `--push` or a checkpoint: both stage the workspace's own work tree.
    @Test func aRewrittenWorkTreeIsNotCommittedOrCheckpointed() async throws {
        try await withServedRepository(token: Self.token) { served, scratch in
            let secrets = scratch.appendingPathComponent("worker-secrets")
            try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
            try Data("do not push\n".utf8).write(to: secrets.appendingPathComponent("secret.txt"))
            let manager = LocalWorkspaceManager(configuration: .init(root: scratch.appendingPathComponent("ws").path))
            let options = WorkspaceOptions(source: served.source, branch: "agent/worktree", credentials: .token(Self.token))
            let (commit, checkpoint) = try await manager.withWorkspace(options) { workspace in
                let directory = URL(fileURLWithPath: workspace.directory)
                try Data("work\n".utf8).write(to: directory.appendingPathComponent("work.txt"))
                try GitFixture.git(["config", "core.worktree", secrets.path], in: directory)
                let checkpoint = try await workspace.pushCheckpoint(to: "jobcore/wip/worktree", message: "wip")
                let commit = try await workspace.commitAll(message: "x")
                try await workspace.push()
                return (commit, checkpoint.commit)
            }
            let bare = served.directory.url.appendingPathComponent("acme/widgets.git")
            for (ref, expected) in [("agent/worktree", commit), ("jobcore/wip/worktree", checkpoint)] {
                #expect(try git("rev-parse", "refs/heads/\(ref)", in: bare) == expected)
                let files = try git("ls-tree", "-r", "--name-only", "refs/heads/\(ref)", in: bare)
                #expect(files.contains("work.txt"), "\(ref): \(files)")
                #expect(!files.contains("secret.txt"), "\(ref) carries a file from outside the workspace: \(files)")
            }
        }
    }
}
