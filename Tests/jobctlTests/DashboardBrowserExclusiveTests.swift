import Foundation
import JobCore
import JobCoreTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The dashboard in a real browser: `Tests/Browser/dashboard_test.py` drives headless Chromium
/// (selenium and chromedriver; scripts/bootstrap installs them) against a live
/// `jobctl serve --with-worker` and a spare `jobctl worker`: the token is entered once, the
/// workers are listed as the registry has them, the running job's log grows on its page, Cancel
/// makes it cancelled and its process goes; last, Drain stops the spare worker (refused for a read
/// token). Fails, never skips, without Chromium.
/// With `JOBCORE_SCREENSHOTS=1` it rewrites the screenshots of docs/images. `Exclusive`: it
/// starts a browser.
@Suite struct DashboardBrowserExclusiveTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func aRunningJobIsWatchedAndCancelledFromTheDashboard() async throws {
        try await JobctlEnvironment.with { env in
            let admin = try Self.token(try await env.jobctl(["tokens", "create", "--scope", "admin", "--name", "dashboard", "--json"]))
            let reader = try Self.token(try await env.jobctl(["tokens", "create", "--scope", "read", "--name", "viewer", "--json"]))
            // Jobs in every state: two that end at once, one that runs until cancelled (it writes its
            // pid first, then a line every 0.2 s), one scheduled later, one waiting for it, one cancelled.
            let pidFile = env.root.appendingPathComponent("job.pid")
            func enqueue(_ arguments: [String]) async throws -> String {
                let output = try await env.jobctl(["enqueue"] + arguments)
                #expect(output.status == 0, "\(output.stderr)")
                return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let succeeded = try await enqueue(["--key", "widgets", "--", "sh", "-c", "echo 128 tests passed"])
            let failed = try await enqueue(["--max-attempts", "1", "--", "sh", "-c", "echo lint: 3 problems >&2; exit 1"])
            let running = try await enqueue([
                "--env", "PID_FILE=\(pidFile.path)", "--timeout", "10m", "--",
                "sh", "-c", "echo $$ > $PID_FILE; for i in $(seq 100000); do echo step $i; sleep 0.2; done",
            ])
            let later = try await enqueue(["--delay", "1h", "--queue", "releases", "--", "make", "release"])
            _ = try await enqueue(["--depends-on", later, "--queue", "releases", "--", "make", "deploy"])
            let dropped = try await enqueue(["--delay", "1h", "--", "make", "docs"])
            let cancelled = try await env.jobctl(["cancel", dropped])
            #expect(cancelled.status == 0, "\(cancelled.stderr)")

            let port = try MetricsEndpointTests.freePort()
            let server = try BackgroundJobctl(
                ["serve", "--listen", "127.0.0.1:\(port)", "--with-worker", "--concurrency", "4", "--lease", "3s", "--stop-grace", "1s", "--grace", "5s"],
                environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            // A second worker, on a queue of its own (it claims none of the jobs above), for the
            // browser to drain at the end. Not the server's own: a drained worker stops for good.
            let spare = try BackgroundJobctl(
                ["worker", "--queue", "dashboard-spare", "--concurrency", "2", "--lease", "3s",
                 "--capability", "docker", "--capability", "gpu", "--label", "zone=eu-west"],
                environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            _ = try await env.waitFor(succeeded) { $0["state"] as? String == "succeeded" }
            _ = try await env.waitFor(failed) { $0["state"] as? String == "failed" }

            var arguments = [
                "--url", "http://127.0.0.1:\(port)", "--token", admin, "--read-token", reader, "--job", running,
                "--pid-file", pidFile.path, "--expect-states", "waiting,queued,running,succeeded,failed,cancelled",
                "--worker-pid", String(server.process.processIdentifier), "--worker-seats", "4", "--drain-queue", "dashboard-spare",
            ]
            if ProcessInfo.processInfo.environment["JOBCORE_SCREENSHOTS"] == "1" {
                let images = Self.repository.appendingPathComponent("docs/images")
                try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
                arguments += ["--screenshots", images.path]
            }
            let browser = try await Self.python(Self.repository.appendingPathComponent("Tests/Browser/dashboard_test.py"), arguments, in: env.root)
            #expect(browser.status == 0, "\(browser.output)")

            // The spare worker, drained from the browser, has stopped by itself (the browser saw
            // its row become gone: it left the registry on its way out).
            if browser.status != 0 { spare.signal(SIGTERM) }
            let spareOutput = try await spare.finish()
            #expect(spareOutput.status == 0, "\(spareOutput.stderr)")
            if browser.status == 0 {
                #expect(spareOutput.stderr.contains("asked to drain"), "\(spareOutput.stderr)")
            }

            // What the browser saw is what the store holds: cancelled, and its process gone.
            let job = try await env.show(running)
            #expect(job["state"] as? String == "cancelled")
            if let pid = Int32((try? String(contentsOf: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
                #expect(await JobctlEnvironment.allGone([pid]), "the cancelled job's process \(pid) survived")
            } else {
                Issue.record("the running job never wrote its pid")
            }

            server.signal(SIGTERM)
            let output = try await server.finish()
            #expect(output.status == 0, "\(output.stderr)")
            #expect(!output.stderr.contains(admin) && !output.stderr.contains(reader), "the tokens are never logged")
        }
    }

    @Test func serveWithoutTheDashboardAnswers404() async throws {
        try await JobctlEnvironment.with { env in
            for withDashboard in [true, false] {
                let port = try MetricsEndpointTests.freePort()
                let server = try BackgroundJobctl(
                    ["serve", "--listen", "127.0.0.1:\(port)"] + (withDashboard ? [] : ["--no-dashboard"]),
                    environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
                for path in ["/", "/dashboard/job.js"] {
                    let response = try await ServeCommandTests.request(port: port, "GET", path)
                    #expect(response.status == (withDashboard ? 200 : 404), "\(path), dashboard \(withDashboard): \(response.body)")
                }
                let api = try await ServeCommandTests.request(port: port, "GET", "/openapi.json")
                #expect(api.status == 200)
                server.signal(SIGTERM)
                let output = try await server.finish()
                #expect(output.status == 0, "\(output.stderr)")
            }
        }
    }

    /// The token of `jobctl tokens create --json`.
    static func token(_ output: JobctlProcess.Output) throws -> String {
        let document = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        return try #require(document?["token"] as? String, "\(output.stdout) \(output.stderr)")
    }

    /// Runs a Python script with the python3 on PATH, in `directory`; its status and output.
    static func python(_ script: URL, _ arguments: [String], in directory: URL) async throws -> (status: Int32, output: String) {
        let run = try await PythonProcess.run([script.path] + arguments, in: directory, name: "dashboard-browser")
        return (run.status, run.stdout + run.stderr)
    }
}
