import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCoreSQLite
import JobCoreTesting
import Testing

/// `jobctl show` of jobs of any kind: payload and result, and an error that is history.
@Suite struct ShowCommandTests {
    /// A job of a custom kind whose first attempt failed and whose second succeeded with a result,
    /// written by this process into the store that jobctl reads.
    func customJob(_ env: JobctlEnvironment, payload: Data, result: Data) async throws -> String {
        let store = try SQLiteJobStore(path: env.root.appendingPathComponent("jobs.sqlite").path)
        let id = try await store.enqueue(NewJob(kind: "report", payload: payload)).job.id
        let first = try #require(try await store.claim(ClaimRequest(workerID: "test")).first)
        try await store.fail(id, epoch: first.epoch, error: "disk full", retryAt: Date())
        let second = try #require(try await store.claim(ClaimRequest(workerID: "test")).first)
        try await store.complete(id, epoch: second.epoch, result: result)
        return id.description
    }

    @Test func aCustomKindsJSONPayloadAndResultAreShownAndAnEarlierErrorIsLabelled() async throws {
        try await JobctlEnvironment.with { env in
            let id = try await customJob(env, payload: Data(#"{"month":"2024-05","pages":[1,2]}"#.utf8), result: Data(#"{"rows":42}"#.utf8))
            let job = try await env.show(id)
            #expect(job["kind"] as? String == "report")
            let payload = job["payload"] as? [String: Any]
            #expect(payload?["month"] as? String == "2024-05")
            #expect(payload?["pages"] as? [Int] == [1, 2])
            #expect(job["result"] as? [String: Int] == ["rows": 42])
            #expect(job["payloadBase64"] == nil && job["resultBase64"] == nil)
            #expect(job["state"] as? String == "succeeded")
            #expect(job["lastError"] as? String == "disk full")
            #expect(job["lastErrorIsEarlier"] as? Bool == true)
            #expect(job["lastErrorAttempt"] as? Int == 1)

            let text = try await env.jobctl(["show", id])
            #expect(text.status == 0, "\(text.stderr)")
            func value(_ label: String) -> String? {
                text.stdout.split(separator: "\n").first { $0.hasPrefix(label + " ") }.map { $0.dropFirst(label.count).trimmingCharacters(in: .whitespaces) }
            }
            #expect(value("payload") == #"{"month":"2024-05","pages":[1,2]}"#)
            #expect(value("result") == #"{"rows":42}"#)
            #expect(value("earlier error") == "disk full (attempt 1)")
            #expect(!text.stdout.contains("last error"))
        }
    }

    @Test func bytesThatAreNotJSONAreShownInBase64() async throws {
        try await JobctlEnvironment.with { env in
            let payload = Data([0xFF, 0x00, 0x01])
            let id = try await customJob(env, payload: payload, result: Data("plain text".utf8))
            let job = try await env.show(id)
            #expect(job["payload"] == nil)
            #expect(job["payloadBase64"] as? String == payload.base64EncodedString())
            #expect(job["resultBase64"] as? String == Data("plain text".utf8).base64EncodedString())
            let text = try await env.jobctl(["show", id])
            #expect(text.stdout.contains("3 bytes (not JSON"))
        }
    }

    @Test func aFailedJobsErrorIsTheLastError() async throws {
        try await JobctlEnvironment.with { env in
            let failed = try await env.jobctl(["run", "--", "sh", "-c", "exit 5"])
            #expect(failed.status == 5)
            let id = String(try #require(failed.stderr.split(separator: "\n").first { $0.hasPrefix("job ") }).dropFirst(4))
            let job = try await env.show(id)
            #expect(job["lastErrorIsEarlier"] as? Bool == false)
            #expect((job["result"] as? [String: Any]) == nil)
            #expect((job["payload"] as? [String: Any])?["command"] as? [String] == ["sh", "-c", "exit 5"])
            let text = try await env.jobctl(["show", id])
            #expect(text.stdout.contains("last error"))
            #expect(!text.stdout.contains("earlier error"))
            #expect(!text.stdout.contains("payload"))
        }
    }
}
