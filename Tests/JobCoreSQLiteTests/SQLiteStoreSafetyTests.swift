import Foundation
import GRDB
@_spi(JobStoreImplementation) import JobCore
import JobCoreSQLite
import Testing

/// What opening a store file must refuse, and how it protects what it creates.
@Suite struct SQLiteStoreSafetyTests {
    /// A file a newer build migrated (a migration this build does not know) is refused, naming
    /// both versions, and left as it was.
    @Test func aFileWithANewerSchemaIsRefused() async throws {
        let directory = try TemporaryDirectory()
        do {
            let path = directory.path("jobs.sqlite")
            let old = try SQLiteJobStore(path: path)
            _ = try await old.enqueue(NewJob(kind: "k"))
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v4: something new')")
            }
            try await queue.close()

            let error = try #require(throws: JobStoreError.self) { try SQLiteJobStore(path: path) }
            #expect(error.code == .unsupported)
            #expect(error.message.contains("version 4"))
            #expect(error.message.contains("(version 3)"))
            #expect(error.message.contains(path))
            let identifiers = try await DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            }
            #expect(identifiers.last == "v4: something new")
        }
    }

    /// A file of this build opens again (its own migrations are all known).
    @Test func aFileOfThisBuildOpensAgain() async throws {
        let directory = try TemporaryDirectory()
        do {
            let path = directory.path("jobs.sqlite")
            let first = try SQLiteJobStore(path: path)
            let job = try await first.enqueue(NewJob(kind: "k")).job
            let second = try SQLiteJobStore(path: path)
            #expect(try await second.job(job.id).id == job.id)
        }
    }
}
