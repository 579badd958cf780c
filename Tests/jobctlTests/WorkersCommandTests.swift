import Foundation
import JobCore
import JobCoreTesting
import Testing

/// The worker registry from the command line: two `jobctl worker` processes on one store, each
/// as `jobctl workers` lists it, and `jobctl workers drain`, which makes one stop claiming, finish
/// its job and exit while the other goes on.
@Suite struct WorkersCommandTests {
    func startWorker(_ env: JobctlEnvironment, _ id: String, _ extra: [String]) throws -> BackgroundJobctl {
        try BackgroundJobctl(["worker", "--worker-id", id, "--lease", "3s", "--poll-interval", "100ms", "--concurrency", "2"] + extra,
                             environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
    }

    func workers(_ env: JobctlEnvironment) async throws -> [[String: Any]] {
        let output = try await env.jobctl(["workers", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }

    /// Waits (polling the store, bounded) until the registry satisfies `condition`.
    func waitForWorkers(_ env: JobctlEnvironment, _ condition: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let listed = try await workers(env)
            if condition(listed) { return listed }
            guard ContinuousClock.now < deadline else { throw JobctlEnvironment.TimedOut(job: "workers: \(listed)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func theRegistryListsEachProcessAndADrainedWorkerFinishesItsJobAndExits() async throws {
        try await JobctlEnvironment.with { env in
            let gpu = try startWorker(env, "gpu-worker", ["--capability", "gpu", "--label", "zone=eu"])
            let other = try startWorker(env, "other-worker", ["--capability", "engine:claude"])
            let listed = try await waitForWorkers(env) { $0.count == 2 }
            let first = try #require(listed.first { $0["id"] as? String == "gpu-worker" })
            #expect(first["capabilities"] as? [String] == ["gpu"])
            #expect(first["labels"] as? [String: String] == ["zone": "eu"])
            #expect(first["seats"] as? Int == 2)
            #expect(first["state"] as? String == "active")
            #expect(first["host"] as? String == ProcessInfo.processInfo.hostName)
            #expect(first["pid"] as? Int == Int(gpu.process.processIdentifier))
            for key in ["load", "lastSeenAt", "startedAt", "version", "queue"] { #expect(first[key] != nil, "\(key)") }
            #expect(listed.last?["capabilities"] as? [String] == ["engine:claude"])
            let table = try await env.jobctl(["workers"])
            #expect(table.stdout.contains("gpu-worker") && table.stdout.contains("zone=eu"), "\(table.stdout)")

            // A job that runs until the test releases it.
            let release = env.root.appendingPathComponent("release")
            let started = env.root.appendingPathComponent("started")
            let enqueued = try await env.jobctl(["enqueue", "--", "sh", "-c",
                                                 "echo $$ > \(started.path); while [ ! -e \(release.path) ]; do sleep 0.05; done"])
            let id = enqueued.stdout.trimmingCharacters(in: .newlines)
            _ = try await env.waitForFile(started, lines: 1)
            let running = try await env.waitFor(id) { ($0["runs"] as? [[String: Any]])?.isEmpty == false }
            let holder = try #require((running["runs"] as? [[String: Any]])?.last?["workerID"] as? String)
            let (drained, survivor) = holder == "gpu-worker" ? (gpu, other) : (other, gpu)
            let survivorID = holder == "gpu-worker" ? "other-worker" : "gpu-worker"

            let drain = try await env.jobctl(["workers", "drain", holder, "--json"])
            #expect(drain.status == 0, "\(drain.stderr)")
            let record = try #require(try JSONSerialization.jsonObject(with: Data(drain.stdout.utf8)) as? [String: Any])
            #expect(record["state"] as? String == "draining")
            // It learns at its next heartbeat: once it has been seen after the drain.
            let seenBefore = try #require(record["lastSeenAt"] as? String)
            _ = try await waitForWorkers(env) { workers in
                workers.contains { $0["id"] as? String == holder && ($0["lastSeenAt"] as? String ?? "") > seenBefore }
            }
            let text = try await env.jobctl(["workers", "drain", holder])
            #expect(text.stdout.contains("draining \(holder)"), "\(text.stdout)")

            // The draining worker takes nothing new: the next job runs on the other one.
            let next = try await env.jobctl(["enqueue", "--", "true"]).stdout.trimmingCharacters(in: .newlines)
            let done = try await env.waitFor(next) { $0["state"] as? String == "succeeded" }
            #expect((done["runs"] as? [[String: Any]])?.last?["workerID"] as? String == survivorID)

            // Released, its job succeeds and the drained worker exits 0 by itself.
            FileManager.default.createFile(atPath: release.path, contents: Data())
            let exited = try await drained.finish()
            #expect(exited.status == 0, "\(exited.stderr)")
            #expect((try await env.show(id))["state"] as? String == "succeeded")
            let after = try await workers(env)
            #expect(after.first { $0["id"] as? String == holder }?["state"] as? String == "gone")
            #expect(after.first { $0["id"] as? String == survivorID }?["state"] as? String == "active")

            let health = try await env.jobctl(["health", "--json"])
            let fleet = try #require((try JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any])?["fleet"] as? [String: Any])
            #expect(fleet["active"] as? Int == 1 && fleet["gone"] as? Int == 1 && fleet["seats"] as? Int == 2, "\(fleet)")

            // Unknown: exit 3; gone: exit 4; both with one line on stderr.
            let unknown = try await env.jobctl(["workers", "drain", "nobody"])
            #expect(unknown.status == 3 && unknown.stderr.contains("no such worker nobody"), "\(unknown.stderr)")
            let gone = try await env.jobctl(["workers", "drain", holder])
            #expect(gone.status == 4 && gone.stderr.contains("gone"), "\(gone.stderr)")

            survivor.signal(SIGTERM)
            #expect(try await survivor.finish().status == 0)
        }
    }

    @Test func capabilitiesAndLabelsAreChecked() async throws {
        try await JobctlEnvironment.with { env in
            for arguments in [["--capability", "GPU"], ["--capability", "-x"], ["--label", "novalue"], ["--label", "a=1", "--label", "a=2"],
                              ["--capability", String(repeating: "a", count: 65)]] {
                let output = try await env.jobctl(["worker", "--drain"] + arguments)
                #expect(output.status == 2, "\(arguments): \(output.stderr)")
            }
        }
    }
}
