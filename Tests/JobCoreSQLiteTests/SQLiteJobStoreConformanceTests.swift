import Foundation
import GRDB
import JobCore
import JobCoreSQLite
import JobCoreTesting
import Testing

@Suite struct SQLiteJobStoreConformanceTests {
    /// Damages a job row the way a bad migration or a hand edit would: an unknown state.
    static let corrupt: JobStoreConformance.Corruptor = { store, id in
        let path = try #require(store as? SQLiteJobStore).path
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE jobs SET state = 'exploded', priority = 'high' WHERE id = ?", arguments: [id.rawValue])
        }
    }

    @Test(arguments: JobStoreConformance.Check.allCases)
    func conformance(_ check: JobStoreConformance.Check) async throws {
        let directory = try TemporaryDirectory()
        try await JobStoreConformance(corrupt: Self.corrupt) { clock in
            try SQLiteJobStore(path: directory.path("jobs.sqlite"), clock: clock)
        }.run(check)
    }
}
