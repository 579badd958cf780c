/// How stores keep a job's trace context in one text column: one `name: value` line per field,
/// sorted by name, like HTTP header fields (`traceparent: 00-…`). Decoding it costs a split,
/// not a JSON parse, on every read of a job. `JobLifecycle` refuses a field it cannot hold.
@_spi(JobStoreImplementation)
public enum TraceContextText {
    /// The text of a trace context; `nil` when it is empty.
    public static func encode(_ context: [String: String]) -> String? {
        guard !context.isEmpty else { return nil }
        return context.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
    }

    /// The trace context of a text; `nil` when a line is not `name: value`.
    public static func decode(_ text: String?) -> [String: String]? {
        guard let text, !text.isEmpty else { return [:] }
        // Scans bytes, not characters: the separators are ASCII, and the scan runs for every
        // job a worker claims.
        let bytes = text.utf8
        var context: [String: String] = [:]
        var lineStart = bytes.startIndex
        while true {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            guard let colon = bytes[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":")), colon != lineStart else { return nil }
            var valueStart = bytes.index(after: colon)
            if valueStart < lineEnd, bytes[valueStart] == UInt8(ascii: " ") { valueStart = bytes.index(after: valueStart) }
            context[String(text[lineStart..<colon])] = String(text[valueStart..<lineEnd])
            guard lineEnd < bytes.endIndex else { return context }
            lineStart = bytes.index(after: lineEnd)
        }
    }

    /// Whether a field can be kept: a name without `:` or line breaks, a value without line breaks.
    public static func isValid(name: String, value: String) -> Bool {
        !name.isEmpty && !name.contains { $0 == ":" || $0.isNewline } && !value.contains { $0.isNewline }
    }
}
