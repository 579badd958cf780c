public import Foundation
import Synchronization

/// The identifier of a durable job: a 26-character, time-ordered ULID string.
///
/// Identifiers made by one process are strictly increasing, even when the clock stands still
/// (a manual clock) or steps back, so sorting by id sorts by creation order.
public struct JobID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The ULID text, e.g. `01JD6Q3S9Y6A2W0N4M2C7B8K5E`.
    public let rawValue: String

    /// Wraps an existing identifier (as read from a store or typed by a user).
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Makes a new identifier for a job created at `date`.
    public static func make(at date: Date) -> JobID {
        let milliseconds = UInt128(UInt64(max(0, date.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF)
        let value = generator.withLock { state -> UInt128 in
            let random = UInt128(state.next()) << 16 | UInt128(UInt16(truncatingIfNeeded: state.next()))
            var next = milliseconds << 80 | random
            if next <= state.last { next = state.last &+ 1 }
            state.last = next
            return next
        }
        return JobID(encode(value))
    }

    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The last id made (for monotonicity) and a SplitMix64 generator seeded once from the
    /// system: ids need uniqueness, not secrecy, and this avoids a system call per id.
    private struct Generator {
        var last: UInt128 = 0
        var seed = UInt64.random(in: 0...UInt64.max)

        mutating func next() -> UInt64 {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Whether `text` has the shape of an id this library makes: 26 characters of Crockford's
    /// base 32 (upper case).
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 26 && text.utf8.allSatisfy { alphabet.contains($0) }
    }

    private static let generator = Mutex(Generator())
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    private static func encode(_ value: UInt128) -> String {
        var bytes = [UInt8](repeating: 0, count: 26)
        var rest = value
        for index in stride(from: 25, through: 0, by: -1) {
            bytes[index] = alphabet[Int(rest & 31)]
            rest >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
