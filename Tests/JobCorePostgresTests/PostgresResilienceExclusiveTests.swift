import Foundation
import JobCore
import JobCorePostgres
import Logging
import PostgresNIO
import Testing

/// Runs in the `Exclusive` phase of scripts/test, alone: under the parallel suite's load a
/// private server took most of the time limit just to start (initdb), and the restart test
/// then ran out of time mid-way.
@Suite(.timeLimit(.minutes(5))) struct PostgresResilienceExclusiveTests {
    /// The server restarts — a crash (`immediate` stop) and recovery — while two workers drain a
    /// queue and a producer enqueues. The workers reconnect and carry on; the producer retries
    /// failed batches with the same idempotency keys; at the end every job exists once and
    /// succeeded.
    @Test func workersCarryOnWhenTheServerRestartsUnderLoad() async throws {
        let server = try await PrivateServer.start()
        let outcome = await Result(catching: { try await restartUnderLoad(server) })
        await server.destroy()
        try outcome.get()
    }

    private func restartUnderLoad(_ server: PrivateServer) async throws {
        let schema = TestPostgres.freshSchema("restart")
        let url = TestPostgres.url(schema: schema, port: server.port)
        let total = 1200
        let checker = try PostgresJobStore(url: url, configuration: .init(listen: false), logger: TestPostgres.logger)
        let workers = try (0..<2).map { index in
            let store = try PostgresJobStore(url: url, logger: TestPostgres.logger)
            var handlers = JobHandlers()
            handlers.register(kind: "work") { _, _ in
                try await Task.sleep(for: .milliseconds(2))
                return nil
            }
            let worker = Worker(store: store, handlers: handlers, configuration: Worker.Configuration(
                workerID: "worker-\(index)", concurrency: 8, keyLimit: 1, lease: .seconds(3),
                heartbeatInterval: .milliseconds(500), pollInterval: .milliseconds(100)
            ), logger: TestPostgres.logger)
            return (store, worker)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await checker.run() }
            for (store, worker) in workers {
                group.addTask { try await store.run() }
                group.addTask { try await worker.run() }
            }
            // The producer: batches of 20, each retried (same idempotency keys) until it is in.
            group.addTask {
                for start in stride(from: 0, to: total, by: 20) {
                    let batch = (start..<start + 20).map { index in
                        NewJob(kind: "work", options: JobOptions(key: "tenant-\(index % 10)", idempotencyKey: "job-\(index)"))
                    }
                    while true {
                        do {
                                                        _ = try await workers[start / 20 % 2].0.enqueue(batch)
                                                        break
                        } catch {
                                                        try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            try await poll("a quarter of the jobs to succeed") {
                (try? await checker.count(JobFilter(states: [.succeeded]))) ?? 0 >= total / 4
            }
            let startedBefore = try await checker.scalar("SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint")
            let doneBefore = try await checker.count(JobFilter(states: [.succeeded]))
            try await server.script("restart", "--mode", "immediate")
            do {
                try await poll("every job to succeed after the restart", timeout: .seconds(60)) {
                    (try? await checker.count(JobFilter(states: [.succeeded]))) == total
                }
            } catch {
                // Say what is left, for the failure report.
                let q = checker.quotedSchema
                for try await row in try await checker.client.query("""
                    SELECT state, count(*)::bigint FROM \(unescaped: q).jobs GROUP BY 1
                    UNION ALL SELECT 'missing', count(*) FROM generate_series(0, \(total - 1)) n
                    WHERE 'job-' || n NOT IN (SELECT idempotency_key FROM \(unescaped: q).jobs)
                    """).decode((String, Int).self) { print("left after the restart:", row) }
                throw error
            }
            for (_, worker) in workers { worker.requestShutdown(grace: .seconds(1)) }
            for _ in 0..<2 { _ = try await group.next() }
            #expect(try await checker.scalar("SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint") > startedBefore, "the server restarted")
            #expect(doneBefore < total, "the restart came under load")
            let all = try await checker.list(JobFilter(), page: JobPage(limit: total + 10)).jobs
            #expect(all.count == total, "no job lost and none enqueued twice")
            #expect(Set(all.compactMap(\.idempotencyKey)).count == total)
            #expect(all.allSatisfy { $0.state == .succeeded })
            #expect(try await checker.scalar("SELECT coalesce(sum(running), 0)::bigint FROM \(unescaped: checker.quotedSchema).job_keys") == 0)
            group.cancelAll()
        }
    }

    /// A worker whose connection is cut mid-job stops renewing its lease; the reaper of another
    /// worker returns the job to the queue and that worker runs it; when the first worker's
    /// connection is back, its late report of success carries the old epoch and is refused.
    @Test func aWorkerThatLosesItsConnectionMidJobIsFencedOut() async throws {
        try await TestPostgres.withStore(configuration: .init(listen: false)) { store in
            // The cut-off worker logs in as a role of its own: revoking LOGIN and ending its
            // sessions cuts it off the server (its reconnects are refused) until LOGIN is back.
            let role = "cut_\(UInt32.random(in: 0...UInt32.max))"
            let s = store.quotedSchema
            try await store.migrate()
            try await store.client.query("CREATE ROLE \(unescaped: role) LOGIN PASSWORD \(unescaped: "'secret'")")
            try await store.client.query("GRANT USAGE ON SCHEMA \(unescaped: s) TO \(unescaped: role)")
            try await store.client.query("GRANT ALL ON ALL TABLES IN SCHEMA \(unescaped: s) TO \(unescaped: role)")
            let outcome = await Result(catching: {
                try await fenceOut(store, role: role)
            })
            try await store.client.query("ALTER ROLE \(unescaped: role) LOGIN")
            try await store.client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(role)")
            try await store.client.query("DROP OWNED BY \(unescaped: role)")
            try await store.client.query("DROP ROLE \(unescaped: role)")
            try outcome.get()
        }
    }

    private func fenceOut(_ store: PostgresJobStore, role: String) async throws {
        let job = try await store.enqueue(NewJob(kind: "slow")).job
        var cutConfiguration = TestPostgres.configuration(maxConnections: 3)
        cutConfiguration.username = role
        cutConfiguration.password = "secret"
        let cutClient = PostgresClient(configuration: cutConfiguration, backgroundLogger: TestPostgres.logger)
        let cutStore = PostgresJobStore(
            client: cutClient, configuration: .init(schema: store.configuration.schema, migrateAutomatically: false, listen: false),
            logger: TestPostgres.logger
        )
        // The first worker's handler runs until the test lets it return, whatever happens.
        let started = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let finished = AsyncStream<JobRun.Outcome?>.makeStream()
        var slowHandlers = JobHandlers()
        slowHandlers.register(kind: "slow") { _, _ in
            started.continuation.yield()
            await Task { for await _ in release.stream { break } }.value
            return nil
        }
        let first = Worker(
            store: cutStore, handlers: slowHandlers,
            configuration: Worker.Configuration(
                workerID: "first", concurrency: 1, lease: .milliseconds(1500), heartbeatInterval: .milliseconds(250),
                pollInterval: .milliseconds(100), validateOnStart: false
            ),
            logger: TestPostgres.logger,
            observer: { event in if case .finished(_, let outcome) = event { finished.continuation.yield(outcome) } }
        )
        var quickHandlers = JobHandlers()
        quickHandlers.register(kind: "slow") { _, _ in nil }
        let second = Worker(
            store: store, handlers: quickHandlers,
            configuration: Worker.Configuration(
                workerID: "second", concurrency: 1, lease: .seconds(10), heartbeatInterval: .milliseconds(250),
                reaperInterval: .milliseconds(100), pollInterval: .milliseconds(100), validateOnStart: false
            ),
            logger: TestPostgres.logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await cutClient.run() }
            group.addTask { try await first.run() }
            var startedIterator = started.stream.makeAsyncIterator()
            await startedIterator.next()
            #expect(try await store.job(job.id).leaseHolder == "first")

            // Cut the first worker off.
            try await store.client.query("ALTER ROLE \(unescaped: role) NOLOGIN")
            try await store.client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(role)")
            let cutAt = try await store.job(job.id).leaseExpiresAt

            // The second worker reaps the expired lease and runs the job again.
            group.addTask { try await second.run() }
            try await poll("the second worker to run the job") {
                try await store.job(job.id).state == .succeeded
            }
            let done = try await store.job(job.id)
            #expect(done.epoch == 2)
            let runs = try await store.runs(of: job.id)
            #expect(runs.map(\.workerID) == ["first", "second"])
            #expect(runs.map(\.outcome) == [.leaseExpired, .succeeded])
            #expect(runs[0].finishedAt.map { $0 > cutAt ?? .distantFuture } == true, "the first lease was not renewed after the cut")

            // Let the first worker back in and its handler finish: its report is refused.
            try await store.client.query("ALTER ROLE \(unescaped: role) LOGIN")
            release.continuation.yield()
            var finishedIterator = finished.stream.makeAsyncIterator()
            let recorded = await finishedIterator.next()
            #expect(recorded == .some(nil), "the late completion was not recorded")
            #expect(try await store.job(job.id) == done, "the job is untouched")
            #expect(try await store.runs(of: job.id).count == 2)
            first.requestShutdown(grace: .zero)
            second.requestShutdown(grace: .zero)
            _ = try await group.next()
            _ = try await group.next()
            group.cancelAll()
        }
    }
}
