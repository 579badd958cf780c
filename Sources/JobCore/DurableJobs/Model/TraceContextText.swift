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
        var context: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return nil }
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            context[String(line[..<colon])] = String(value)
        }
        return context
    }

    /// Whether a field can be kept: a name without `:` or line breaks, a value without line breaks.
    public static func isValid(name: String, value: String) -> Bool {
        !name.isEmpty && !name.contains { $0 == ":" || $0.isNewline } && !value.contains { $0.isNewline }
    }
}
