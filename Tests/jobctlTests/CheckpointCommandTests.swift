import Foundation
import JobCore
import JobCoreTesting
import Testing

/// `--checkpoint-every` (issue 12 §4): a command job's work in progress survives its worker.
@Suite struct CheckpointCommandTests {
    /// A command writes a file and hangs; its worker is SIGKILLed once a checkpoint is saved; the
    /// next attempt, in another worker process, starts from a workspace that already holds the
    /// file, on the job's feature branch, with `JOB_CHECKPOINT_COMMIT` set; when it succeeds the
    /// branch is pushed with the work and the WIP branch is deleted.
    @Test func aKilledWorkersWorkIsResumedByTheNextAttempt() async throws {
        try await JobctlEnvironment.with { env in
            let token = "ghs_checkpointToken_abcdefghijkl"
            let server = try await LocalGitServer.start(root: env.root, token: Secret(token))
            defer { Task { try? await server.shutdown() } }
            let script = """
                if [ -f progress.txt ]; then
                  echo "resumed from $JOB_CHECKPOINT_COMMIT on $(git rev-parse --abbrev-ref HEAD)"; echo done >> progress.txt; exit 0
                fi
                echo step1 > progress.txt; exec sleep 600
                """
            let id = try await env.jobctl([
                "enqueue", "--repo", server.url(for: "repo.git"), "--branch", "agent/long-task", "--push",
                "--checkpoint-every", "1s", "--max-attempts", "2", "--", "sh", "-c", script,
            ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let environment = ["GITHUB_TOKEN": token]
            // A lease long enough that a loaded machine (the parallel test phase) does not lose it
            // before the kill: a lost lease is an extra attempt, and the job has two.
            let first = try BackgroundJobctl(["worker", "--lease", "10s", "--worker-id", "first"],
                                             environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path].merging(environment) { $1 })
            let saved = try await env.waitFor(id) { $0["checkpoint"] != nil }
            let checkpoint = try #require(saved["checkpoint"] as? [String: Any])
            let wipCommit = try #require(checkpoint["wipCommit"] as? String)
            #expect(checkpoint["wipBranch"] as? String == "jobcore/wip/\(id)")
            #expect(try GitFixture.git(["show", "jobcore/wip/\(id):progress.txt"], in: env.repository) == "step1\n", "the WIP branch holds the file")
            first.signal(SIGKILL)
            _ = try await first.finish()

            let second = try await env.jobctl(["worker", "--drain", "--lease", "3s", "--worker-id", "second"], environment: environment)
            #expect(second.status == 0, "\(second.stderr)")
            let job = try await env.show(id)
            #expect(job["state"] as? String == "succeeded", "\(job)")
            #expect(job["attempt"] as? Int == 2)
            let logs = try await env.jobctl(["logs", id])
            #expect(logs.stdout.contains("resumed from \(wipCommit) on agent/long-task"), "\(logs.stdout)")
            #expect(try GitFixture.git(["show", "agent/long-task:progress.txt"], in: env.repository) == "step1\ndone\n", "the work of both attempts is pushed")
            let branches = try GitFixture.git(["branch", "--list", "jobcore/*"], in: env.repository)
            #expect(branches.isEmpty, "the WIP branch is deleted once the job succeeded: \(branches)")
            let events = try await env.jobctl(["events", id])
            #expect(events.stdout.contains("checkpointed"), "\(events.stdout)")
            #expect(!events.stdout.contains(token) && !logs.stdout.contains(token))
            let file = try Data(contentsOf: env.root.appendingPathComponent("jobs.sqlite"))
            #expect(file.range(of: Data(token.utf8)) == nil, "the token is not in the store")
        }
    }

    /// A worker stopped gracefully checkpoints the work as the stopped command left it, even
    /// between two periodic checkpoints; the next attempt resumes from it.
    @Test func aReleaseAtShutdownCheckpointsTheWork() async throws {
        try await JobctlEnvironment.with { env in
            let token = "ghs_checkpointToken_abcdefghijkl"
            let server = try await LocalGitServer.start(root: env.root, token: Secret(token))
            defer { Task { try? await server.shutdown() } }
            let started = env.root.appendingPathComponent("started")
            let script = """
                if [ -f progress.txt ]; then echo "resumed from $JOB_CHECKPOINT_COMMIT"; exit 0; fi
                echo step1 > progress.txt; echo started >> '\(started.path)'; exec sleep 600
                """
            let id = try await env.jobctl([
                "enqueue", "--repo", server.url(for: "repo.git"), "--branch", "agent/released",
                "--checkpoint-every", "1h", "--keep-checkpoints", "--", "sh", "-c", script,
            ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let worker = try BackgroundJobctl(["worker", "--grace", "0s", "--worker-id", "stopping"], environment: [
                "JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path, "GITHUB_TOKEN": token,
            ])
            _ = try await env.waitForFile(started, lines: 1)
            worker.signal(SIGTERM)
            let stopped = try await worker.finish()
            #expect(stopped.status == 0, "\(stopped.stderr)")
            let released = try await env.show(id)
            #expect(released["state"] as? String == "queued", "released to the queue: \(released)")
            let checkpoint = try #require(released["checkpoint"] as? [String: Any], "a checkpoint at the release: \(released)")
            let second = try await env.jobctl(["worker", "--drain"], environment: ["GITHUB_TOKEN": token])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(try await env.show(id)["state"] as? String == "succeeded")
            let logs = try await env.jobctl(["logs", id])
            #expect(logs.stdout.contains("resumed from \(checkpoint["wipCommit"] as? String ?? "?")"), "\(logs.stdout)")
            let kept = try GitFixture.git(["branch", "--list", "jobcore/wip/\(id)"], in: env.repository)
            #expect(!kept.isEmpty, "--keep-checkpoints keeps the WIP branch")
        }
    }

    /// A remote that refuses the WIP branch fails neither the attempt nor the job: an event says why.
    @Test func aRefusedCheckpointIsAnEventNotAFailure() async throws {
        try await JobctlEnvironment.with { env in
            let token = "ghs_checkpointToken_abcdefghijkl"
            let server = try await LocalGitServer.start(root: env.root, token: Secret(token))
            defer { Task { try? await server.shutdown() } }
            let hook = env.repository.appendingPathComponent("hooks/pre-receive")
            try "#!/bin/sh\nwhile read old new ref; do case \"$ref\" in refs/heads/jobcore/*) echo \"no WIP branches here\"; exit 1;; esac; done\n"
                .write(to: hook, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
            let marker = env.root.appendingPathComponent("checkpoint-seen")
            let id = try await env.jobctl([
                "enqueue", "--repo", server.url(for: "repo.git"), "--branch", "agent/refused", "--checkpoint-every", "1s",
                "--max-attempts", "1", "--", "sh", "-c", "echo work > work.txt; while [ ! -f '\(marker.path)' ]; do sleep 0.2; done",
            ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let worker = try BackgroundJobctl(["worker", "--worker-id", "refused"], environment: [
                "JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path, "GITHUB_TOKEN": token,
            ])
            let refused = try await Self.waitForEvent(env, id, kind: "checkpointFailed")
            #expect((refused["message"] as? String)?.contains("no WIP branches here") == true, "the remote's reason: \(refused)")
            try Data().write(to: marker)
            let job = try await env.waitFor(id) { $0["state"] as? String != "running" && $0["state"] as? String != "queued" }
            worker.signal(SIGTERM)
            _ = try await worker.finish()
            #expect(job["state"] as? String == "succeeded", "\(job)")
            #expect(job["checkpoint"] == nil, "no checkpoint was saved")
        }
    }

    /// Waits (polling another process's writes, bounded) for an event of `kind`.
    static func waitForEvent(_ env: JobctlEnvironment, _ id: String, kind: String, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let output = try await env.jobctl(["events", id, "--json"])
            let events = (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]]) ?? []
            if let event = events.first(where: { $0["kind"] as? String == kind }) { return event }
            guard ContinuousClock.now < deadline else { throw JobctlEnvironment.TimedOut(job: "no \(kind) event: \(output.stdout)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test(arguments: [
        (["--checkpoint-every", "1s", "--", "true"], "checkpoints need a repository and a feature branch"),
        (["--repo", "x/y", "--checkpoint-every", "0s", "--branch", "b", "--", "true"], "between 1 second"),
        (["--repo", "x/y", "--branch", "b", "--checkpoint-every", "1m", "--checkpoint-branch", "b", "--", "true"], "must differ"),
        (["--keep-checkpoints", "--", "true"], "go with --checkpoint-every"),
    ])
    func invalidCheckpointOptionsExit2AndCreateNothing(arguments: [String], message: String) async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(["enqueue"] + arguments)
            #expect(output.status == 2, "\(output.stderr)")
            #expect(output.stderr.contains(message), "\(output.stderr)")
            let list = try await env.jobctl(["list", "--json"])
            #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true, "\(list.stdout)")
        }
    }
}
