import Foundation

/// Parses human durations such as `30s`, `5m`, `1h30m`, `250ms` or `2d`.
public enum DurationParser {
    /// Parses `text` into a `Duration`.
    /// - Throws: ``DurationParser/Error`` when the text is not a sequence of `<number><unit>`
    ///   parts with units `ms`, `s`, `m`, `h` or `d`.
    public static func parse(_ text: String) throws(DurationParser.Error) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw Error(text: text) }
        var total = Duration.zero
        var digits = ""
        var index = trimmed.startIndex
        while index < trimmed.endIndex {
            let character = trimmed[index]
            if character.isASCII, character.isNumber {
                digits.append(character)
                index = trimmed.index(after: index)
                continue
            }
            guard let value = Int64(digits) else { throw Error(text: text) }
            var unit = String(character)
            index = trimmed.index(after: index)
            if unit == "m", index < trimmed.endIndex, trimmed[index] == "s" {
                unit = "ms"
                index = trimmed.index(after: index)
            }
            switch unit {
            case "ms": total += .milliseconds(value)
            case "s": total += .seconds(value)
            case "m": total += .seconds(value * 60)
            case "h": total += .seconds(value * 3600)
            case "d": total += .seconds(value * 86_400)
            default: throw Error(text: text)
            }
            digits = ""
        }
        guard digits.isEmpty else { throw Error(text: text) }
        return total
    }

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

    /// The error for text that is not a duration.
    public struct Error: Swift.Error, CustomStringConvertible {
        public let text: String
        public var description: String {
            "invalid duration '\(text)': use a number with a unit, such as 30s, 5m, 1h30m, 250ms or 2d"
        }
    }
}
