import Foundation
import JobCore
import JobCoreTesting
import Synchronization
import Testing

/// Issue 17 item 6: a worker that is stopped (SIGSTOP) or cut off from its store cannot let its
/// command run beside the next attempt. The command's guardian stops it (TERM, grace, KILL) before
/// the lease can expire in the store; a `flock -n` in the command detects any overlap.
@Suite struct LeaseGuardTests {
    /// Each attempt takes an exclusive lock before it writes `start N`; the first attempt then
    /// runs for a minute, later ones end at once. An attempt that finds the lock taken writes
    /// `overlap N`.
    static func command(lock: URL, record: URL) -> [String] {
        let body = #"echo "start $JOB_ATTEMPT" >> "$RECORD"; if [ "$JOB_ATTEMPT" = 1 ]; then sleep 60; fi; echo "end $JOB_ATTEMPT" >> "$RECORD""#
        return ["--env", "RECORD=\(record.path)", "--env", "LOCK=\(lock.path)", "--", "sh", "-c",
                #"flock -n "$LOCK" sh -c '\#(body.replacingOccurrences(of: "'", with: #"'\''"#))' || echo "overlap $JOB_ATTEMPT" >> "$RECORD""#]
    }

    /// Runs the scenario on `store`: worker A (through `storeOfA`) starts attempt 1, `cut` stops
    /// it or its connection, worker B takes the job once A's lease has expired, and the record
    /// shows whether the two attempts overlapped.
    static func scenario(env: JobctlEnvironment, store: String, storeOfA: String? = nil, cut: (BackgroundJobctl) async throws -> Void,
                         restore: (BackgroundJobctl) async throws -> Void = { $0.signal(SIGCONT) }, endOfA: Int32 = SIGTERM) async throws {
        let record = env.root.appendingPathComponent("record"), lock = env.root.appendingPathComponent("lock")
        let base = ["JOBCTL_STORE": store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path]
        let id = try await env.jobctl(["enqueue"] + command(lock: lock, record: record), environment: base).stdout
            .trimmingCharacters(in: .newlines)
        let workerArguments = ["worker", "--lease", "3s", "--poll-interval", "100ms", "--stop-grace", "1s"]
        var environmentOfA = base
        environmentOfA["JOBCTL_STORE"] = storeOfA ?? store
        let a = try BackgroundJobctl(workerArguments + ["--worker-id", "a"], environment: environmentOfA)
        // Bounded generously: under the parallel suite's load a worker process can take more
        // than half a minute to start, connect and start the command (seen once on PostgreSQL).
        #expect(try await env.waitForFile(record, lines: 1, timeout: .seconds(120)) == ["start 1"])
        try await cut(a)
        let b = try BackgroundJobctl(workerArguments + ["--worker-id", "b"], environment: base)
        let job = try await waitForSuccess(id, env: env, environment: base)
        b.signal(SIGTERM)
        _ = try await b.finish()
        try await restore(a)
        a.signal(endOfA)
        _ = try await a.finish()
        #expect(job["attempt"] as? Int == 2, "\(job)")
        let lines = try String(contentsOf: record, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == ["start 1", "start 2", "end 2"], "the attempts overlapped or attempt 1 was not stopped")
    }

    /// Polls (bounded) the job in `environment`'s store until it has succeeded.
    static func waitForSuccess(_ id: String, env: JobctlEnvironment, environment: [String: String]) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let output = try await env.jobctl(["show", id, "--json"], environment: environment)
            let job = (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]) ?? [:]
            if job["state"] as? String == "succeeded" { return job }
            guard ContinuousClock.now < deadline else { throw JobctlEnvironment.TimedOut(job: "\(job) \(output.stderr)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// SIGSTOP, at a moment the worker holds no SQLite write lock: a process stopped inside a
    /// write transaction (a few milliseconds each) blocks every writer until it continues or dies,
    /// which no other process can undo (docs/guarantees.md). The test is about the command, so it
    /// lets the worker finish such a transaction and stops it again.
    static func stopOutsideAWriteTransaction(_ worker: BackgroundJobctl, database: String) async throws {
        for _ in 0..<50 {
            worker.signal(SIGSTOP)
            if (try? GitFixture.run(["sqlite3", "-cmd", ".timeout 0", database, "BEGIN IMMEDIATE; ROLLBACK;"])) != nil { return }
            worker.signal(SIGCONT)
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the worker held the SQLite write lock at every try")
    }

    @Test func aStoppedWorkersCommandIsStoppedBeforeTheNextAttemptOnSQLite() async throws {
        try await JobctlEnvironment.with { env in
            let database = env.root.appendingPathComponent("jobs.sqlite").path
            try await Self.scenario(env: env, store: env.store, cut: { try await Self.stopOutsideAWriteTransaction($0, database: database) })
        }
    }

    @Test func aStoppedWorkersCommandIsStoppedBeforeTheNextAttemptOnPostgreSQL() async throws {
        try await JobctlEnvironment.with { env in
            try await Self.scenario(env: env, store: TestServer.postgresURL(), cut: { $0.signal(SIGSTOP) })
        }
    }

    /// Worker A reaches the server through a proxy that the test freezes (SIGSTOP): A's
    /// heartbeats hang, no error tells it anything, and its guardian alone stops the command.
    @Test func aWorkerCutOffFromPostgreSQLHasItsCommandStoppedBeforeTheNextAttempt() async throws {
        try await JobctlEnvironment.with { env in
            let proxy = try TCPProxy(targetPort: TestServer.postgresPort)
            defer { proxy.stop() }
            let url = TestServer.postgresURL()
            try await Self.scenario(
                env: env, store: url, storeOfA: url.replacingOccurrences(of: ":\(TestServer.postgresPort)/", with: ":\(proxy.port)/"),
                cut: { _ in proxy.freeze() },
                restore: { _ in proxy.stop() },
                endOfA: SIGKILL  // its store is gone: nothing to shut down gracefully
            )
        }
    }
}

/// The shared PostgreSQL test server (`scripts/postgres`), as the PostgreSQL tests reach it.
enum TestServer {
    static let environment = ProcessInfo.processInfo.environment
    static var postgresPort: Int { environment["POSTGRES_PORT"].flatMap(Int.init) ?? 55432 }

    /// A URL with a schema no other test uses.
    static func postgresURL() -> String {
        let user = environment["POSTGRES_USER"] ?? "jobcore", password = environment["POSTGRES_PASSWORD"] ?? "jobcore"
        let host = environment["POSTGRES_HOST"] ?? "127.0.0.1", database = environment["POSTGRES_DATABASE"] ?? "jobcore"
        return "postgres://\(user):\(password)@\(host):\(postgresPort)/\(database)?sslmode=disable&schema=lease_\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// A TCP proxy to 127.0.0.1:`targetPort` in a process of its own: ``freeze()`` stops it
/// (SIGSTOP), so every connection through it hangs without an error, as in a network partition.
final class TCPProxy: @unchecked Sendable {
    let port: Int
    // Set once in init; `stopped` guards the only later use.
    private let process: Process
    private let stopped = Mutex(false)

    static let script = """
        import asyncio, sys
        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            finally:
                writer.close()
        async def handle(client_reader, client_writer):
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", int(sys.argv[1]))
            await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer), return_exceptions=True)
        async def main():
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            print(server.sockets[0].getsockname()[1], flush=True)
            await server.serve_forever()
        asyncio.run(main())
        """

    init(targetPort: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, "\(targetPort)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The first line is the port it listens on (a blocking read of one short line).
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "the proxy did not start"])
        }
        self.port = port
        self.process = process
    }

    func freeze() { kill(process.processIdentifier, SIGSTOP) }

    func stop() {
        guard stopped.withLock({ stopped in defer { stopped = true }; return !stopped }) else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
