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
                #expect(try await store.scalar("SELECT max(version) FROM \(unescaped: store.quotedSchema).schema_migrations") == 9, "upgraded")
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
        try await dropChildren(schema, client: client)
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
                #expect(try await store.scalar("SELECT max(version) FROM \(unescaped: store.quotedSchema).schema_migrations") == 9, "upgraded")
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

    /// Takes migration 7 (children) away from a schema.
    static func dropChildren(_ schema: String, client: PostgresClient) async throws {
        for column in ["parent_id", "pending_children", "failed_children", "failed_child_ids", "checkpoint"] {
            try await client.query("ALTER TABLE \(unescaped: schema).jobs DROP COLUMN \(unescaped: column)")
        }
        try await client.query("DELETE FROM \(unescaped: schema).schema_migrations WHERE version >= 7")
    }

    /// A schema of the last release (migration 8: workers recorded by id, capacity and queue
    /// only) is upgraded in place: its worker rows become registry records.
    @Test func aSchemaWithoutTheWorkerRegistryIsUpgradedInPlace() async throws {
        try await TestPostgres.withClient { client in
            let schema = TestPostgres.freshSchema("w")
            let outcome = await Result(catching: {
                let old = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                let job = try await old.enqueue(NewJob(kind: "queued")).job
                for column in ["host", "pid", "version", "capabilities", "labels", "load", "state", "started_at", "heartbeat_micros"] {
                    try await client.query("ALTER TABLE \(unescaped: old.quotedSchema).workers DROP COLUMN \(unescaped: column)")
                }
                try await client.query("""
                    INSERT INTO \(unescaped: old.quotedSchema).workers (id, capacity, queue, seen_at)
                    VALUES ('old-worker', 6, 'default', now() - interval '1 hour')
                    """)
                try await client.query("DELETE FROM \(unescaped: old.quotedSchema).schema_migrations WHERE version >= 9")

                let store = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                #expect(try await store.job(job.id).state == .queued, "the old jobs stay")
                #expect(try await store.scalar("SELECT max(version) FROM \(unescaped: store.quotedSchema).schema_migrations") == 9, "upgraded")
                let upgraded = try #require(try await store.workers().first)
                #expect(upgraded.id == "old-worker" && upgraded.seats == 6 && upgraded.state == .gone)
                #expect(upgraded.startedAt == upgraded.lastSeenAt, "started when last seen, as far as anyone knows")
                let directive = try await store.announce(WorkerAnnouncement(
                    id: "old-worker", queue: "default", labels: ["zone": "eu"], seats: 6, heartbeatInterval: .seconds(5)
                ))
                #expect(directive == .run)
                let renewed = try #require(try await store.workers().first)
                #expect(renewed.state == .active && renewed.labels == ["zone": "eu"])
            })
            try await TestPostgres.dropSchema(schema, client: client)
            try outcome.get()
        }
    }

    /// A schema of the last release (migration 6: dependencies, no children) is upgraded in
    /// place: a waiting dependent stays waiting and is unblocked, and a job running from before
    /// adds children.
    @Test func aSchemaWithoutChildrenIsUpgradedInPlace() async throws {
        try await TestPostgres.withClient { client in
            let schema = TestPostgres.freshSchema("c")
            let outcome = await Result(catching: {
                let old = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                let first = try await old.enqueue(NewJob(kind: "first")).job
                let dependent = try await old.enqueue(NewJob(kind: "after", options: JobOptions(dependsOn: [first.id]))).job
                let claimed = try await old.claim(ClaimRequest(workerID: "w", limit: 1))
                try #require(claimed.map(\.id) == [first.id])
                try await Self.dropChildren(old.quotedSchema, client: client)

                let store = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                #expect(try await store.job(dependent.id).state == .waiting, "the waiting job still waits")
                #expect(try await store.scalar("SELECT max(version) FROM \(unescaped: store.quotedSchema).schema_migrations") == 9, "upgraded")
                var child = NewJob(kind: "child")
                child.parent = NewJob.Parent(id: first.id, epoch: claimed[0].epoch)
                let added = try await store.enqueue(child).job
                #expect(try await store.complete(first.id, epoch: claimed[0].epoch).state == .waiting, "the old job waits for its new child")
                let running = try await store.claim(ClaimRequest(workerID: "w", limit: 1))
                try #require(running.map(\.id) == [added.id])
                try await store.complete(added.id, epoch: running[0].epoch)
                #expect(try await store.job(first.id).state == .succeeded, "it ends with its child")
                #expect(try await store.job(dependent.id).state == .queued, "and unblocks its dependent")
                #expect(try await store.validate().isClean, "nothing to repair after the upgrade")
            })
            try await TestPostgres.dropSchema(schema, client: client)
            try outcome.get()
        }
    }
}
