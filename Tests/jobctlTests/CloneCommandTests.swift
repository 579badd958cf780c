import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct CloneCommandTests {
    static let token = "ghs_cliTokenValue_ABCDEFGH12345"

    func withServer(token: String? = nil, _ body: (LocalGitServer, URL) async throws -> Void) async throws {
        try await TemporaryDirectory.with(prefix: "cli-clone") { root in
            try GitFixture.makeBareRepository(at: root.appendingPathComponent("srv/acme/widgets.git"), spec: .init(commits: 5))
            let server = try await LocalGitServer.start(root: root.appendingPathComponent("srv"), token: token.map(Secret.init))
            defer { Task { try? await server.shutdown() } }
            try await body(server, root)
        }
    }

    @Test func clonesWithATokenFromTheEnvironment() async throws {
        try await withServer(token: Self.token) { server, root in
            let target = root.appendingPathComponent("out")
            let output = try await JobctlProcess.run(
                ["clone", "acme/widgets", target.path, "--git-base-url", server.baseURL, "--json"],
                environment: ["GITHUB_TOKEN": Self.token]
            )
            #expect(output.status == 0, "\(output.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
            #expect(json?["shallow"] as? Bool == true)
            #expect(json?["branch"] as? String == "main")
            #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent(".git/shallow").path))
            let config = try String(contentsOf: target.appendingPathComponent(".git/config"), encoding: .utf8)
            #expect(!config.contains(Self.token))
        }
    }

    @Test func wrongTokenExits77() async throws {
        try await withServer(token: Self.token) { server, root in
            let target = root.appendingPathComponent("out")
            let output = try await JobctlProcess.run(
                ["clone", "\(server.baseURL)/acme/widgets.git", target.path, "--token-env", "MY_TOKEN", "--log-level", "trace"],
                environment: ["MY_TOKEN": "ghs_wrong_value_zzzzzzzzzzzz"]
            )
            #expect(output.status == 77)
            #expect(output.stderr.contains("refused the token"))
            #expect(!output.stderr.contains("ghs_wrong_value_zzzzzzzzzzzz"))
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test func unsetTokenVariableIsInvalidInput() async throws {
        try await withServer { server, root in
            let output = try await JobctlProcess.run(["clone", "acme/widgets", root.appendingPathComponent("o").path,
                                                      "--git-base-url", server.baseURL, "--token-env", "NOT_SET_ANYWHERE"])
            #expect(output.status == 2)
            #expect(output.stderr.contains("NOT_SET_ANYWHERE"))
            #expect(server.requestCount == 0)
        }
    }

    @Test(arguments: [["acme/../etc"], ["git@github.com:acme/widgets.git"], ["https://user:pw@example.com/a/b.git"], ["acme/widgets", "--ref", "-rf"], ["acme/widgets", "--depth", "-1"]])
    func invalidInputExits2(arguments: [String]) async throws {
        try await withServer { server, root in
            let target = root.appendingPathComponent("never")
            var args = ["clone", arguments[0], target.path, "--git-base-url", server.baseURL]
            args += arguments.dropFirst()
            let output = try await JobctlProcess.run(args)
            #expect(output.status == 2, "\(output.stderr)")
            #expect(output.stderr.split(separator: "\n").count >= 1)
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test func unreachableRepositoryExits69() async throws {
        try await withServer { server, root in
            let output = try await JobctlProcess.run(["clone", "acme/missing", root.appendingPathComponent("o").path, "--git-base-url", server.baseURL])
            #expect(output.status == 69)
        }
    }

    @Test func doctorReportsLibgit2() async throws {
        let output = try await JobctlProcess.run(["doctor", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let libgit2 = json?["libgit2"] as? [String: Any]
        #expect((libgit2?["version"] as? String)?.isEmpty == false)
        #expect(libgit2?["shallow"] as? Bool == true)
        #expect(libgit2?["https"] as? Bool == true)
    }
}

@Suite struct WorkspaceSweepCommandTests {
    @Test func sweepRemovesStaleWorkspacesAndReportsThem() async throws {
        try await TemporaryDirectory.with(prefix: "cli-sweep") { root in
            let stale = root.appendingPathComponent("jobcore-ws-old")
            try FileManager.default.createDirectory(at: stale.appendingPathComponent("work"), withIntermediateDirectories: true)
            let marker = #"{"pid":999999999,"createdAt":"2020-01-01T00:00:00Z","host":"\#(ProcessInfo.processInfo.hostName)"}"#
            try Data(marker.utf8).write(to: stale.appendingPathComponent("owner.json"))
            let other = root.appendingPathComponent("not-ours")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)

            let output = try await JobctlProcess.run(["workspace", "sweep", "--older-than", "1h", "--workspace-root", root.path, "--json"])
            #expect(output.status == 0, "\(output.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: [String]]
            #expect(json?["removed"] == [stale.path])
            #expect(!FileManager.default.fileExists(atPath: stale.path))
            #expect(FileManager.default.fileExists(atPath: other.path))

            let bad = try await JobctlProcess.run(["workspace", "sweep", "--older-than", "soon", "--workspace-root", root.path])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("The value 'soon' is invalid for '--older-than <duration>'"))
        }
    }
}
