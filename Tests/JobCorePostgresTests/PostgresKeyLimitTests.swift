import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCorePostgres
import PostgresNIO
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(3))) struct PostgresKeyLimitTests {
    /// Per-key limits hold atomically: 8 claimers, each with its own connection pool (as separate
    /// processes would have), race for 6 keys with a limit of 1. A monitor on the claimers' side
    /// fails the test if an attempt of a key starts while another one of the same key runs, and
    /// a monitor on the database side samples the running jobs per key all along.
    @Test func eightConcurrentClaimersNeverRunTwoAttemptsOfOneKeyAtOnce() async throws {
        try await TestPostgres.withStore(configuration: .init(listen: false)) { store in
            let keys = 6
            let jobs = (0..<360).map { index in NewJob(kind: "work", options: JobOptions(key: "tenant-\(index % keys)")) }
            _ = try await store.enqueue(jobs)
            let monitor = KeyMonitor()
            let finished = JobSignal()
            let databaseViolations = Locked<[String]>([])
            let done = Locked(false)
            let schema = store.configuration.schema

            try await withThrowingTaskGroup(of: Void.self) { group in
                for claimer in 0..<8 {
                    group.addTask {
                        try await TestPostgres.withClient(maxConnections: 2) { client in
                            let mine = PostgresJobStore(
                                client: client, configuration: .init(schema: schema, listen: false), logger: TestPostgres.logger
                            )
                            while true {
                                let generation = finished.generation
                                let claimed = try await mine.claim(ClaimRequest(workerID: "claimer-\(claimer)", limit: 3, keyLimit: 1))
                                if claimed.isEmpty {
                                    if try await mine.count(JobFilter(states: [.queued, .running])) == 0 { return }
                                    await finished.wait(after: generation)
                                    continue
                                }
                                try await withThrowingTaskGroup(of: Void.self) { attempts in
                                    for job in claimed {
                                        attempts.addTask {
                                            monitor.start(job)
                                            try await Task.sleep(for: .microseconds(Int.random(in: 200...1500)))
                                            monitor.end(job)
                                            try await mine.complete(job.id, epoch: job.epoch)
                                            finished.notify()
                                        }
                                    }
                                    try await attempts.waitForAll()
                                }
                            }
                        }
                    }
                }
                group.addTask {
                    // Samples the store itself: never two running jobs of one key.
                    while !done.value {
                        let rows = try await store.client.query("""
                            SELECT key, count(*) FROM \(unescaped: store.quotedSchema).jobs
                            WHERE state = 'running' AND key IS NOT NULL GROUP BY key HAVING count(*) > 1
                            """)
                        for try await (key, count) in rows.decode((String, Int).self) {
                            databaseViolations.withLock { if $0.count < 10 { $0.append("\(count) jobs of \(key) running") } }
                        }
                        try await Task.sleep(for: .milliseconds(2))
                    }
                }
                // The claimers end when everything is done; then stop the sampler.
                for _ in 0..<8 { try await group.next() }
                done.withLock { $0 = true }
                try await group.waitForAll()
            }

            #expect(monitor.violations == [])
            #expect(databaseViolations.value == [])
            #expect(monitor.started == jobs.count, "every job ran exactly once")
            #expect(monitor.mostKeysAtOnce > 1, "the claimers ran different keys in parallel")
            #expect(try await store.count(JobFilter(states: [.succeeded])) == jobs.count)
            // And the counters are back to zero.
            #expect(try await store.scalar("SELECT coalesce(sum(running), 0)::bigint FROM \(unescaped: store.quotedSchema).job_keys") == 0)
        }
    }
}
