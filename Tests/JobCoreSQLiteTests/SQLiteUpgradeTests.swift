import Foundation
import GRDB
import JobCore
import JobCoreSQLite
import Testing

@Suite struct SQLiteUpgradeTests {
    /// A file made by a pre-release v1 (no cancel reason, the old state index) is upgraded on open
    /// and then keeps cancel reasons like a new one.
    @Test func aPreReleaseV1FileIsUpgraded() async throws {
        let directory = try TemporaryDirectory()
        do {
            let path = directory.path("jobs.sqlite")
            _ = try SQLiteJobStore(path: path)
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: """
                    ALTER TABLE jobs DROP COLUMN cancel_reason;
                    DROP INDEX jobs_unsuccessful;
                    CREATE INDEX jobs_state ON jobs (state, id);
                    DELETE FROM grdb_migrations WHERE identifier LIKE 'v2:%';
                    """)
            }
            try await queue.close()

            let store = try SQLiteJobStore(path: path)
            let job = try await store.enqueue(NewJob(kind: "k")).job
            _ = try await store.claim(ClaimRequest(workerID: "w"))
            let cancelled = try await store.cancel(job.id, reason: "killed (SIGKILL)")
            #expect(cancelled.cancelReason == "killed (SIGKILL)")
            let beats = try await store.heartbeat([JobHeartbeat(id: job.id, epoch: cancelled.epoch)], workerID: "w", lease: .seconds(30))
            #expect(beats == [.cancelRequested(reason: "killed (SIGKILL)")])
        }
    }
}
