import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCoreSQLite
import JobCoreTesting
import Testing

/// Issue 17 item 8: a draining worker reaps a dead worker's expired lease before it decides it is done.
@Suite struct DrainReapTests {
    @Test func aDrainingWorkerReapsAnExpiredLeaseAndRunsTheJob() async throws {
        try await JobctlEnvironment.with { env in
            let id = try await env.jobctl(["enqueue", "--", "sh", "-c", "echo attempt $JOB_ATTEMPT"]).stdout.trimmingCharacters(in: .newlines)
            // A worker that claimed it and died: its lease (1 ms) has expired by the time jobctl starts.
            let store = try SQLiteJobStore(path: env.root.appendingPathComponent("jobs.sqlite").path)
            let claimed = try await store.claim(ClaimRequest(workerID: "dead", lease: .milliseconds(1)))
            #expect(claimed.map(\.id.description) == [id])
            let worker = try await env.jobctl(["worker", "--drain-when-nothing-due", "--poll-interval", "100ms"])
            #expect(worker.status == 0, "\(worker.stderr)")
            let job = try await env.show(id)
            #expect(job["state"] as? String == "succeeded", "\(job)")
            #expect(job["attempt"] as? Int == 2)
            #expect(try await env.jobctl(["logs", id]).stdout == "attempt 2\n")
        }
    }
}
