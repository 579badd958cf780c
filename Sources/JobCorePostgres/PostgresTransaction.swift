@_spi(JobStoreImplementation) import JobCore
import Logging
import PostgresNIO

/// Transactions on one connection, keeping the body's own errors (`JobStoreError` in particular)
/// as they are, and the mapping of driver errors to `JobStoreError`.
enum PostgresTransaction {
    /// Runs `body` between `BEGIN` and `COMMIT`; rolls back and rethrows when it throws.
    nonisolated(nonsending) static func run<T: Sendable>(
        on connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.perform("BEGIN", logger: logger)
        let value: T
        do {
            value = try await body(connection)
        } catch {
            // A broken connection cannot roll back; the server rolls back when it sees it close.
            try? await connection.perform("ROLLBACK", logger: logger)
            throw error
        }
        try await connection.perform("COMMIT", logger: logger)
        return value
    }

    /// Whether an error is worth running the same transaction again: a deadlock or a
    /// serialization failure the server resolved by aborting this transaction.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server,
              let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// The store's error for a driver error: `unavailable` with the SQLSTATE and the server's
    /// message (never the query's parameters, which may hold payloads).
    static func storeError(_ error: any Error) -> JobStoreError {
        if let error = error as? JobStoreError { return error }
        if let error = error as? PSQLError {
            if error.code == .server, let info = error.serverInfo {
                let state = info[.sqlState] ?? "?"
                let message = info[.message] ?? "server error"
                return JobStoreError(.unavailable, "PostgreSQL error \(state): \(message)")
            }
            return JobStoreError(.unavailable, "PostgreSQL connection: \(error.code)")
        }
        if error is PostgresDecodingError {
            return JobStoreError(.unavailable, "PostgreSQL: a value could not be decoded (\(type(of: error)))")
        }
        return JobStoreError(.unavailable, "PostgreSQL: \(error)")
    }
}
