import Foundation
import HTTPTypes
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import Testing

/// `POST /v1/jobs/{id}/cancel|kill|retry`: the semantics of `jobctl cancel|kill|retry`.
@Suite struct OperateRouteTests {
    @Test(arguments: StoreKind.allCases)
    func cancelStopsQueuedAndRunningJobs(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let queued = try await api.enqueue()
            let cancelled = try await api.send(.post, "/v1/jobs/\(queued.id)/cancel?reason=not%20needed")
            #expect(cancelled.status == .ok)
            #expect(try cancelled.object()["state"] as? String == "cancelled")
            #expect(try await api.store.job(queued.id).cancelReason == "not needed")
            try await api.send(.post, "/v1/jobs/\(queued.id)/cancel").expectError(.conflict, "invalidState")

            let running = try await api.runningJob()
            let requested = try await api.send(.post, "/v1/jobs/\(running.id)/cancel")
            #expect(requested.status == .ok)
            let job = try requested.object()
            #expect(job["state"] as? String == "running")
            #expect(job["cancelRequested"] as? Bool == true)

            try await api.send(.post, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA/cancel").expectError(.notFound, "notFound")
            try await api.send(.post, "/v1/jobs/nope/cancel").expectError(.badRequest, "invalidInput")
            let long = String(repeating: "r", count: 501)
            try await api.send(.post, "/v1/jobs/\(running.id)/cancel?reason=\(long)").expectError(.badRequest, "invalidInput")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func killStopsOnlyRunningJobs(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let graceful = try await api.runningJob()
            let killed = try await api.send(.post, "/v1/jobs/\(graceful.id)/kill")
            #expect(killed.status == .ok)
            #expect(try killed.object()["cancelRequested"] as? Bool == true)
            #expect(try await api.store.job(graceful.id).cancelMode == .graceful)

            let immediate = try await api.runningJob()
            #expect(try await api.send(.post, "/v1/jobs/\(immediate.id)/kill?force=true").status == .ok)
            let record = try await api.store.job(immediate.id)
            #expect(record.cancelMode == .immediate)
            #expect(record.cancelReason == CommandJobRunner.killReason(.immediate))

            let queued = try await api.enqueue(key: "queued")

            try await api.send(.post, "/v1/jobs/\(queued.id)/kill").expectError(.conflict, "invalidState")
            try await api.send(.post, "/v1/jobs/\(immediate.id)/kill?force=maybe").expectError(.badRequest, "invalidInput")
            try await api.send(.post, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA/kill").expectError(.notFound, "notFound")
            try await api.send(.post, "/v1/jobs/x/kill").expectError(.badRequest, "invalidInput")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func retryQueuesAFinishedJobAgain(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let queued = try await api.enqueue(key: "other")
            let failed = try await api.finishedJob(succeeded: false)
            let retried = try await api.send(.post, "/v1/jobs/\(failed.id)/retry")
            #expect(retried.status == .ok)
            let job = try retried.object()
            #expect(job["state"] as? String == "queued")
            #expect(job["attempt"] as? Int == 0)
            #expect(retried.headers[.eTag] == "\"\(failed.version + 1)\"")

            try await api.send(.post, "/v1/jobs/\(queued.id)/retry").expectError(.conflict, "invalidState")
            try await api.send(.post, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA/retry").expectError(.notFound, "notFound")
            try await api.send(.post, "/v1/jobs/x/retry").expectError(.badRequest, "invalidInput")
        }
    }
}
