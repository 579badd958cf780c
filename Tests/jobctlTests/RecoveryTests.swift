import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct RecoveryTests {
    /// A worker killed with SIGKILL mid-job: its command's whole tree dies with it, and another
    /// worker runs the job again once the lease has expired. Nothing is lost.
    @Test func aJobOfAKilledWorkerIsRerunAndItsProcessesDieWithIt() async throws {
        try await JobctlEnvironment.with { env in
            let pids = env.root.appendingPathComponent("pids")
            let script = #"""
            if [ "$JOB_ATTEMPT" = 1 ]; then
              sleep 1000 & echo $! >> "$PIDS"
              sh -c 'sleep 1000 & echo $! >> "$PIDS"; wait' & echo $! >> "$PIDS"
              echo $$ >> "$PIDS"; wait
            else
              echo "attempt $JOB_ATTEMPT done"
            fi
            """#
            let enqueued = try await env.jobctl(["enqueue", "--key", "tenant", "--env", "PIDS=\(pids.path)", "--", "sh", "-c", script])
            let id = enqueued.stdout.trimmingCharacters(in: .newlines)
            let environment = ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path]
            let first = try BackgroundJobctl(["worker", "--lease", "2s", "--poll-interval", "100ms"], environment: environment)
            let tree = try await env.waitForFile(pids, lines: 4).compactMap { Int32($0) }
            #expect(tree.count == 4)

            first.signal(SIGKILL)
            _ = try await first.finish()
            #expect(await JobctlEnvironment.allGone(tree), "processes of the killed attempt survived")
            #expect((try await env.show(id))["state"] as? String == "running")

            // A second worker reaps the expired lease and runs the job again.
            let second = try BackgroundJobctl(["worker", "--lease", "2s", "--poll-interval", "100ms"], environment: environment)
            let job = try await env.waitFor(id) { $0["state"] as? String == "succeeded" }
            second.signal(SIGTERM)
            #expect(try await second.finish().status == 0)
            #expect(job["attempt"] as? Int == 2)
            #expect(try await env.jobctl(["logs", id]).stdout.contains("attempt 2 done"))
            let events = try await env.jobctl(["events", id, "--json"])
            let kinds = (try JSONSerialization.jsonObject(with: Data(events.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            #expect(kinds?.contains("leaseExpired") == true)
            // The killed worker's workspace is swept by the next worker start (owner gone); the rerun's is removed.
            let sweep = try await env.jobctl(["workspace", "sweep", "--older-than", "0s", "--json"])
            #expect(sweep.status == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: env.workspaces.path).isEmpty)
        }
    }

    @Test func runWithPushCommitsAndPushesTheFeatureBranch() async throws {
        try await JobctlEnvironment.with { env in
            let token = "ghs_pushToken_abcdefghijkl"
            let server = try await LocalGitServer.start(root: env.root, token: Secret(token))
            defer { Task { try? await server.shutdown() } }
            let output = try await env.jobctl([
                "run", "--repo", server.url(for: "repo.git"), "--branch", "agent/issue-9", "--push", "--commit-message", "Fix #9",
                "--git-author", "Review Bot <review-bot@example.com>", "--", "sh", "-c", "echo fixed > FIXED.md",
            ], environment: ["GITHUB_TOKEN": token])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(try GitFixture.git(["log", "-1", "--format=%s", "agent/issue-9"], in: env.repository).trimmingCharacters(in: .newlines) == "Fix #9")
            #expect(try GitFixture.git(["log", "-1", "--format=%an <%ae>", "agent/issue-9"], in: env.repository) == "Review Bot <review-bot@example.com>\n")
            #expect(try GitFixture.git(["show", "agent/issue-9:FIXED.md"], in: env.repository) == "fixed\n")
            let list = try await env.jobctl(["list", "--json"])
            #expect(!list.stdout.contains(token))
        }
    }

    @Test func aMalformedGitAuthorIsInvalidInputAndCreatesNothing() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(["run", "--git-author", "no email here", "--", "true"])
            #expect(output.status == 2, "\(output.stderr)")
            #expect(output.stderr.contains("NAME <EMAIL>"))
            let list = try await env.jobctl(["list", "--json"])
            let jobs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any]
            #expect(jobs?.isEmpty == true, "\(list.stdout)")
        }
    }

    /// Issue 17, item 21: a push the remote refuses has its own exit status, and the remote's
    /// explanation (where GitHub states a protected branch or a ruleset) is kept, redacted.
    @Test func aRejectedPushExits76WithTheRemotesExplanation() async throws {
        try await JobctlEnvironment.with { env in
            let token = "ghs_rejectedPush_abcdefghijkl"
            let hook = env.repository.appendingPathComponent("hooks/pre-receive")
            try FileManager.default.createDirectory(at: hook.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("#!/bin/sh\necho 'GH006: Protected branch update failed for refs/heads/agent/locked.' >&2\nprintf '\\033]0;owned\\007\\n' >&2\nexit 1\n".utf8).write(to: hook)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
            let server = try await LocalGitServer.start(root: env.root, token: Secret(token))
            defer { Task { try? await server.shutdown() } }
            let output = try await env.jobctl([
                "run", "--repo", server.url(for: "repo.git"), "--branch", "agent/locked", "--push", "--",
                "sh", "-c", "echo change > CHANGE.md",
            ], environment: ["GITHUB_TOKEN": token])
            #expect(output.status == 76, "\(output.stderr)")
            #expect(output.stderr.contains("GH006: Protected branch update failed"), "\(output.stderr)")
            let show = try await env.jobctl(["list", "--json"])
            #expect(show.stdout.contains("GH006"), "\(show.stdout)")
            #expect(!show.stdout.contains(token) && !output.stderr.contains(token))
            // The remote's text cannot carry terminal escapes to the terminal.
            #expect(!output.stderr.contains("\u{1B}") && !output.stderr.contains("\u{07}"), "\(output.stderr)")
            #expect(output.stderr.contains("?]0;owned?"), "\(output.stderr)")
        }
    }
}
