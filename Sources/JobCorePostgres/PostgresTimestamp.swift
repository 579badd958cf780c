import Foundation
import NIOCore
import PostgresNIO

/// A `timestamptz` value with exact microseconds, rounded (not truncated) from a `Date`, so that a
/// time written and read back compares equal to the same time computed in Swift, as in the
/// SQLite store.
struct PostgresTimestamp: Hashable, Sendable {
    /// Microseconds since 1970-01-01T00:00:00Z.
    var micros: Int64

    /// PostgreSQL counts from 2000-01-01T00:00:00Z.
    private static let offset: Int64 = 946_684_800_000_000

    init(_ date: Date) {
        micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    var date: Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
}

extension PostgresTimestamp: PostgresNonThrowingEncodable, PostgresArrayEncodable {
    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }
    static var psqlArrayType: PostgresDataType { .timestamptzArray }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(micros - Self.offset)
    }
}

extension PostgresTimestamp: PostgresDecodable {
    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary, buffer.readableBytes == 8,
              let value = buffer.readInteger(as: Int64.self) else {
            throw PostgresDecodingError.Code.typeMismatch
        }
        micros = value + Self.offset
    }
}

extension Date {
    /// This date as a PostgreSQL timestamp.
    var postgres: PostgresTimestamp { PostgresTimestamp(self) }
}
