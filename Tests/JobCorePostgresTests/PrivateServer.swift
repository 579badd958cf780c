import Foundation
import JobCore

/// A PostgreSQL server of its own for one test (started by `scripts/postgres` on another port and
/// data directory), for tests that restart the server, which the shared test server must not do.
struct PrivateServer: Sendable {
    let port: Int
    let directory: String

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/postgres").path
    }

    /// Starts a new server.
    static func start() async throws -> PrivateServer {
        let port = Int.random(in: 56_000..<58_000)
        let server = PrivateServer(port: port, directory: NSTemporaryDirectory() + "jobcore-postgres-test-\(port)-\(UInt32.random(in: 0...UInt32.max))")
        try await server.script("start")
        return server
    }

    /// Runs `scripts/postgres COMMAND` for this server.
    func script(_ command: String, _ extra: String...) async throws {
        let process = try WorkerProcess("/usr/bin/env", arguments: ["bash", Self.script, command, "--port", "\(port)", "--dir", directory] + extra)
        let status = await process.wait()
        guard status == 0 else { throw JobStoreError(.unavailable, "scripts/postgres \(command) exited with \(status)") }
    }

    /// Stops the server and deletes its data.
    func destroy() async {
        try? await script("destroy")
    }
}
