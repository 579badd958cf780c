import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 17 item 18: a command's bytes reach stdout unchanged, from `run` and from `logs`; `logs --json`
/// stays valid JSON with the exact bytes in base64.
@Suite struct BinaryOutputTests {
    @Test func binaryOutputIsPassedThroughUnchanged() async throws {
        try await JobctlEnvironment.with { env in
            var bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
            bytes[0...3] = [0xFF, 0xFE, 0x00, 0xC3]  // invalid UTF-8 and a NUL up front
            let file = env.root.appendingPathComponent("random.bin")
            try Data(bytes).write(to: file)
            let run = try await env.jobctl(["run", "--", "cat", file.path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdoutData == Data(bytes), "run printed \(run.stdoutData.count) bytes")
            let id = String(try #require(run.stderr.split(separator: "\n").first { $0.hasPrefix("job ") }).dropFirst(4))
            let logs = try await env.jobctl(["logs", id])
            #expect(logs.stdoutData == Data(bytes), "logs printed \(logs.stdoutData.count) bytes")
            let json = try await env.jobctl(["logs", id, "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
            #expect(Data(base64Encoded: try #require(document["outputBase64"] as? String)) == Data(bytes))
            #expect(document["bytes"] as? Int == 1000)
            #expect(document["truncated"] as? Bool == false)
            #expect((document["output"] as? String)?.hasPrefix("\u{FFFD}") == true)
        }
    }
}
