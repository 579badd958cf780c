import Foundation
import JobCore
import JobCoreTesting
import Testing

/// `jobctl worker --drain` runs everything, retries included, then exits;
/// `--drain-when-nothing-due` leaves a retry that is not due yet for later; `jobctl run` waits
/// for its job's retries.
@Suite struct DrainTests {
    /// Fails its first attempt, succeeds on the second.
    static let flaky = ["--max-attempts", "2", "--", "sh", "-c", #"echo "attempt $JOB_ATTEMPT"; test "$JOB_ATTEMPT" = 2"#]

    @Test func drainWaitsForAScheduledRetry() async throws {
        try await JobctlEnvironment.with { env in
            let id = try await env.jobctl(["enqueue"] + Self.flaky).stdout.trimmingCharacters(in: .newlines)
            let worker = try await env.jobctl(["worker", "--drain", "--poll-interval", "100ms"])
            #expect(worker.status == 0, "\(worker.stderr)")
            let job = try await env.show(id)
            #expect(job["state"] as? String == "succeeded")
            #expect(job["attempt"] as? Int == 2)
            #expect(job["lastErrorIsEarlier"] as? Bool == true)
            #expect(job["lastErrorAttempt"] as? Int == 1)
            let shown = try await env.jobctl(["show", id])
            #expect(shown.stdout.contains("earlier error"), "\(shown.stdout)")
            #expect(try await env.jobctl(["logs", id]).stdout.contains("attempt 2"))
        }
    }

    @Test func drainWhenNothingDueLeavesTheRetryQueued() async throws {
        try await JobctlEnvironment.with { env in
            let id = try await env.jobctl(["enqueue"] + Self.flaky).stdout.trimmingCharacters(in: .newlines)
            let worker = try await env.jobctl(["worker", "--drain-when-nothing-due", "--poll-interval", "100ms"])
            #expect(worker.status == 0, "\(worker.stderr)")
            let job = try await env.show(id)
            #expect(job["state"] as? String == "queued")
            #expect(job["attempt"] as? Int == 1)
        }
    }

    @Test func theTwoDrainModesExcludeEachOther() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(["worker", "--drain", "--drain-when-nothing-due"])
            #expect(output.status == 2, "\(output.stderr)")
        }
    }

    @Test func runWaitsForItsJobsRetry() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(["run"] + Self.flaky)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout == "attempt 1\nattempt 2\n")
        }
    }
}
