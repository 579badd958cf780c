@_spi(JobStoreImplementation) import JobCore
import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Runs a statement and collects its rows.
    ///
    /// The query is written from the connection's event loop after checking that the connection
    /// is open: postgres-nio drops a query written to a channel that has just closed (a server
    /// that crashed between two statements of a transaction), and its caller would wait for
    /// ever. Checked on the event loop, the connection cannot close between the check and the
    /// write, and a query written to an open connection fails when the connection closes.
    /// - Throws: the driver's error, or `unavailable` when the connection is closed.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<[PostgresRow]> in
            guard !self.isClosed else {
                return self.eventLoop.makeFailedFuture(JobStoreError(.unavailable, "the connection to PostgreSQL is closed"))
            }
            let result: EventLoopFuture<PostgresQueryResult> = self.query(query, logger: logger)
            return result.map(\.rows)
        }.get()
    }

    /// Runs a statement and discards whatever rows it returns; its effects, such as row locks,
    /// are in place when this returns.
    func perform(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await rows(query, logger: logger)
    }
}

extension Array where Element == PostgresRow {
    /// Decodes every row as the given columns.
    func decode<each Column: PostgresDecodable>(_ type: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try map { try $0.decode(type) }
    }
}

extension Array where Element == PostgresRow {
    /// Decodes every row's single column.
    func decode<Column: PostgresDecodable>(_ type: Column.Type) throws -> [Column] {
        try map { try $0.decode(Column.self) }
    }
}
