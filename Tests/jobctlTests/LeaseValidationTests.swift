import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 17 item 7: a lease the worker cannot renew in time is refused before the worker starts.
@Suite struct LeaseValidationTests {
    @Test func aLeaseShorterThanOneSecondIsRefused() async throws {
        try await JobctlEnvironment.with { env in
            let id = try await env.jobctl(["enqueue", "--", "true"]).stdout.trimmingCharacters(in: .newlines)
            for lease in ["1ms", "0s", "999ms"] {
                let output = try await env.jobctl(["worker", "--drain", "--lease", lease])
                #expect(output.status == 2, "\(lease): \(output.stderr)")
                #expect(output.stderr.hasPrefix("jobctl: the lease must be at least 1s"), "\(output.stderr)")
            }
            #expect((try await env.show(id))["state"] as? String == "queued", "no worker ran")
            let accepted = try await env.jobctl(["worker", "--drain", "--lease", "1s", "--poll-interval", "100ms"])
            #expect(accepted.status == 0, "\(accepted.stderr)")
        }
    }
}
