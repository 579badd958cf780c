import Foundation
import JobCore
import JobCoreTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `jobctl serve`: the HTTP API in its own process, with a worker, over the store other jobctl
/// commands use.
@Suite struct ServeCommandTests {
    @Test func jobsEnqueuedOverHTTPAreSeenAndRunByJobctl() async throws {
        try await JobctlEnvironment.with { env in
            let token = try await env.jobctl(["tokens", "create", "--scope", "operate", "--name", "ci"]).stdout
                .trimmingCharacters(in: .newlines)
            #expect(token.hasPrefix("jct_"))
            let port = try MetricsEndpointTests.freePort()
            let server = try BackgroundJobctl(
                ["serve", "--listen", "127.0.0.1:\(port)", "--with-worker", "--lease", "3s", "--stop-grace", "1s", "--grace", "5s"],
                environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            let refused = try await Self.request(port: port, "POST", "/v1/jobs", body: #"{"command": ["true"]}"#)
            #expect(refused.status == 401, "\(refused.body)")
            let created = try await Self.request(
                port: port, "POST", "/v1/jobs", body: #"{"command": ["sh", "-c", "echo served"], "key": "http"}"#, token: token
            )
            #expect(created.status == 201, "\(created.body)")
            let id = try #require((try JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any])?["id"] as? String)

            // jobctl sees the job, and the worker of the same process runs it.
            let shown = try await env.show(id)
            #expect(shown["command"] as? [String] == ["sh", "-c", "echo served"])
            #expect(shown["key"] as? String == "http")
            _ = try await env.waitFor(id) { $0["state"] as? String == "succeeded" }
            let log = try await Self.request(port: port, "GET", "/v1/jobs/\(id)/logs", token: token)
            #expect(log.status == 200)
            #expect(log.body == "served\n")
            // The API answers as jobctl prints.
            let api = try await Self.request(port: port, "GET", "/v1/jobs/\(id)", token: token)
            #expect(api.body == (try await env.jobctl(["show", id, "--json"])).stdout)
            let purge = try await Self.request(port: port, "DELETE", "/v1/jobs/\(id)", token: token)
            #expect(purge.status == 403, "an operate token cannot purge: \(purge.body)")
            let metrics = try await Self.request(port: port, "GET", "/metrics", token: token)
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("jobcore_jobs_claimed_total"))

            server.signal(SIGTERM)
            let output = try await server.finish()
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stderr.contains("http server listening"))
            #expect(output.stderr.contains("server stopped"))
        }
    }

    /// `jobctl workers drain` of the worker of `serve --with-worker`: the worker finishes and the
    /// process exits 0, the server with it (what a deploy expects of a drained process).
    @Test func drainingTheServersWorkerStopsTheProcessCleanly() async throws {
        try await JobctlEnvironment.with { env in
            let port = try MetricsEndpointTests.freePort()
            let server = try BackgroundJobctl(
                ["serve", "--listen", "127.0.0.1:\(port)", "--with-worker", "--lease", "3s", "--capability", "gpu", "--label", "zone=eu"],
                environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            let deadline = ContinuousClock.now + .seconds(30)
            var workers: [[String: Any]] = []
            while workers.isEmpty {
                let listed = try await env.jobctl(["workers", "--json"]).stdout
                workers = (try? JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]]) ?? []
                guard workers.isEmpty else { break }
                guard ContinuousClock.now < deadline else { Issue.record("the server's worker never registered"); return }
                try await Task.sleep(for: .milliseconds(100))
            }
            let id = try #require(workers.first?["id"] as? String)
            #expect(workers.first?["pid"] as? Int == Int(server.process.processIdentifier))
            #expect(workers.first?["capabilities"] as? [String] == ["gpu"])
            #expect(workers.first?["labels"] as? [String: String] == ["zone": "eu"])
            let lone = try await env.jobctl(["serve", "--listen", "127.0.0.1:0", "--capability", "gpu"])
            #expect(lone.status == 2 && lone.stderr.contains("--with-worker"), "\(lone.stderr)")
            #expect(try await env.jobctl(["workers", "drain", id]).status == 0)
            let output = try await server.finish()
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stderr.contains("asked to drain"), "\(output.stderr)")
            #expect(output.stderr.contains("server stopped"))
        }
    }

    @Test func serveListensOnLoopbackUnlessToldOtherwise() async throws {
        try await JobctlEnvironment.with { env in
            for address in ["0.0.0.0:8080", "10.1.2.3:80", "[::]:8080", "example.com:80"] {
                let output = try await env.jobctl(["serve", "--listen", address])
                #expect(output.status == 2, "\(address): \(output.stderr)")
                #expect(output.stderr.contains("not a loopback address"), "\(address): \(output.stderr)")
                #expect(output.stderr.contains("--insecure-listen"), "\(address): \(output.stderr)")
            }
            for malformed in ["8080", "127.0.0.1:70000", ":80"] {
                let output = try await env.jobctl(["serve", "--listen", malformed])
                #expect(output.status == 2, "\(malformed): \(output.stderr)")
                #expect(output.stderr.contains("--listen must be HOST:PORT"), "\(malformed): \(output.stderr)")
            }
        }
    }

    /// One HTTP request with python3's urllib, retrying a refused connection while the server
    /// starts (bounded: 30 s); returns the status and the body.
    static func request(
        port: Int, _ method: String, _ path: String, body: String? = nil, token: String? = nil
    ) async throws -> (status: Int, body: String) {
        let script = #"""
        import sys, time, urllib.request, urllib.error
        port, method, path, token = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
        data = sys.argv[5].encode() if len(sys.argv) > 5 else None
        headers = {"Content-Type": "application/json"} if data else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers)
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status, body = response.status, response.read()
                break
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
                break
            except urllib.error.URLError as error:
                if time.time() > deadline or not isinstance(error.reason, ConnectionRefusedError):
                    sys.exit(f"request failed: {error}")
                time.sleep(0.1)
        sys.stdout.write(f"{status}\n")
        sys.stdout.buffer.write(body)
        """#
        let run = try await PythonProcess.run(["-c", script, "\(port)", method, path, token ?? ""] + (body.map { [$0] } ?? []), name: "http-request")
        guard run.status == 0, let newline = run.stdout.firstIndex(of: "\n"), let status = Int(run.stdout[..<newline]) else {
            throw RequestFailed(message: run.stderr)
        }
        return (status, String(run.stdout[run.stdout.index(after: newline)...]))
    }

    struct RequestFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { "HTTP request failed: \(message)" }
    }
}
