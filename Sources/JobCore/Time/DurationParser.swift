import Foundation

/// Parses human durations such as `30s`, `5m`, `1h30m`, `250ms` or `2d`.
public enum DurationParser {
    /// Parses `text` into a `Duration`.
    /// - Throws: ``DurationParser/Error`` `.invalidSyntax` when the text is not a sequence of
    ///   `<number><unit>` parts with units `ms`, `s`, `m`, `h` or `d`; `.outOfRange` when the
    ///   duration is longer than ``maximum`` (100 years).
    public static func parse(_ text: String) throws(DurationParser.Error) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw Error.invalidSyntax(text) }
        var total: Int64 = 0  // milliseconds
        var digits = ""
        var index = trimmed.startIndex
        while index < trimmed.endIndex {
            let character = trimmed[index]
            if character.isASCII, character.isNumber {
                digits.append(character)
                index = trimmed.index(after: index)
                continue
            }
            guard !digits.isEmpty else { throw Error.invalidSyntax(text) }
            var unit = String(character)
            index = trimmed.index(after: index)
            if unit == "m", index < trimmed.endIndex, trimmed[index] == "s" {
                unit = "ms"
                index = trimmed.index(after: index)
            }
            let milliseconds: Int64 = switch unit {
            case "ms": 1
            case "s": 1000
            case "m": 60_000
            case "h": 3_600_000
            case "d": 86_400_000
            default: throw Error.invalidSyntax(text)
            }
            guard let value = Int64(digits) else { throw Error.outOfRange(text) }
            let (part, overflow) = value.multipliedReportingOverflow(by: milliseconds)
            let (sum, sumOverflow) = total.addingReportingOverflow(part)
            guard !overflow, !sumOverflow else { throw Error.outOfRange(text) }
            total = sum
            digits = ""
        }
        guard digits.isEmpty else { throw Error.invalidSyntax(text) }
        guard total <= maximumMilliseconds else { throw Error.outOfRange(text) }
        return .milliseconds(total)
    }

    /// The longest duration ``parse(_:)`` accepts: 100 years (`36500d`). Longer ones are
    /// `.outOfRange`: no timeout, delay or interval needs more, and dates computed from them stay
    /// representable everywhere (stores keep microseconds in 64 bits).
    public static let maximum: Duration = .milliseconds(maximumMilliseconds)
    private static let maximumMilliseconds: Int64 = 36_500 * 86_400_000

    /// Formats a duration the way ``parse(_:)`` reads it, e.g. `1h30m`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        if seconds == 0 { return "\(milliseconds)ms" }
        var parts = ""
        var rest = seconds
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where rest >= size {
            parts += "\(rest / size)\(unit)"
            rest %= size
        }
        if rest > 0 || parts.isEmpty { parts += "\(rest)s" }
        if milliseconds > 0 { parts += "\(milliseconds)ms" }
        return parts
    }

    /// The error for text that is not a duration: an opaque ``Code`` plus the text.
    public struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        /// What is wrong with the text. New codes may be added; switch with a `default`.
        public struct Code: Hashable, Sendable, CustomStringConvertible {
            private enum Base: String, Hashable, Sendable {
                case invalidSyntax, outOfRange
            }

            private let base: Base
            private init(_ base: Base) { self.base = base }

            /// The text is not a sequence of `<number><unit>` parts with units `ms`, `s`, `m`,
            /// `h` or `d`.
            public static let invalidSyntax = Code(.invalidSyntax)
            /// The duration is too long to represent.
            public static let outOfRange = Code(.outOfRange)

            public var description: String { base.rawValue }
        }

        /// What is wrong with the text.
        public var code: Code
        /// What is wrong, for people, with the forms that are accepted.
        public var message: String
        /// The text as given.
        public var text: String

        /// Creates an error.
        /// - Parameters:
        ///   - code: what is wrong with the text.
        ///   - message: what is wrong, for people.
        ///   - text: the text as given.
        public init(_ code: Code, _ message: String, text: String) {
            self.code = code
            self.message = message
            self.text = text
        }

        public var description: String { "\(code): \(message)" }

        static func invalidSyntax(_ text: String) -> Error {
            Error(.invalidSyntax, "invalid duration '\(text)': use a number with a unit, such as 30s, 5m, 1h30m, 250ms or 2d", text: text)
        }

        static func outOfRange(_ text: String) -> Error {
            Error(.outOfRange, "invalid duration '\(text)': too long (at most 36500d)", text: text)
        }
    }
}
