import Foundation
import GRDB
import JobCore
import JobCoreSQLite
import Testing

@Suite struct SQLiteWorkerTests {
    @Test func workerStartQuarantinesACorruptRowAndRunsTheRest() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("jobs.sqlite")
        let store = try SQLiteJobStore(path: path)
        let good = try await store.enqueue(NewJob(kind: "noop")).job
        let bad = try await store.enqueue(NewJob(kind: "noop")).job
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE jobs SET run_at = 'tomorrow' WHERE id = ?", arguments: [bad.id.rawValue])
        }
        var handlers = JobHandlers()
        handlers.register(kind: "noop") { _, _ in nil }
        try await Worker(store: store, handlers: handlers, configuration: Worker.Configuration(drain: .whenNothingQueued)).run()
        #expect(try await store.job(good.id).state == .succeeded)
        let quarantined = try await store.quarantined()
        #expect(quarantined.map(\.id) == [bad.id.rawValue])
        #expect(quarantined.first?.reason == "run_at is not an integer")
        #expect(quarantined.first?.raw.contains("tomorrow") == true, "the raw row is kept for repair")
        await #expect(throws: JobStoreError.self) { try await store.events(of: bad.id) }
    }
}
