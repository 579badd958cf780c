@_spi(JobStoreImplementation) import JobCore
import Logging
import PostgresNIO

/// Reading job rows inside a transaction: locked in id order (so concurrent batches never
/// deadlock), decoded strictly.
enum PostgresJobRows {
    enum Fetched {
        case record(JobRecord)
        case corrupt(reason: String)

        /// The record, when the row decodes.
        var record: JobRecord? {
            if case .record(let record) = self { return record }
            return nil
        }
    }

    /// A row that cannot be decoded, met inside a transaction: the transaction is rolled back,
    /// then the store quarantines the row in a transaction of its own.
    struct CorruptRow: Error {
        var id: JobID
        var reason: String
    }

    /// Decodes a row selected as the job columns.
    static func decode(_ row: PostgresRow) -> (JobID, Fetched) {
        do {
            let record = try PostgresJobCodec.record(row)
            return (record.id, .record(record))
        } catch {
            let id = (try? row.decode(String.self)) ?? ""
            return (JobID(id), .corrupt(reason: error.reason))
        }
    }

    /// Reads (and with `lock`, locks `FOR UPDATE`) the jobs with these ids, in id order.
    static func fetch(
        _ ids: [JobID], lock: Bool, on connection: PostgresConnection, tables: PostgresTables, logger: Logger
    ) async throws -> [JobID: Fetched] {
        guard !ids.isEmpty else { return [:] }
        let unique = Array(Set(ids.map(\.rawValue)))
        let rows = try await connection.rows("""
            SELECT \(unescaped: PostgresJobCodec.selectList()) FROM \(unescaped: tables.jobs)
            WHERE id = ANY(\(unique)) ORDER BY id \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger)
        var fetched: [JobID: Fetched] = [:]
        for row in rows {
            let (id, value) = decode(row)
            fetched[id] = value
        }
        return fetched
    }

    /// Reads and locks one job for a transition. Throws `notFound`, or ``CorruptRow``.
    static func require(_ id: JobID, on connection: PostgresConnection, tables: PostgresTables, logger: Logger) async throws -> JobRecord {
        switch try await fetch([id], lock: true, on: connection, tables: tables, logger: logger)[id] {
        case .record(let record)?: return record
        case .corrupt(let reason)?: throw CorruptRow(id: id, reason: reason)
        case nil: throw JobStoreError.notFound(id)
        }
    }
}
