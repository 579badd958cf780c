import Foundation
import GRDB
@_spi(JobStoreImplementation) import JobCore
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
            #expect(beats == [.cancelRequested(reason: "killed (SIGKILL)", mode: .graceful)])
        }
    }

    /// A file of the previous release (migrations v1 and v2: no stop mode) opens, is upgraded in
    /// place, keeps its jobs (a cancel pending in it stays a graceful one), and then records stop
    /// modes like a new file.
    @Test func aFileOfThePreviousReleaseIsUpgradedInPlace() async throws {
        let directory = try TemporaryDirectory()
        do {
            let path = directory.path("jobs.sqlite")
            let old = try SQLiteJobStore(path: path)
            let jobs = try await old.enqueue([NewJob(kind: "pending-cancel"), NewJob(kind: "running"), NewJob(kind: "queued")]).map(\.job)
            let claimed = try await old.claim(ClaimRequest(workerID: "w", limit: 2))
            try #require(claimed.map(\.id) == [jobs[0].id, jobs[1].id])
            _ = try await old.cancel(jobs[0].id, reason: "stop")
            // Make it the previous release's file: no cancel_mode column, no v3 migration.
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: """
                    ALTER TABLE jobs DROP COLUMN cancel_mode;
                    DELETE FROM grdb_migrations WHERE identifier LIKE 'v3:%';
                    """)
            }
            try await queue.close()

            let store = try SQLiteJobStore(path: path)
            let migrated = try await DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            }
            #expect(migrated.contains { $0.hasPrefix("v3:") }, "upgraded on open")
            let pending = try await store.job(jobs[0].id)
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
        }
    }

    /// A file of the last release (v4: no dependencies) is upgraded in place: its jobs stay, and a
    /// new job can depend on one of them.
    @Test func aFileWithoutDependenciesIsUpgradedInPlace() async throws {
        let directory = try TemporaryDirectory()
        do {
            let path = directory.path("jobs.sqlite")
            let old = try SQLiteJobStore(path: path)
            let jobs = try await old.enqueue([NewJob(kind: "running"), NewJob(kind: "queued")]).map(\.job)
            let claimed = try await old.claim(ClaimRequest(workerID: "w", limit: 1))
            try #require(claimed.map(\.id) == [jobs[0].id])
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try Self.dropChildren(db)
                try db.execute(sql: """
                    DROP INDEX jobs_waiting;
                    DROP TABLE job_dependencies;
                    ALTER TABLE jobs DROP COLUMN depends_on;
                    ALTER TABLE jobs DROP COLUMN dependency_mode;
                    ALTER TABLE jobs DROP COLUMN pending_dependencies;
                    ALTER TABLE jobs DROP COLUMN has_dependents;
                    DELETE FROM grdb_migrations WHERE identifier LIKE 'v5:%';
                    """)
            }
            try await queue.close()

            let store = try SQLiteJobStore(path: path)
            #expect(try await store.job(jobs[1].id).state == .queued, "the old jobs stay")
            let dependent = try await store.enqueue(NewJob(kind: "after", options: JobOptions(dependsOn: [jobs[0].id]))).job
            #expect(dependent.state == .waiting)
            try await store.complete(jobs[0].id, epoch: claimed[0].epoch)
            #expect(try await store.job(dependent.id).state == .queued, "an old job's end unblocks its new dependent")
            #expect(try await store.validate().isClean, "nothing to repair after the upgrade")
        }
    }

    /// Takes v6 (children, checkpoints) away from a file, and v7 (access tokens), which came after.
    static func dropChildren(_ db: Database) throws {
        try dropAccessTokens(db)
        try db.execute(sql: """
            DROP INDEX jobs_parent;
            ALTER TABLE jobs DROP COLUMN parent_id;
            ALTER TABLE jobs DROP COLUMN pending_children;
            ALTER TABLE jobs DROP COLUMN failed_children;
            ALTER TABLE jobs DROP COLUMN failed_child_ids;
            ALTER TABLE jobs DROP COLUMN checkpoint;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v6:%';
            """)
    }

    /// Takes v7 (access tokens) away from a file, and v8 (the worker registry), which came after.
    static func dropAccessTokens(_ db: Database) throws {
        try dropWorkerRegistry(db)
        try db.execute(sql: """
            DROP TABLE access_tokens;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v7:%';
            """)
    }

    /// Takes v8 (the worker registry) away from a file: the workers table as v1 made it.
    static func dropWorkerRegistry(_ db: Database) throws {
        for column in ["host", "pid", "version", "capabilities", "labels", "load", "state", "started_at", "heartbeat_micros"] {
            try db.execute(sql: "ALTER TABLE workers DROP COLUMN \(column)")
        }
        try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v8:%'")
    }

    /// A file of the last release (v7: workers recorded by id, capacity and queue only) is
    /// upgraded in place: its worker rows become registry records, and workers announce
    /// themselves in full from then on.
    @Test func aFileWithoutTheWorkerRegistryIsUpgradedInPlace() async throws {
        let directory = try TemporaryDirectory()
        do {
            let path = directory.path("jobs.sqlite")
            let old = try SQLiteJobStore(path: path)
            let job = try await old.enqueue(NewJob(kind: "queued")).job
            let queue = try DatabaseQueue(path: path)
            let seen = Date(timeIntervalSince1970: 1_700_000_000)
            try await queue.write { db in
                try Self.dropWorkerRegistry(db)
                try db.execute(sql: "INSERT INTO workers (id, capacity, queue, seen_at) VALUES ('old-worker', 6, 'default', ?)",
                               arguments: [Int64(seen.timeIntervalSince1970 * 1_000_000)])
            }
            try await queue.close()

            let store = try SQLiteJobStore(path: path)
            #expect(try await store.job(job.id).state == .queued, "the old jobs stay")
            let upgraded = try #require(try await store.workers().first)
            #expect(upgraded.id == "old-worker" && upgraded.seats == 6 && upgraded.queue == "default")
            #expect(upgraded.startedAt == seen && upgraded.lastSeenAt == seen)
            #expect(upgraded.state == .gone, "silent since long ago")
            let directive = try await store.announce(WorkerAnnouncement(
                id: "old-worker", queue: "default", capabilities: ["gpu"], seats: 6, heartbeatInterval: .seconds(5)
            ))
            #expect(directive == .run)
            let renewed = try #require(try await store.workers().first)
            #expect(renewed.state == .active && renewed.capabilities == ["gpu"] && renewed.pid == Int(ProcessInfo.processInfo.processIdentifier))
            #expect(try await store.validate().isClean, "nothing to repair after the upgrade")
        }
    }

    /// A file of the last release (v6: no access tokens) is upgraded in place: its jobs stay, and
    /// it keeps access tokens.
    @Test func aFileWithoutAccessTokensIsUpgradedInPlace() async throws {
        let directory = try TemporaryDirectory()
        do {
            let path = directory.path("jobs.sqlite")
            let old = try SQLiteJobStore(path: path)
            let job = try await old.enqueue(NewJob(kind: "queued")).job
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in try Self.dropAccessTokens(db) }
            try await queue.close()

            let store = try SQLiteJobStore(path: path)
            #expect(try await store.job(job.id).state == .queued, "the old jobs stay")
            let token = try await store.addAccessToken(id: "t1", name: "ci", scope: .operate, secretHash: Data(repeating: 7, count: 32))
            #expect(try await store.accessToken(id: "t1") == token)
            #expect(try await store.validate().isClean, "nothing to repair after the upgrade")
        }
    }

    /// A file of the last release (v5: dependencies, no children) is upgraded in place: a waiting
    /// dependent stays waiting and is unblocked, and a job running from before adds children.
    @Test func aFileWithoutChildrenIsUpgradedInPlace() async throws {
        let directory = try TemporaryDirectory()
        do {
            let path = directory.path("jobs.sqlite")
            let old = try SQLiteJobStore(path: path)
            let first = try await old.enqueue(NewJob(kind: "first")).job
            let dependent = try await old.enqueue(NewJob(kind: "after", options: JobOptions(dependsOn: [first.id]))).job
            let claimed = try await old.claim(ClaimRequest(workerID: "w", limit: 1))
            try #require(claimed.map(\.id) == [first.id])
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in try Self.dropChildren(db) }
            try await queue.close()

            let store = try SQLiteJobStore(path: path)
            #expect(try await store.job(dependent.id).state == .waiting, "the waiting job still waits")
            var child = NewJob(kind: "child")
            child.parent = NewJob.Parent(id: first.id, epoch: claimed[0].epoch)
            let added = try await store.enqueue(child).job
            #expect(try await store.complete(first.id, epoch: claimed[0].epoch).state == .waiting, "the old job waits for its new child")
            #expect(try await store.job(dependent.id).state == .waiting, "so its dependent waits too")
            let running = try await store.claim(ClaimRequest(workerID: "w", limit: 1))
            try #require(running.map(\.id) == [added.id])
            try await store.complete(added.id, epoch: running[0].epoch)
            #expect(try await store.job(first.id).state == .succeeded, "it ends with its child")
            #expect(try await store.job(dependent.id).state == .queued, "and unblocks its dependent")
            #expect(try await store.validate().isClean, "nothing to repair after the upgrade")
        }
    }
}
