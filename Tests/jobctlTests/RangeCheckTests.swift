import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 17 item 11: every duration and count is range-checked: exit 2, nothing created, never a trap.
@Suite struct RangeCheckTests {
    @Test func outOfRangeDurationsAndCountsExit2AndCreateNothing() async throws {
        try await JobctlEnvironment.with { env in
            let refused: [[String]] = [
                ["enqueue", "--delay", "9223372036854775807ms", "--", "true"],
                ["enqueue", "--delay", "36501d", "--", "true"],
                ["enqueue", "--delay", "3651d", "--", "true"],
                ["enqueue", "--timeout", "9223372036854775807ms", "--", "true"],
                ["enqueue", "--timeout", "366d", "--", "true"],
                ["enqueue", "--max-attempts", "99999999999", "--", "true"],
                ["enqueue", "--depth", "99999999999", "--", "true"],
                ["run", "--timeout", "9223372036854775807ms", "--", "true"],
                ["list", "--limit", "99999999999999"],
                ["worker", "--drain", "--concurrency", "99999999"],
                ["worker", "--drain", "--key-limit", "0"],
                ["worker", "--drain", "--poll-interval", "0s"],
                ["health", "--queue-depth=-1"],
                ["clone", "--depth", "99999999999", env.repository.path, env.root.appendingPathComponent("clone").path],
                ["logs", "01JD6Q3S9Y6A2W0N4M2C7B8K5E", "--poll-interval", "0s"],
            ]
            for arguments in refused {
                let output = try await env.jobctl(arguments)
                #expect(output.status == 2, "\(arguments): \(output.status) \(output.stderr)")
                #expect(!output.stderr.contains("Fatal error"), "\(arguments): \(output.stderr)")
            }
            let list = try await env.jobctl(["list", "--json"])
            #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true, "\(list.stdout)")
            let accepted = try await env.jobctl(["enqueue", "--delay", "3650d", "--timeout", "365d", "--max-attempts", "1000", "--", "true"])
            #expect(accepted.status == 0, "\(accepted.stderr)")
        }
    }
}
