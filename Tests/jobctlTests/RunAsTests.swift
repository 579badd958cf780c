import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 17 item 2: `--run-as USER` runs a job's command as another, unprivileged user, with the
/// workspace lent to that user while the command runs. Needs root, as CI runs; `nobody` exists on
/// every Debian system.
@Suite(.enabled(if: geteuid() == 0, "switching users needs root"))
struct RunAsTests {
    @Test func aCommandRunsAsTheUserAndCannotReachTheWorkerOrTheStore() async throws {
        try await JobctlEnvironment.with { env in
            // The run-as user must be able to pass through the test's private directory to the
            // workspace root; the store file inside stays private (0600).
            #expect(chmod(env.root.path, 0o711) == 0)
            let store = env.root.appendingPathComponent("jobs.sqlite").path
            let script = """
                id -u; stat -c %U .
                worker=$(awk '{print $4}' /proc/$PPID/stat)
                cat /proc/$worker/environ >/dev/null 2>&1 && echo worker-environment-readable || echo worker-environment-unreadable
                kill -0 $worker 2>/dev/null && echo worker-signalable || echo worker-not-signalable
                cat "$STORE" >/dev/null 2>&1 && echo store-readable || echo store-unreadable
                echo change > file.txt
                """
            let run = try await env.jobctl([
                "run", "--run-as", "nobody", "--repo", env.repository.path, "--branch", "run-as", "--push",
                "--env", "STORE=\(store)", "--", "sh", "-c", script,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.split(separator: "\n").map(String.init) == [
                "65534", "nobody", "worker-environment-unreadable", "worker-not-signalable", "store-unreadable",
            ])
            // The worker took the workspace back, committed, pushed, and removed it.
            #expect(try await Self.git(["--git-dir", env.repository.path, "show", "run-as:file.txt"]) == "change\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: env.workspaces.path).isEmpty)
        }
    }

    /// With the repository cache, the packs a workspace shares with its mirror (hard links) stay
    /// the worker's when the workspace is lent: the command reads them but cannot change the mirror.
    @Test func aCommandCannotWriteThePacksItSharesWithTheCache() async throws {
        try await JobctlEnvironment.with { env in
            #expect(chmod(env.root.path, 0o711) == 0)
            let server = try await LocalGitServer.start(root: env.root)
            defer { Task { try? await server.shutdown() } }
            let cache = env.root.appendingPathComponent("cache").path
            let script = """
                for pack in .git/objects/pack/*.pack; do
                  cat "$pack" > /dev/null && echo pack-readable
                  (chmod u+w "$pack" && echo x >> "$pack") 2>/dev/null && echo pack-writable || echo pack-read-only
                done
                git -c safe.directory='*' rev-parse --verify -q HEAD > /dev/null && echo history-readable
                echo change > file.txt
                """
            for round in 1...2 {
                let run = try await env.jobctl([
                    "run", "--run-as", "nobody", "--repo", server.url(for: "repo.git"), "--cache", cache, "--branch", "run-as-cached-\(round)", "--push",
                    "--", "sh", "-c", script,
                ])
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.stdout.split(separator: "\n").map(String.init) == ["pack-readable", "pack-read-only", "history-readable"])
            }
            #expect(try await Self.git(["--git-dir", env.repository.path, "show", "run-as-cached-2:file.txt"]) == "change\n")
            let list = try await env.jobctl(["cache", "list", "--cache", cache, "--json"]).stdout
            #expect(list.contains("\"hit\" : 1") && list.contains("\"fill\" : 1"), "\(list)")
        }
    }

    @Test func aWorkspaceRootTheUserCannotReachIsInvalidInputBeforeAnythingIsCreated() async throws {
        try await JobctlEnvironment.with { env in
            // The test's directory is private (0700): nobody cannot pass through it.
            let run = try await env.jobctl(["run", "--run-as", "nobody", "--", "true"])
            #expect(run.status == 2, "\(run.stderr)")
            #expect(run.stderr.contains("cannot reach"), "\(run.stderr)")
            let list = try await env.jobctl(["list", "--json"]).stdout
            #expect((try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [Any])?.isEmpty == true, "\(list)")
        }
    }

    @Test func anUnknownUserIsInvalidInput() async throws {
        try await JobctlEnvironment.with { env in
            let run = try await env.jobctl(["run", "--run-as", "no-such-user-here", "--", "true"])
            #expect(run.status == 2, "\(run.stderr)")
            #expect(run.stderr.contains("no such user"), "\(run.stderr)")
        }
    }

    static func git(_ arguments: [String]) async throws -> String {
        try await DedicatedThread.run(name: "git") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
