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
            // --store before the arguments: after `--` it would be part of the command.
            let (status, stderr) = try await Self.jobctl([arguments[0], "--store", url] + arguments.dropFirst(), environment: ["JOBCTL_WORKSPACE_ROOT": root.path])
            outputs.append((arguments, status, stderr))
        }
        try await TestPostgres.withClient { client in try await TestPostgres.dropSchema(schema, client: client) }
        for output in outputs {
            #expect(output.status == 0, "\(output.arguments): \(output.stderr)")
            #expect(!output.stderr.contains("hasn't been called yet"), "\(output.arguments): \(output.stderr)")
            #expect(!output.stderr.contains("warning"), "\(output.arguments): \(output.stderr)")
        }
    }

    /// A plan submitted with jobctl on PostgreSQL runs in dependency order under a draining worker,
    /// and a failed dependency cancels its dependent (issue 12 §1, §3).
    @Test func aPlanRunsInDependencyOrderOnPostgres() async throws {
        try await TestPostgres.requireServer()
        let schema = TestPostgres.freshSchema("plan")
        let url = TestPostgres.url(schema: schema)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-pg-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = root.appendingPathComponent("plan.json")
        try """
            {"jobs": [
              {"name": "merge", "dependsOn": ["a", "b"], "command": ["true"]},
              {"name": "a", "key": "a", "command": ["sh", "-c", "sleep 0.2"]},
              {"name": "b", "key": "b", "command": ["sh", "-c", "sleep 0.2"]},
              {"name": "broken", "maxAttempts": 1, "command": ["false"]},
              {"name": "after-broken", "dependsOn": ["broken"], "command": ["true"]}
            ]}
            """.write(to: plan, atomically: true, encoding: .utf8)
        let environment = ["JOBCTL_WORKSPACE_ROOT": root.path]
        let outcome = await Result(catching: {
            let (submitted, submitErrors) = try await Self.jobctl(["submit", plan.path, "--store", url], environment: environment)
            #expect(submitted == 0, "\(submitErrors)")
            let (drained, drainErrors) = try await Self.jobctl(["worker", "--drain", "--store", url], environment: environment)
            #expect(drained == 0, "\(drainErrors)")
            let jobs = try await TestPostgres.withClient { client in
                let store = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                return try await store.list(JobFilter(), page: JobPage(limit: 10)).jobs
            }
            #expect(jobs.count == 5)
            let merge = try #require(jobs.first { $0.dependsOn.count == 2 })
            let dependencies = jobs.filter { merge.dependsOn.contains($0.id) }
            #expect(merge.state == .succeeded)
            #expect(dependencies.allSatisfy { $0.state == .succeeded && $0.finishedAt! <= merge.startedAt! })
            #expect(jobs.filter { $0.state == .cancelled }.count == 1, "the job after the broken one is cancelled")
            #expect(jobs.filter { $0.state == .failed }.count == 1)
        })
        try await TestPostgres.withClient { client in try await TestPostgres.dropSchema(schema, client: client) }
        try outcome.get()
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
