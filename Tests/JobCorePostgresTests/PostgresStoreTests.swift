import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCorePostgres
import JobCoreTesting
import PostgresNIO
import Testing

@Suite(.timeLimit(.minutes(2))) struct PostgresStoreTests {
    /// Cancelling a task group that runs a store (owning its client) and a worker returns, even
    /// when the store stops before a running attempt's end is written: the finish batcher gives
    /// up once cancelled instead of retrying for ever (the lease expires; the reaper retries).
    @Test func cancellingAStoreAndItsWorkerReturnsWithAnAttemptRunning() async throws {
        try await TestPostgres.requireServer()
        let schema = TestPostgres.freshSchema()
        // A loaded server (the parallel test phase) can take longer than the default 5 s to accept.
        let store = try PostgresJobStore(
            url: TestPostgres.url(schema: schema), configuration: .init(connectTimeout: .seconds(60)), logger: TestPostgres.logger
        )
        let started = AsyncStream<Void>.makeStream()
        var handlers = JobHandlers()
        handlers.register(kind: "block") { _, _ in
            started.continuation.yield()
            try await Task.sleep(for: .seconds(3600))
            return nil
        }
        let worker = Worker(store: store, handlers: handlers, configuration: Worker.Configuration(
            workerID: "cancelled", concurrency: 2, validateOnStart: false
        ), logger: TestPostgres.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            group.addTask { try await worker.run() }
            _ = try await store.enqueue(NewJob(kind: "block"))
            var iterator = started.stream.makeAsyncIterator()
            await iterator.next()
            group.cancelAll()
            while (try? await group.next()) != nil {}
        }
        try await TestPostgres.withClient { client in try await TestPostgres.dropSchema(schema, client: client) }
    }

    @Test func retentionDeletesSucceededJobsAtOnceWhenAsked() async throws {
        let retention = PostgresJobStore.Retention(deleteSucceeded: true)
        try await TestPostgres.withStore(configuration: .init(listen: false, retention: retention)) { store in
            let jobs = try await store.enqueue([NewJob(kind: "a", options: JobOptions(key: "k", idempotencyKey: "once")), NewJob(kind: "b")]).map(\.job)
            let claimed = try await store.claim(ClaimRequest(workerID: "w", limit: 2))
            let done = try await store.complete(claimed[0].id, epoch: claimed[0].epoch)
            #expect(done.state == .succeeded, "the caller still learns the outcome")
            try await store.fail(claimed[1].id, epoch: claimed[1].epoch, error: "kept")
            await #expect(throws: JobStoreError.self) { try await store.job(jobs[0].id) }
            #expect(try await store.scalar("SELECT count(*) FROM \(unescaped: store.quotedSchema).job_events WHERE job_id = \(jobs[0].id.rawValue)") == 0)
            #expect(try await store.job(jobs[1].id).state == .failed, "failures are kept")
            #expect(try await store.enqueue(NewJob(kind: "a", options: JobOptions(idempotencyKey: "once"))).created, "its key is free")
        }
    }

    @Test func retentionDeletesFinishedJobsAfterThePeriod() async throws {
        let clock = ManualClock()
        let retention = PostgresJobStore.Retention(keepFinished: .seconds(3600), batchSize: 2)
        // Not running the store: its retention loop would delete on its own when the clock moves.
        try await TestPostgres.withStore(clock: clock, configuration: .init(listen: false, retention: retention), run: false) { store in
            _ = try await store.enqueue((0..<5).map { _ in NewJob(kind: "old", options: JobOptions(key: "k\(Int.random(in: 0...1))")) })
            let old = try await store.claim(ClaimRequest(workerID: "w", limit: 5, keyLimit: 5))
            for job in old { try await store.complete(job.id, epoch: job.epoch) }
            clock.advance(by: .seconds(1800))
            let recent = try await store.enqueue([NewJob(kind: "recent"), NewJob(kind: "running"), NewJob(kind: "queued")]).map(\.job)
            let two = try await store.claim(ClaimRequest(workerID: "w", limit: 2))
            try await store.complete(two[0].id, epoch: two[0].epoch)
            clock.advance(by: .seconds(1801))
            #expect(old.count == 5)
            #expect(try await store.deleteExpiredJobs() == 5, "the old finished jobs, in batches of 2")
            let left = try await store.list(JobFilter(), page: JobPage(limit: 10)).jobs.map(\.id)
            #expect(Set(left) == Set(recent.map(\.id)), "recent, running and queued jobs are kept")
            #expect(try await store.scalar("SELECT count(*) FROM \(unescaped: store.quotedSchema).job_runs") == 2)
            #expect(try await store.scalar("SELECT count(*) FROM \(unescaped: store.quotedSchema).job_keys") == 0, "idle key counters are dropped")
            #expect(try await store.deleteExpiredJobs() == 0)
        }
    }

    @Test func migrationsRunOnceAcrossConcurrentStoresAndSchemasAreIndependent() async throws {
        try await TestPostgres.withClient { client in
            let schema = TestPostgres.freshSchema("m")
            let other = TestPostgres.freshSchema("m")
            let stores = (0..<4).map { _ in PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger) }
            let outcome = await Result(catching: {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for store in stores { group.addTask { try await store.migrate() } }
                    try await group.waitForAll()
                }
                #expect(try await stores[0].scalar("SELECT count(*) FROM \(unescaped: stores[0].quotedSchema).schema_migrations") == 9)
                let separate = PostgresJobStore(client: client, configuration: .init(schema: other, listen: false), logger: TestPostgres.logger)
                _ = try await stores[1].enqueue(NewJob(kind: "here"))
                #expect(try await separate.count(JobFilter()) == 0, "another schema is another store")
                #expect(try await stores[2].count(JobFilter()) == 1)
                // A schema migrated by a newer build is refused rather than misread.
                try await client.query("INSERT INTO \(unescaped: stores[0].quotedSchema).schema_migrations (version, name) VALUES (99, 'future')")
                let fresh = PostgresJobStore(client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger)
                await #expect { try await fresh.count(JobFilter()) } throws: { ($0 as? JobStoreError)?.code == .unsupported }
            })
            try await TestPostgres.dropSchema(schema, client: client)
            try await TestPostgres.dropSchema(other, client: client)
            try outcome.get()
        }
    }

    @Test func storeURLsAreParsedAndNeverShowThePassword() throws {
        let url = try PostgresStoreURL("postgres://job%40core:s3cr%2Ft@db.example:6543/queue?schema=tenant_a&sslmode=disable&max_connections=4")
        #expect(url.client.username == "job@core")
        #expect(url.client.password == "s3cr/t")
        #expect(url.client.host == "db.example")
        #expect(url.client.port == 6543)
        #expect(url.client.database == "queue")
        #expect(url.client.options.maximumConnections == 4)
        #expect(url.schema.name == "tenant_a")
        #expect(!url.description.contains("s3cr"))
        let socket = try PostgresStoreURL("postgresql://jobcore@/jobcore?host=/var/run/postgresql")
        #expect(socket.client.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(socket.schema == PostgresJobStore.defaultSchema)
        for bad in ["mysql://a@b/c", "postgres://db/c", "postgres://a@b/c?schema=x;drop", "postgres://a@b/c?sslmode=sometimes"] {
            #expect(throws: JobStoreError.self, "\(bad)") { try PostgresStoreURL(bad) }
        }
        #expect(throws: JobStoreError.self) { try PostgresSchemaName("1abc") }
        #expect(throws: JobStoreError.self) { try PostgresSchemaName("a\"b") }
    }

    /// `jobctl --store postgres://…` works like any other store (`bench` is the subcommand that
    /// exists on this branch; the others open the store the same way).
    @Test func jobctlBenchRunsOnPostgres() async throws {
        try await TestPostgres.withStore(configuration: .init(listen: false)) { store in
            try await store.migrate()
            let output = Pipe()
            let jobctl = try WorkerProcess("jobctl", arguments: [
                "bench", "--store", TestPostgres.url(schema: store.configuration.schema), "--jobs", "300", "--keys", "10",
                "--samples", "20", "--enqueue-callers", "1", "--enqueue-callers", "8", "--enqueue-jobs", "80", "--json",
            ], output: output.fileHandleForWriting)
            try output.fileHandleForWriting.close()
            // Read on a thread of its own: a blocking read never runs on the cooperative pool.
            let reader = output.fileHandleForReading
            let data = await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: reader.readDataToEndOfFile()) }.start()
            }
            #expect(await jobctl.wait() == 0)
            let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect((report?["drainJobsPerSecond"] as? Double ?? 0) > 0)
            #expect((report?["pickupSamples"] as? Int) == 20)
            let levels = report?["enqueueConcurrency"] as? [[String: Any]] ?? []
            #expect(levels.map { $0["callers"] as? Int } == [1, 8])
            #expect(levels.map { $0["jobs"] as? Int } == [80, 80])
            #expect(levels.allSatisfy { ($0["jobsPerSecond"] as? Double ?? 0) > 0 })
            #expect((report?["store"] as? String)?.contains("jobcore:") == false, "the password is not shown")
            #expect(try await store.count(JobFilter()) == 0, "bench purges its jobs")
        }
    }
}
