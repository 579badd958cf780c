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
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: something new')")
            }
            try await queue.close()

            let error = try #require(throws: JobStoreError.self) { try SQLiteJobStore(path: path) }
            #expect(error.code == .unsupported)
            #expect(error.message.contains("version 99"))
            #expect(error.message.contains("(version 8)"))
            #expect(error.message.contains(path))
            let identifiers = try await DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            }
            #expect(identifiers.last == "v99: something new")
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

/// Store files hold job output and `--env` values: only their owner may read them.
@Suite struct SQLiteStorePermissionTests {
    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// A new file, its `-wal` and `-shm` files are 0600; a directory the store creates is 0700.
    @Test func aNewStoreIsPrivate() async throws {
        let directory = try TemporaryDirectory()
        do {
            let path = directory.path("new/jobs.sqlite")
            let store = try SQLiteJobStore(path: path)
            _ = try await store.enqueue(NewJob(kind: "k", payload: Data("secret".utf8)))
            #expect(try mode(path) & 0o777 == 0o600)
            #expect(try mode(path + "-wal") & 0o777 == 0o600)
            #expect(try mode(path + "-shm") & 0o777 == 0o600)
            #expect(try mode(directory.path("new")) & 0o777 == 0o700)
        }
    }
}
