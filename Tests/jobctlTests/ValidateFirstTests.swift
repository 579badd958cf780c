import Foundation
import JobCoreTesting
import Testing

/// Issue 17, item 12: every problem jobctl can see is found before anything is created, and
/// ends with the contract's exit code.
@Suite struct ValidateFirstTests {
    @Test(arguments: [300, 5_000])
    func aBranchGitCannotStoreIsInvalidInputAndCreatesNothing(length: Int) async throws {
        try await JobctlEnvironment.with { env in
            let branch = "agent/" + String(repeating: "a", count: length)
            let output = try await env.jobctl(["run", "--repo", env.repository.path, "--branch", branch, "--", "true"])
            #expect(output.status == 2, "\(output.stderr)")
            #expect(output.stderr.contains("invalid branch name"), "\(output.stderr)")
            try await Self.expectNoJob(env)
        }
    }

    @Test func anEmptyOrNonDirectoryWorkspaceRootIsInvalidInputAndCreatesNothing() async throws {
        try await JobctlEnvironment.with { env in
            let file = env.root.appendingPathComponent("a-file")
            try Data("x".utf8).write(to: file)
            for root in ["", file.path, file.appendingPathComponent("below").path] {
                let output = try await env.jobctl(["run", "--workspace-root", root, "--repo", env.repository.path, "--", "true"])
                #expect(output.status == 2, "\(root): \(output.stderr)")
                #expect(output.stderr.contains("workspace root"), "\(output.stderr)")
            }
            try await Self.expectNoJob(env)
            let worker = try await env.jobctl(["worker", "--drain", "--workspace-root", file.path])
            #expect(worker.status == 2, "\(worker.stderr)")
        }
    }

    @Test func aPathThatIsNoRepositoryIsUnreachable() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(["run", "--repo", env.root.path, "--", "true"])
            #expect(output.status == 69, "\(output.stderr)")
        }
    }

    @Test func aMalformedInstallationIDIsInvalidInput() async throws {
        try await JobctlEnvironment.with { env in
            let key = env.root.appendingPathComponent("key.pem")
            try Data("not a key".utf8).write(to: key)
            let output = try await env.jobctl([
                "run", "--repo", env.repository.path, "--github-app-id", "1", "--github-app-key", key.path,
                "--installation-id", "../../x", "--", "true",
            ])
            #expect(output.status == 2, "\(output.stderr)")
            try await Self.expectNoJob(env)
        }
    }

    static func expectNoJob(_ env: JobctlEnvironment) async throws {
        let list = try await env.jobctl(["list", "--json"])
        let jobs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any]
        #expect(jobs?.isEmpty == true, "\(list.stdout)")
    }
}
