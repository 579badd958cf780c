import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 17 item 16: user strings are escaped in text output, and keys, idempotency keys and queue names
/// are bounded (by the store, for every client).
@Suite struct UserStringTests {
    @Test func controlCharactersInAKeyAreEscapedInTextOutputAndKeptInJSON() async throws {
        try await JobctlEnvironment.with { env in
            let key = "tenant\u{1B}[2J\u{07}\nsecond line\u{202E}"
            let id = try await env.jobctl(["enqueue", "--key", key, "--", "true"]).stdout.trimmingCharacters(in: .newlines)
            let list = try await env.jobctl(["list"])
            #expect(list.status == 0, "\(list.stderr)")
            #expect(!list.stdout.contains("\u{1B}") && !list.stdout.contains("\u{07}") && !list.stdout.contains("\u{202E}"), "\(list.stdout)")
            #expect(list.stdout.contains(#"tenant\u{1B}[2J\u{7}\nsecond line\u{202E}"#), "\(list.stdout)")
            #expect(list.stdout.split(separator: "\n").count == 2, "one header, one row: \(list.stdout)")
            let show = try await env.jobctl(["show", id])
            #expect(!show.stdout.contains("\u{1B}"), "\(show.stdout)")
            #expect((try await env.show(id))["key"] as? String == key, "JSON keeps the key as it is")
        }
    }

    @Test func keysIdempotencyKeysAndQueueNamesAreBounded() async throws {
        try await JobctlEnvironment.with { env in
            let long = String(repeating: "k", count: 257)
            for arguments in [["--key", long], ["--queue", long], ["--idempotency-key", String(repeating: "i", count: 513)]] {
                let output = try await env.jobctl(["enqueue"] + arguments + ["--", "true"])
                #expect(output.status == 2, "\(arguments[0]): \(output.stderr)")
                #expect(output.stderr.contains("longer than"), "\(output.stderr)")
            }
            let big = try await env.jobctl(["enqueue", "--key", String(repeating: "k", count: 130_000), "--", "true"])
            #expect(big.status == 2, "\(big.stderr)")
            let list = try await env.jobctl(["list", "--json"])
            #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true, "\(list.stdout)")
            let longest = try await env.jobctl([
                "enqueue", "--key", String(repeating: "k", count: 256), "--queue", String(repeating: "q", count: 256),
                "--idempotency-key", String(repeating: "i", count: 512), "--", "true",
            ])
            #expect(longest.status == 0, "\(longest.stderr)")
        }
    }
}
