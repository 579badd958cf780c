import Foundation
import JobCore
import JobCorePostgres
import JobCoreTesting
import PostgresNIO
import Testing

@Suite(.timeLimit(.minutes(3))) struct PostgresJobStoreConformanceTests {
    /// Damages a job row the way a hand edit or a bad migration would: an unknown state.
    static let corrupt: JobStoreConformance.Corruptor = { store, id in
        let store = try #require(store as? PostgresJobStore)
        let schema = "\"\(store.configuration.schema.name)\""
        try await store.client.query("UPDATE \(unescaped: schema).jobs SET state = 'exploded' WHERE id = \(id.rawValue)")
    }

    @Test(arguments: JobStoreConformance.Check.allCases)
    func conformance(_ check: JobStoreConformance.Check) async throws {
        try await TestPostgres.withClient { client in
            let schema = TestPostgres.freshSchema("c")
            let outcome = await Result(catching: {
                try await JobStoreConformance(corrupt: Self.corrupt) { clock in
                    PostgresJobStore(
                        client: client, configuration: .init(schema: schema, listen: false), clock: clock, logger: TestPostgres.logger
                    )
                }.run(check)
            })
            try await TestPostgres.dropSchema(schema, client: client)
            try outcome.get()
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
