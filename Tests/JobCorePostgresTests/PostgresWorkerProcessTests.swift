import Foundation
import JobCore
import JobCorePostgres
import PostgresNIO
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.timeLimit(.minutes(3))) struct PostgresWorkerProcessTests {
    /// Three worker processes share a store under load; one is killed with SIGKILL while it runs
    /// jobs. Its jobs come back after their leases expire and run elsewhere: no job is lost,
    /// every job ends succeeded, and no key ever runs two attempts at once — checked by each
    /// attempt registering in a table keyed by the concurrency key while it runs, and by
    /// sampling the store's running jobs per key.
    @Test func killingOneOfThreeWorkerProcessesLosesNoJobAndKeepsKeyLimits() async throws {
        try await TestPostgres.withStore(configuration: .init(listen: false)) { store in
            let s = store.quotedSchema
            let total = 480
            _ = try await store.enqueue((0..<total).map { NewJob(kind: "hold", options: JobOptions(key: "tenant-\($0 % 16)", maxAttempts: 5)) })
            try await store.client.query("CREATE TABLE \(unescaped: s).inflight (key text PRIMARY KEY, job_id text NOT NULL, epoch bigint NOT NULL, worker text NOT NULL)")
            try await store.client.query("CREATE TABLE \(unescaped: s).violations (key text, job_id text, worker text, other text)")
            let url = TestPostgres.url(schema: store.configuration.schema, maxConnections: 4)
            // The victim's attempts take longer, so that it certainly holds some when it dies.
            let workers = try (0..<3).map { index in
                try WorkerProcess("jobcore-test-worker", arguments: [
                    "--store", url, "--worker-id", "worker-\(index)", "--concurrency", "6", "--hold-ms", index == 1 ? "300" : "20",
                    "--lease-ms", "2000", "--monitor",
                ])
            }
            let sampled = Locked<[String]>([])
            let stop = Locked(false)
            async let sampler: Void = {
                while !stop.value {
                    let rows = try await store.client.query("""
                        SELECT key, count(*) FROM \(unescaped: s).jobs WHERE state = 'running' AND key IS NOT NULL
                        GROUP BY key HAVING count(*) > 1
                        """)
                    for try await (key, count) in rows.decode((String, Int).self) {
                        sampled.withLock { if $0.count < 10 { $0.append("\(count) of \(key)") } }
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
            }()

            // Under load, kill worker-1 while it holds jobs.
            let victim = workers[1]
            let heldByVictim: PostgresQuery = "SELECT count(*) FROM \(unescaped: s).jobs WHERE state = 'running' AND lease_holder = 'worker-1'"
            try await poll("worker-1 to run jobs after a quarter is done") {
                let done = try await store.count(JobFilter(states: [.succeeded]))
                guard done >= total / 4 else { return false }
                return try await store.scalar(heldByVictim) > 0
            }
            victim.signal(SIGKILL)
            #expect(await victim.wait() == -SIGKILL)

            try await poll("every job to succeed", timeout: .seconds(90)) {
                try await store.count(JobFilter(states: [.succeeded])) == total
            }
            stop.withLock { $0 = true }
            try await sampler
            for worker in [workers[0], workers[2]] { worker.signal(SIGTERM) }
            #expect(await workers[0].wait() == 0)
            #expect(await workers[2].wait() == 0)

            #expect(try await store.count(JobFilter()) == total, "no job lost, none added")
            #expect(try await store.count(JobFilter(states: [.succeeded])) == total)
            #expect(try await store.scalar("SELECT count(*) FROM \(unescaped: s).violations") == 0, "a key ran two attempts at once")
            #expect(sampled.value == [], "the store had two running jobs of a key")
            let reclaimed = try await store.scalar("""
                SELECT count(*) FROM \(unescaped: s).job_runs WHERE worker_id = 'worker-1' AND outcome = 'leaseExpired'
                """)
            // (A statement the victim sent just before it died may still commit: a claim whose answer
            // never arrived is one more attempt that expires and runs again.)
            #expect(reclaimed > 0, "the killed worker's attempts expired and were run again")
            #expect(try await store.scalar("""
                SELECT count(*) FROM \(unescaped: s).job_runs WHERE outcome = 'succeeded'
                """) == total, "each job succeeded exactly once")
            #expect(try await store.scalar("SELECT count(DISTINCT worker_id) FROM \(unescaped: s).job_runs WHERE outcome = 'succeeded'") >= 2)
        }
    }
}

/// Checks `condition` every 20 ms until it holds; fails after `timeout`. For conditions of other
/// processes and of the database, which offer nothing to await.
func poll(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw JobStoreError(.unavailable, "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}
