import Foundation

/// `--json` output: one document, stable camelCase keys, ISO-8601 timestamps.
enum JSONOutput {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func print(_ value: some Encodable) throws {
        let data = try encoder().encode(value)
        Terminal.standardOutput.write(String(decoding: data, as: UTF8.self) + "\n")
    }
}
