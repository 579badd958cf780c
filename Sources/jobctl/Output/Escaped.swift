/// User strings (keys, queues, commands, messages, errors) as text output shows them: control
/// characters, which a terminal would obey, are escaped — `\n`, `\r`, `\t`, and `\u{1B}` for the
/// others (C0, DEL, C1 and the bidirectional overrides). JSON output needs none of this:
/// its encoder escapes them already.
enum Escaped {
    static func text(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where needsEscape(scalar): escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Optional strings stay optional.
    static func text(_ text: String?) -> String? {
        text.map { Self.text($0) }
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        // Bidirectional embeddings, overrides and isolates, and the marks: they reorder what follows.
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
