import Foundation
import JobCoreJSON

/// `--json` output: one document, stable camelCase keys, ISO-8601 timestamps.
enum JSONOutput {
    static func encoder() -> JSONEncoder { JobJSON.encoder() }

    static func print(_ value: some Encodable) throws {
        let data = try encoder().encode(value)
        Terminal.standardOutput.write(String(decoding: data, as: UTF8.self) + "\n")
    }
}
