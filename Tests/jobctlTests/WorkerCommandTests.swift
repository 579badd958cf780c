import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct WorkerCommandTests {
    func startWorker(_ env: JobctlEnvironment, _ extra: [String] = []) throws -> BackgroundJobctl {
        try BackgroundJobctl(["worker", "--lease", "3s", "--poll-interval", "100ms", "--stop-grace", "1s", "--log-level", "info",
                              "--log-format", "json"] + extra,
                             environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
    }

    @Test func enqueuePrintsOnlyTheIdAndADrainingWorkerRunsTheJob() async throws {
        try await JobctlEnvironment.with { env in
            let enqueued = try await env.jobctl(["enqueue", "--repo", env.repository.path, "--key", "k", "--correlation-id", "req-42",
                                                 "--", "sh", "-c", "echo from-worker"])
            #expect(enqueued.status == 0, "\(enqueued.stderr)")
            let id = enqueued.stdout.trimmingCharacters(in: .newlines)
            #expect(!id.isEmpty && !id.contains(" ") && !id.contains("\n"))
            #expect((try await env.show(id))["state"] as? String == "queued")

            let worker = try await env.jobctl(["worker", "--drain", "--log-format", "json", "--log-level", "info"])
            #expect(worker.status == 0, "\(worker.stderr)")
            let job = try await env.show(id)
            #expect(job["state"] as? String == "succeeded")
            #expect(job["exitCode"] as? Int == 0)
            #expect(try await env.jobctl(["logs", id]).stdout == "from-worker\n")

            // JSON log lines: one object per line with time, level, message; the job's lines carry its id.
            let lines = worker.stderr.split(separator: "\n")
            #expect(!lines.isEmpty)
            var jobLines = 0
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
                #expect(object?["time"] != nil && object?["level"] != nil && object?["message"] != nil)
                if object?["job.id"] == id {
                    jobLines += 1
                    #expect(object?["correlation.id"] == "req-42", "\(line)")
                    #expect(object?["job.key"] == "k", "\(line)")
                }
            }
            #expect(jobLines >= 2)
        }
    }

    @Test func enqueueJSONAndIdempotency() async throws {
        try await JobctlEnvironment.with { env in
            let first = try await env.jobctl(["enqueue", "--idempotency-key", "once", "--json", "--", "true"])
            let second = try await env.jobctl(["enqueue", "--idempotency-key", "once", "--json", "--", "true"])
            let a = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
            let b = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any]
            #expect(a?["id"] as? String == b?["id"] as? String)
            #expect(a?["state"] as? String == "queued")
            for key in ["id", "state", "attempt", "maxAttempts", "createdAt", "runAt", "kind", "queue", "priority"] {
                #expect(a?[key] != nil, "missing \(key)")
            }
        }
    }

    @Test func cancelAndKillARunningJobStopItsProcessTree() async throws {
        try await JobctlEnvironment.with { env in
            let worker = try startWorker(env, ["--concurrency", "2"])
            var ids: [String] = []
            var pidFiles: [URL] = []
            for index in 0..<3 {
                let pids = env.root.appendingPathComponent("pids-\(index)")
                pidFiles.append(pids)
                let script = #"trap '' TERM; sleep 1000 & echo $! >> "$PIDS"; echo $$ >> "$PIDS"; wait"#
                let enqueued = try await env.jobctl(["enqueue", "--key", "k\(index)", "--env", "PIDS=\(pids.path)", "--", "sh", "-c",
                                                     index == 0 ? script : #"sleep 1000 & echo $! >> "$PIDS"; echo $$ >> "$PIDS"; wait"#])
                ids.append(enqueued.stdout.trimmingCharacters(in: .newlines))
            }
            // Job 0 ignores SIGTERM: kill --force ends it at once. Job 1: cancel (SIGTERM). Job 2 waits queued.
            let pids0 = try await env.waitForFile(pidFiles[0], lines: 2).compactMap { Int32($0) }
            let pids1 = try await env.waitForFile(pidFiles[1], lines: 2).compactMap { Int32($0) }
            #expect((try await env.show(ids[2]))["state"] as? String == "queued")

            #expect(try await env.jobctl(["kill", ids[2]]).status == 4)        // not running
            #expect(try await env.jobctl(["kill", ids[0], "--force"]).status == 0)
            #expect(try await env.jobctl(["cancel", ids[1]]).status == 0)
            _ = try await env.waitFor(ids[0]) { $0["state"] as? String == "cancelled" }
            _ = try await env.waitFor(ids[1]) { $0["state"] as? String == "cancelled" }
            #expect(await JobctlEnvironment.allGone(pids0 + pids1))

            // The third job now runs; cancel it while queued? It is running or about to: cancel either way.
            let pids2 = try await env.waitForFile(pidFiles[2], lines: 2).compactMap { Int32($0) }
            #expect(try await env.jobctl(["cancel", ids[2]]).status == 0)
            _ = try await env.waitFor(ids[2]) { $0["state"] as? String == "cancelled" }
            #expect(await JobctlEnvironment.allGone(pids2))
            #expect(try await env.jobctl(["cancel", ids[2]]).status == 4)      // already finished

            worker.signal(SIGTERM)
            let stopped = try await worker.finish()
            #expect(stopped.status == 0, "\(stopped.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: env.workspaces.path).isEmpty)
        }
    }

    @Test func retryPurgeEventsAndHealth() async throws {
        try await JobctlEnvironment.with { env in
            let failed = try await env.jobctl(["run", "--", "sh", "-c", "exit 3"])
            #expect(failed.status == 3)
            let id = String(try #require(failed.stderr.split(separator: "\n").first { $0.hasPrefix("job ") }).dropFirst(4))

            let events = try await env.jobctl(["events", id, "--json"])
            let list = try JSONSerialization.jsonObject(with: Data(events.stdout.utf8)) as? [[String: Any]]
            #expect(list?.map { $0["kind"] as? String } == ["enqueued", "claimed", "failed"])
            #expect(list?.first?["sequence"] as? Int == 1)

            #expect(try await env.jobctl(["retry", id]).status == 0)
            #expect((try await env.show(id))["state"] as? String == "queued")
            #expect(try await env.jobctl(["retry", id]).status == 4)

            let health = try await env.jobctl(["health", "--json"])
            let report = try JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any]
            #expect((report?["counts"] as? [String: Int])?["queued"] == 1)
            #expect(report?["timestamp"] is String)
            #expect(try await env.jobctl(["health", "--check"]).status == 0)
            #expect(try await env.jobctl(["health", "--check", "--queue-depth", "0"]).status == 1)

            #expect(try await env.jobctl(["purge", "nope"]).status == 3)
            #expect((try await env.show(id))["state"] as? String == "queued")
            let purged = try await env.jobctl(["purge", id, "--json"])
            #expect(purged.stdout.contains("\"purged\" : 1"))
            #expect(try await env.jobctl(["show", id]).status == 3)
            #expect(try await env.jobctl(["events", id]).status == 3)
            #expect(try await env.jobctl(["logs", id]).status == 3)
            #expect(try await env.jobctl(["cancel", id]).status == 3)
            #expect(try await env.jobctl(["kill", id]).status == 3)
            #expect(try await env.jobctl(["retry", id]).status == 3)
        }
    }

    @Test func listFiltersAndLogsFollow() async throws {
        try await JobctlEnvironment.with { env in
            _ = try await env.jobctl(["run", "--key", "a", "--", "true"])
            _ = try await env.jobctl(["run", "--key", "b", "--", "false"])
            let gate = env.root.appendingPathComponent("go")
            let queued = try await env.jobctl(["enqueue", "--key", "c", "--env", "GATE=\(gate.path)", "--", "sh", "-c",
                                               #"echo first; while [ ! -e "$GATE" ]; do sleep 0.05; done; echo second"#])
            let id = queued.stdout.trimmingCharacters(in: .newlines)

            let failed = try await env.jobctl(["list", "--state", "failed", "--json"])
            let failedJobs = try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [[String: Any]]
            #expect(failedJobs?.map { $0["key"] as? String } == ["b"])
            let byKey = try await env.jobctl(["list", "--key", "a"])
            #expect(byKey.stdout.split(separator: "\n").count == 2)
            #expect(byKey.stdout.hasPrefix("ID"))
            let both = try await env.jobctl(["list", "--state", "succeeded", "--state", "queued", "--limit", "1", "--json"])
            #expect((try JSONSerialization.jsonObject(with: Data(both.stdout.utf8)) as? [[String: Any]])?.count == 1)

            let worker = try startWorker(env)
            let follower = try BackgroundJobctl(["logs", id, "--follow"], environment: ["JOBCTL_STORE": env.store])
            _ = try await env.waitFor(id) { $0["state"] as? String == "running" }
            try Data().write(to: gate)
            let followed = try await follower.finish()
            #expect(followed.status == 0)
            #expect(followed.stdout == "first\nsecond\n")
            worker.signal(SIGINT)
            #expect(try await worker.finish().status == 0)
        }
    }
}
