import Foundation
import JobCore
import JobCorePostgres
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `jobctl tokens` and `jobctl serve` on a PostgreSQL store: the token is kept in the schema,
/// the server answers with it, and nothing warns about a client used before it runs.
@Suite(.timeLimit(.minutes(2))) struct PostgresServeTests {
    @Test func serveAnswersWithATokenKeptInPostgres() async throws {
        try await TestPostgres.requireServer()
        let schema = TestPostgres.freshSchema("serve")
        let url = TestPostgres.url(schema: schema)
        let outcome = await Result(catching: {
            let (created, token, createErrors) = try await Self.run(["tokens", "create", "--scope", "read", "--name", "ci", "--store", url])
            #expect(created == 0, "\(createErrors)")
            #expect(token.hasPrefix("jct_"))
            let port = try Self.freePort()
            let errors = Pipe()
            let server = try WorkerProcess("jobctl", arguments: ["serve", "--listen", "127.0.0.1:\(port)", "--store", url], error: errors.fileHandleForWriting)
            try errors.fileHandleForWriting.close()
            let drained = Self.drain(errors.fileHandleForReading)
            let health = try await Self.get(port: port, "/v1/health", token: token.trimmingCharacters(in: .newlines))
            let refused = try await Self.get(port: port, "/v1/health", token: nil)
            server.signal(SIGTERM)
            let status = await server.wait()
            let stderr = await drained.value
            #expect(health.hasPrefix("200\n"), "\(health)")
            #expect(health.contains("\"counts\""), "\(health)")
            #expect(refused.hasPrefix("401\n"), "\(refused)")
            #expect(status == 0, "\(stderr)")
            #expect(stderr.contains("http server listening"), "\(stderr)")
            #expect(!stderr.contains("hasn't been called yet") && !stderr.contains("warning"), "\(stderr)")
        })
        try await TestPostgres.withClient { client in try await TestPostgres.dropSchema(schema, client: client) }
        try outcome.get()
    }

    /// A port free now on 127.0.0.1 (the kernel's pick for port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs jobctl to its end: status, stdout, stderr.
    static func run(_ arguments: [String]) async throws -> (Int32, String, String) {
        let output = Pipe(), errors = Pipe()
        let process = try WorkerProcess("jobctl", arguments: arguments, output: output.fileHandleForWriting, error: errors.fileHandleForWriting)
        try output.fileHandleForWriting.close()
        try errors.fileHandleForWriting.close()
        let stdout = drain(output.fileHandleForReading), stderr = drain(errors.fileHandleForReading)
        return (await process.wait(), await stdout.value, await stderr.value)
    }

    /// Reads a pipe to its end on a thread of its own.
    static func drain(_ handle: FileHandle) -> Task<String, Never> {
        Task {
            await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)) }.start()
            }
        }
    }

    /// `GET path` with python3's urllib, retrying a refused connection while the server starts
    /// (bounded: 30 s): the status, a line break, the body.
    static func get(port: Int, _ path: String, token: String?) async throws -> String {
        let script = #"""
        import sys, time, urllib.request, urllib.error
        port, path, token = sys.argv[1], sys.argv[2], sys.argv[3]
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"} if token else {})
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    print(response.status); print(response.read().decode()); break
            except urllib.error.HTTPError as error:
                print(error.code); print(error.read().decode()); break
            except urllib.error.URLError as error:
                if time.time() > deadline or not isinstance(error.reason, ConnectionRefusedError):
                    sys.exit(f"request failed: {error}")
                time.sleep(0.1)
        """#
        let (_, stdout, stderr) = try await run(python: ["-c", script, "\(port)", path, token ?? ""])
        return stdout.isEmpty ? stderr : stdout
    }

    private static func run(python arguments: [String]) async throws -> (Int32, String, String) {
        let output = Pipe(), errors = Pipe()
        let process = try WorkerProcess("/usr/bin/env", arguments: ["python3"] + arguments, output: output.fileHandleForWriting, error: errors.fileHandleForWriting)
        try output.fileHandleForWriting.close()
        try errors.fileHandleForWriting.close()
        let stdout = drain(output.fileHandleForReading), stderr = drain(errors.fileHandleForReading)
        return (await process.wait(), await stdout.value, await stderr.value)
    }
}
