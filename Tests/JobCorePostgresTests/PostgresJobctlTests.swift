import Foundation
import JobCore
import JobCorePostgres
import Testing

/// `jobctl` on a PostgreSQL store starts the client before it uses it: no
/// "`PostgresClient.run()` hasn't been called yet" warning (issue 17, item 13).
@Suite(.timeLimit(.minutes(2))) struct PostgresJobctlTests {
    @Test func jobctlCommandsOnPostgresWarnAboutNothing() async throws {
        try await TestPostgres.requireServer()
        let schema = TestPostgres.freshSchema("jobctl")
        let url = TestPostgres.url(schema: schema)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-pg-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var outputs: [(arguments: [String], status: Int32, stderr: String)] = []
        // Several commands, the first of which migrates: the race was between the store's
        // run() and the command's first query.
        for arguments in [["list"], ["enqueue", "--", "true"], ["list", "--json"], ["health"], ["list"]] {
            let (status, stderr) = try await Self.jobctl(arguments + ["--store", url], environment: ["JOBCTL_WORKSPACE_ROOT": root.path])
            outputs.append((arguments, status, stderr))
        }
        try await TestPostgres.withClient { client in try await TestPostgres.dropSchema(schema, client: client) }
        for output in outputs {
            #expect(output.status == 0, "\(output.arguments): \(output.stderr)")
            #expect(!output.stderr.contains("hasn't been called yet"), "\(output.arguments): \(output.stderr)")
            #expect(!output.stderr.contains("warning"), "\(output.arguments): \(output.stderr)")
        }
    }

    /// Runs jobctl; returns its status and standard error (read on a thread of its own, never on
    /// the cooperative pool).
    static func jobctl(_ arguments: [String], environment: [String: String]) async throws -> (Int32, String) {
        let errors = Pipe()
        let process = try WorkerProcess("jobctl", arguments: arguments, environment: environment, error: errors.fileHandleForWriting)
        try errors.fileHandleForWriting.close()
        let reader = errors.fileHandleForReading
        let data = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: reader.readDataToEndOfFile()) }.start()
        }
        return (await process.wait(), String(decoding: data, as: UTF8.self))
    }
}
