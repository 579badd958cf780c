import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct RunCommandTests {
    @Test func runsACommandInAWorkspaceAndRecordsIt() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl([
                "run", "--repo", env.repository.path, "--branch", "agent/demo", "--key", "acme", "--env", "GREETING=hello",
                "--", "sh", "-c", #"echo "$GREETING $JOB_BRANCH $JOB_KEY $JOB_ATTEMPT"; test -f src/module0/file0.txt; echo oops >&2"#,
            ])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout == "hello agent/demo acme 1\n")
            #expect(output.stderr.contains("oops"))
            let id = try #require(output.stderr.split(separator: "\n").first { $0.hasPrefix("job ") }).dropFirst(4)
            let job = try await env.show(String(id))
            #expect(job["state"] as? String == "succeeded")
            #expect(job["attempt"] as? Int == 1)
            #expect(job["exitCode"] as? Int == 0)
            #expect((job["createdAt"] as? String)?.hasSuffix("Z") == true)
            #expect((job["runs"] as? [[String: Any]])?.count == 1)
            // The workspace is gone.
            #expect(try FileManager.default.contentsOfDirectory(atPath: env.workspaces.path).isEmpty)
            let logs = try await env.jobctl(["logs", String(id)])
            #expect(logs.stdout.contains("hello agent/demo acme 1"))
            #expect(logs.stdout.contains("oops"))
        }
    }

    @Test func exitsWithTheCommandsStatus() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(["run", "--", "sh", "-c", "exit 7"])
            #expect(output.status == 7)
            #expect(output.stderr.contains("exited with status 7"))
        }
    }

    @Test func theTokenIsNotInTheEnvironmentUnlessAskedFor() async throws {
        try await JobctlEnvironment.with { env in
            let hidden = try await env.jobctl(["run", "--", "sh", "-c", "env"], environment: ["GITHUB_TOKEN": "ghs_secretValue123456"])
            #expect(hidden.status == 0)
            #expect(!hidden.stdout.contains("ghs_secretValue123456"))
            let shown = try await env.jobctl(["run", "--expose-token", "GH_TOKEN", "--", "sh", "-c", "echo $GH_TOKEN"],
                                             environment: ["GITHUB_TOKEN": "ghs_secretValue123456"])
            #expect(shown.stdout == "ghs_secretValue123456\n")
        }
    }

    @Test(arguments: [
        ["run", "--branch", "-evil", "--", "true"],
        ["run", "--branch", "a..b", "--", "true"],
        ["run", "--"],
        ["run", "--env", "NOEQUALS", "--", "true"],
        ["run", "--env", "JOB_ID=x", "--", "true"],
        ["run", "--timeout", "soon", "--", "true"],
        ["run", "--repo", "https://x:y@example.com/a/b", "--", "true"],
        ["run", "--repo", "not a repo", "--", "true"],
        ["run", "--max-attempts", "0", "--", "true"],
        ["enqueue", "--ref", "-x", "--", "true"],
        ["list", "--state", "sleeping"],
        ["bogus"],
    ])
    func invalidInputExits2AndCreatesNothing(arguments: [String]) async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(arguments)
            #expect(output.status == 2, "\(output.stderr)")
            #expect(!output.stderr.isEmpty)
            #expect(!output.stderr.contains("Stack"))
            let list = try await env.jobctl(["list", "--json"])
            #expect(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || list.stdout.contains("[]"))
        }
    }

    @Test func timeoutExits124() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(["run", "--timeout", "1s", "--stop-grace", "1s", "--", "sleep", "30"])
            #expect(output.status == 124, "\(output.stderr)")
            #expect(output.stderr.contains("timed out"))
        }
    }

    @Test func cloneFailuresExit69And77() async throws {
        try await JobctlEnvironment.with { env in
            let server = try await LocalGitServer.start(root: env.root, token: Secret("ghs_rightToken_00000000"))
            defer { Task { try? await server.shutdown() } }
            let refused = try await env.jobctl(["run", "--repo", server.url(for: "repo.git"), "--", "true"],
                                               environment: ["GITHUB_TOKEN": "ghs_wrongToken_11111111"])
            #expect(refused.status == 77, "\(refused.stderr)")
            #expect(refused.stderr.contains("GITHUB_TOKEN"))
            #expect(!refused.stderr.contains("ghs_wrongToken_11111111"))
            let missing = try await env.jobctl(["run", "--repo", server.url(for: "nothing.git"), "--", "true"],
                                               environment: ["GITHUB_TOKEN": "ghs_rightToken_00000000"])
            #expect(missing.status == 69, "\(missing.stderr)")
        }
    }

    @Test func ctrlCStopsTheProcessTreeRemovesTheWorkspaceAndRecordsCancelled() async throws {
        try await JobctlEnvironment.with { env in
            let pids = env.root.appendingPathComponent("pids")
            let script = #"sleep 1000 & echo $! >> "$PIDS"; sh -c 'sleep 1000 & echo $! >> "$PIDS"; wait' & echo $! >> "$PIDS"; echo $$ >> "$PIDS"; wait"#
            let run = try BackgroundJobctl(["run", "--repo", env.repository.path, "--env", "PIDS=\(pids.path)", "--", "sh", "-c", script],
                                           environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            let started = try await env.waitForFile(pids, lines: 4).compactMap { Int32($0) }
            run.signal(SIGINT)
            let output = try await run.finish()
            #expect(output.status == 130, "\(output.stderr)")
            #expect(await JobctlEnvironment.allGone(started))
            #expect(try FileManager.default.contentsOfDirectory(atPath: env.workspaces.path).isEmpty)
            let list = try await env.jobctl(["list", "--json"])
            let jobs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
            #expect(jobs?.first?["state"] as? String == "cancelled")
        }
    }
}
