import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs a statement and reads (discards) whatever rows it returns, so that its effects,
    /// such as row locks, are in place when this returns.
    func perform(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}
