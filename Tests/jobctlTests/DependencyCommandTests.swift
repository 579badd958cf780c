import Foundation
import JobCore
import JobCoreTesting
import Testing

/// `jobctl enqueue --depends-on`: a job waits for others, is listed and shown as waiting, runs
/// when they succeeded and is cancelled when one failed (issue 12 §1).
@Suite struct DependencyCommandTests {
    func enqueue(_ env: JobctlEnvironment, _ arguments: [String]) async throws -> String {
        let output = try await env.jobctl(["enqueue"] + arguments)
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aDependentRunsAfterItsDependenciesAndIsCancelledWithAFailedOne() async throws {
        try await JobctlEnvironment.with { env in
            let marker = env.root.appendingPathComponent("order.txt").path
            let first = try await enqueue(env, ["--", "sh", "-c", "echo first >> '\(marker)'"])
            let second = try await enqueue(env, ["--", "sh", "-c", "echo second >> '\(marker)'"])
            let after = try await enqueue(env, ["--depends-on", first, "--depends-on", second, "--", "sh", "-c", "echo after >> '\(marker)'"])
            let failing = try await enqueue(env, ["--max-attempts", "1", "--", "false"])
            let doomed = try await enqueue(env, ["--depends-on", failing, "--", "sh", "-c", "echo doomed >> '\(marker)'"])
            let lenient = try await enqueue(env, ["--depends-on", failing, "--dependency-mode", "finished", "--", "sh", "-c", "echo lenient >> '\(marker)'"])

            let waiting = try await env.jobctl(["list", "--state", "waiting", "--json"])
            #expect(waiting.status == 0, "\(waiting.stderr)")
            let listed = try JSONSerialization.jsonObject(with: Data(waiting.stdout.utf8)) as? [[String: Any]] ?? []
            #expect(Set(listed.compactMap { $0["id"] as? String }) == [after, doomed, lenient])
            let shown = try await env.jobctl(["show", after])
            #expect(shown.stdout.contains("waiting"), "\(shown.stdout)")
            #expect(shown.stdout.contains("succeeded, waiting for 2: \(first) queued, \(second) queued"), "\(shown.stdout)")
            let json = try await env.show(after)
            #expect(json["dependsOn"] as? [String] == [first, second])
            #expect(json["pendingDependencies"] as? Int == 2)

            let worker = try await env.jobctl(["worker", "--drain", "--concurrency", "1"])
            #expect(worker.status == 0, "\(worker.stderr)")
            #expect(try await env.show(after)["state"] as? String == "succeeded")
            let cancelled = try await env.show(doomed)
            #expect(cancelled["state"] as? String == "cancelled")
            #expect((cancelled["lastError"] as? String ?? "").isEmpty)
            let reason = try await env.jobctl(["events", doomed])
            #expect(reason.stdout.contains("dependency \(failing) failed"), "\(reason.stdout)")
            #expect(try await env.show(lenient)["state"] as? String == "succeeded")
            let lines = try String(contentsOfFile: marker, encoding: .utf8).split(separator: "\n")
            #expect(lines.firstIndex(of: "after")! > lines.firstIndex(of: "first")!)
            #expect(lines.firstIndex(of: "after")! > lines.firstIndex(of: "second")!)
            #expect(!lines.contains("doomed"))
        }
    }

    @Test func anUnknownDependencyExitsWithNoSuchJobAndCreatesNothing() async throws {
        try await JobctlEnvironment.with { env in
            let unknown = JobID.make(at: Date()).rawValue
            let output = try await env.jobctl(["enqueue", "--depends-on", unknown, "--", "true"])
            #expect(output.status == JobExitCode.noSuchJob.rawValue, "\(output.stderr)")
            #expect(output.stderr.contains(unknown))
            let list = try await env.jobctl(["list", "--json"])
            #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true, "\(list.stdout)")
            let malformed = try await env.jobctl(["enqueue", "--depends-on", "not-an-id", "--", "true"])
            #expect(malformed.status == JobExitCode.noSuchJob.rawValue, "an id no job has, like any unknown id: \(malformed.stderr)")
            let run = try await env.jobctl(["run", "--depends-on", unknown, "--", "true"])
            #expect(run.status == 2, "\(run.stderr)")
            #expect(run.stderr.contains("jobctl enqueue"))
        }
    }

    /// The dependent is queued by the write that ends its dependency: a worker SIGKILLed as soon
    /// as the dependency's success is visible leaves the dependent queued, not waiting.
    @Test func aWorkerKilledRightAfterTheDependencyEndedLeavesTheDependentQueued() async throws {
        try await JobctlEnvironment.with { env in
            let dependency = try await enqueue(env, ["--queue", "first", "--", "true"])
            // In another queue, so that the worker cannot take it: only the store moves it.
            let dependent = try await enqueue(env, ["--queue", "second", "--depends-on", dependency, "--", "true"])
            let worker = try BackgroundJobctl(["worker", "--queue", "first", "--poll-interval", "100ms"],
                                              environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            _ = try await env.waitFor(dependency) { $0["state"] as? String == "succeeded" }
            worker.signal(SIGKILL)
            _ = try await worker.finish()
            let job = try await env.show(dependent)
            #expect(job["state"] as? String == "queued", "\(job)")
            #expect(job["pendingDependencies"] as? Int == 0)
            let events = try await env.jobctl(["events", dependent, "--json"])
            #expect(events.stdout.contains("unblocked"), "\(events.stdout)")
        }
    }
}
