import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCorePostgres
import PostgresNIO
import Testing

@Suite(.timeLimit(.minutes(2))) struct PostgresUpgradeTests {
    /// A schema of the previous release (migrations 1 to 3: no stop mode) is upgraded in place by
    /// the first store that uses it: its jobs stay, a cancel pending in it stays a graceful one,
    /// and stop modes are recorded from then on.
    @Test func aSchemaOfThePreviousReleaseIsUpgradedInPlace() async throws {
        try await TestPostgres.withClient { client in
            let schema = TestPostgres.freshSchema("u")
            let outcome = await Result(catching: {
                let old = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                let jobs = try await old.enqueue([NewJob(kind: "pending-cancel"), NewJob(kind: "running"), NewJob(kind: "queued")]).map(\.job)
                let claimed = try await old.claim(ClaimRequest(workerID: "w", limit: 2))
                try #require(claimed.map(\.id) == [jobs[0].id, jobs[1].id])
                _ = try await old.cancel(jobs[0].id, reason: "stop")
                // Make it an older release's schema: no cancel_mode or trace_context column, version 3.
                try await client.query("ALTER TABLE \(unescaped: old.quotedSchema).jobs DROP COLUMN cancel_mode")
                try await client.query("ALTER TABLE \(unescaped: old.quotedSchema).jobs DROP COLUMN trace_context")
                try await Self.dropDependencies(old.quotedSchema, client: client)
                try await client.query("DELETE FROM \(unescaped: old.quotedSchema).schema_migrations WHERE version >= 4")

                let store = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                let pending = try await store.job(jobs[0].id)
                #expect(try await store.scalar("SELECT max(version) FROM \(unescaped: store.quotedSchema).schema_migrations") == 6, "upgraded")
                #expect(pending.cancelRequested && pending.cancelReason == "stop" && pending.cancelMode == .graceful)
                #expect(try await store.job(jobs[2].id).cancelMode == nil, "jobs without a cancel have no stop mode")
                let beats = try await store.heartbeat(
                    [JobHeartbeat(id: jobs[0].id, epoch: claimed[0].epoch), JobHeartbeat(id: jobs[1].id, epoch: claimed[1].epoch)],
                    workerID: "w", lease: .seconds(30)
                )
                #expect(beats == [.cancelRequested(reason: "stop", mode: .graceful), .renewed])
                _ = try await store.cancel(jobs[1].id, reason: "now", mode: .immediate)
                let forced = try await store.heartbeat(JobHeartbeat(id: jobs[1].id, epoch: claimed[1].epoch), workerID: "w", lease: .seconds(30))
                #expect(forced == .cancelRequested(reason: "now", mode: .immediate))
                #expect(try await store.validate().isClean, "nothing to repair after the upgrade")
                #expect(try await store.claim(ClaimRequest(workerID: "w")).map(\.id) == [jobs[2].id], "the queued job runs")
            })
            try await TestPostgres.dropSchema(schema, client: client)
            try outcome.get()
        }
    }

    /// Takes migration 6 (dependencies) away from a schema.
    static func dropDependencies(_ schema: String, client: PostgresClient) async throws {
        for column in ["depends_on", "dependency_mode", "pending_dependencies", "has_dependents"] {
            try await client.query("ALTER TABLE \(unescaped: schema).jobs DROP COLUMN \(unescaped: column)")
        }
        try await client.query("DROP TABLE \(unescaped: schema).job_dependencies")
        try await client.query("DROP INDEX \(unescaped: schema).jobs_waiting")
        try await client.query("DELETE FROM \(unescaped: schema).schema_migrations WHERE version >= 6")
    }

    /// A schema of the last release (migration 5: no dependencies) is upgraded in place: its jobs
    /// stay, and a new job can depend on one of them.
    @Test func aSchemaWithoutDependenciesIsUpgradedInPlace() async throws {
        try await TestPostgres.withClient { client in
            let schema = TestPostgres.freshSchema("d")
            let outcome = await Result(catching: {
                let old = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                let jobs = try await old.enqueue([NewJob(kind: "running"), NewJob(kind: "queued")]).map(\.job)
                let claimed = try await old.claim(ClaimRequest(workerID: "w", limit: 1))
                try #require(claimed.map(\.id) == [jobs[0].id])
                try await Self.dropDependencies(old.quotedSchema, client: client)

                let store = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                #expect(try await store.job(jobs[1].id).state == .queued, "the old jobs stay")
                #expect(try await store.scalar("SELECT max(version) FROM \(unescaped: store.quotedSchema).schema_migrations") == 6, "upgraded")
                let dependent = try await store.enqueue(NewJob(kind: "after", options: JobOptions(dependsOn: [jobs[0].id]))).job
                #expect(dependent.state == .waiting)
                try await store.complete(jobs[0].id, epoch: claimed[0].epoch)
                #expect(try await store.job(dependent.id).state == .queued, "an old job's end unblocks its new dependent")
                #expect(try await store.validate().isClean, "nothing to repair after the upgrade")
            })
            try await TestPostgres.dropSchema(schema, client: client)
            try outcome.get()
        }
    }
}
