import Foundation
import JobCore
import JobCoreTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `jobctl worker --metrics-listen`: scraped while jobs run, and parsed with the Prometheus
/// project's own Python client (`prometheus_client`, installed by scripts/bootstrap).
@Suite struct MetricsEndpointTests {
    @Test func workerServesPrometheusMetricsWhileJobsRun() async throws {
        try await JobctlEnvironment.with { env in
            let ok = try await env.jobctl(["enqueue", "--key", "a", "--", "true"]).stdout.trimmingCharacters(in: .newlines)
            let failing = try await env.jobctl(["enqueue", "--key", "b", "--max-attempts", "1", "--", "false"]).stdout
                .trimmingCharacters(in: .newlines)
            let mark = env.root.appendingPathComponent("started")
            let long = try await env.jobctl(["enqueue", "--key", "c", "--env", "MARK=\(mark.path)", "--", "sh", "-c",
                                             #"echo started > "$MARK"; exec sleep 1000"#]).stdout.trimmingCharacters(in: .newlines)
            // A job of a queue no worker serves stays due.
            _ = try await env.jobctl(["enqueue", "--queue", "reviews", "--", "true"])
            let port = try Self.freePort()
            let worker = try BackgroundJobctl(
                ["worker", "--lease", "3s", "--poll-interval", "100ms", "--stop-grace", "1s", "--log-format", "json",
                 "--metrics-listen", "127.0.0.1:\(port)", "--metrics-interval", "100ms"],
                environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            _ = try await env.waitFor(ok) { $0["state"] as? String == "succeeded" }
            _ = try await env.waitFor(failing) { $0["state"] as? String == "failed" }
            _ = try await env.waitForFile(mark, lines: 1)

            // The long job still runs while the endpoint is scraped.
            let samples = try await Self.scrape(port: port, until: #"jobcore_store_jobs{state="running"} == 1"#)
            func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
                samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
            }
            let command = ["queue": "default", "kind": "command"]
            #expect(value("jobcore_jobs_claimed_total", command) == 3)
            #expect(value("jobcore_jobs_ended_total", command.merging(["outcome": "succeeded"]) { $1 }) == 1)
            #expect(value("jobcore_jobs_ended_total", command.merging(["outcome": "failed"]) { $1 }) == 1)
            #expect(value("jobcore_worker_running_attempts", ["queue": "default"]) == 1)
            #expect(value("jobcore_worker_free_slots", ["queue": "default"]) == 3)
            #expect(value("jobcore_store_jobs", ["state": "running"]) == 1)
            #expect(value("jobcore_store_jobs", ["state": "succeeded"]) == 1)
            #expect(value("jobcore_job_run_duration_seconds_count", command) == 2)
            #expect(value("jobcore_job_pickup_latency_seconds_bucket", command.merging(["le": "+Inf"]) { $1 }) == 3)
            #expect(value("jobcore_workspace_create_duration_seconds_count", ["result": "success"]) == 3)
            #expect((value("jobcore_store_claim_duration_seconds_count", ["queue": "default"]) ?? 0) >= 1)
            #expect(value("jobcore_store_queue_jobs", ["queue": "default", "state": "running"]) == 1)
            #expect(value("jobcore_store_queue_jobs", ["queue": "reviews", "state": "queued"]) == 1)
            #expect(value("jobcore_store_queue_due_jobs", ["queue": "reviews"]) == 1)
            #expect((value("jobcore_store_queue_oldest_due_age_seconds", ["queue": "reviews"]) ?? -1) > 0)
            #expect((value("jobcore_store_oldest_due_age_seconds") ?? -1) > 0)
            // Bounded labels: no job id, key or path in any label value.
            let labelValues = Set(samples.flatMap(\.labels.values))
            for forbidden in [ok, failing, long, "a", "b", "c", env.root.path] { #expect(!labelValues.contains(forbidden)) }

            #expect(try await env.jobctl(["kill", long, "--force"]).status == 0)
            _ = try await env.waitFor(long) { ["cancelled", "failed"].contains($0["state"] as? String ?? "") }
            worker.signal(SIGTERM)
            let output = try await worker.finish()
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stderr.contains("metrics endpoint listening"))
        }
    }

    @Test func metricsListenMustBeHostAndPort() async throws {
        try await JobctlEnvironment.with { env in
            for bad in ["9464", "localhost", ":9464", "127.0.0.1:99999"] {
                let output = try await env.jobctl(["worker", "--metrics-listen", bad])
                #expect(output.status == 2, "\(bad): \(output.stderr)")
                #expect(output.stderr.contains("--metrics-listen"))
            }
        }
    }

    struct Sample: Decodable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Scrapes `/metrics` (bounded retries: the endpoint is in another process) until `condition`
    /// (a Python expression over the samples, as `name{label="v"} == n`) holds, and returns
    /// every sample as the Prometheus client parsed it.
    static func scrape(port: Int, until condition: String) async throws -> [Sample] {
        let script = #"""
        import json, re, sys, time, urllib.request
        from prometheus_client.parser import text_string_to_metric_families
        port, condition = int(sys.argv[1]), sys.argv[2]
        name, labels, expected = re.fullmatch(r'(\w+)\{(.*)\} == (\S+)', condition).groups()
        labels = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        deadline, samples, last = time.time() + 30, [], None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4"), response.headers["Content-Type"]
                    text = response.read().decode()
            except OSError as error:
                last = error
                time.sleep(0.1)
                continue
            samples = [{"name": s.name, "labels": s.labels, "value": s.value}
                       for family in text_string_to_metric_families(text) for s in family.samples]
            if any(s["name"] == name and all(s["labels"].get(k) == v for k, v in labels.items()) and s["value"] == float(expected)
                   for s in samples):
                json.dump(samples, sys.stdout)
                sys.exit(0)
            last = "condition not met"
            time.sleep(0.1)
        sys.exit(f"scrape failed: {last}; samples: {samples}")
        """#
        let output = try await DedicatedThread.run(name: "scrape") { () throws -> (Int32, Data, String) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [pythonWithClient(), "-c", script, "\(port)", condition]
            let stdout = Pipe(), stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            let errors = PipeDrain(stderr.fileHandleForReading)
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, data, errors.finish())
        }
        guard output.0 == 0 else { throw ScrapeFailed(message: output.2) }
        return try JSONDecoder().decode([Sample].self, from: output.1)
    }

    struct ScrapeFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { "scrape failed: \(message)" }
    }

    /// `python3` when it has prometheus_client, else the system's (Debian's package).
    static func pythonWithClient() -> String {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import prometheus_client"]
        probe.standardError = FileHandle.nullDevice
        if (try? probe.run()) != nil {
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { return "python3" }
        }
        return "/usr/bin/python3"
    }

    /// A port free now on 127.0.0.1 (the kernel's pick for port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
