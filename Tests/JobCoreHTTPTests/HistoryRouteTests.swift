import Foundation
import HTTPTypes
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import JobCoreJSON
import Testing

/// `GET /v1/jobs/{id}/runs|events|logs`.
@Suite struct HistoryRouteTests {
    @Test(arguments: StoreKind.allCases)
    func runsAreTheJobsAttempts(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let finished = try await api.finishedJob(succeeded: true)
            let response = try await api.send(.get, "/v1/jobs/\(finished.id)/runs")
            #expect(response.status == .ok)
            let runs = try response.array()
            #expect(runs.count == 1)
            #expect(runs.first?["workerID"] as? String == "test-worker")
            #expect(runs.first?["outcome"] as? String == "succeeded")
            let expected = try JobJSON.encoder().encode(try await api.store.runs(of: finished.id).map(RunView.init))
            #expect(response.text == String(decoding: expected, as: UTF8.self) + "\n")

            try await api.send(.get, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA/runs").expectError(.notFound, "notFound")
            try await api.send(.get, "/v1/jobs/x/runs").expectError(.badRequest, "invalidInput")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func eventsResumeAfterASequenceNumber(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let finished = try await api.finishedJob(succeeded: true)
            let all = try await api.send(.get, "/v1/jobs/\(finished.id)/events")
            #expect(all.status == .ok)
            let events = try all.array()
            #expect(events.compactMap { $0["kind"] as? String } == ["enqueued", "claimed", "succeeded"])
            let expected = try JobJSON.encoder().encode(try await api.store.events(of: finished.id).map(EventView.init))
            #expect(all.text == String(decoding: expected, as: UTF8.self) + "\n")

            let first = try #require(events.first?["sequence"] as? Int)
            let rest = try await api.send(.get, "/v1/jobs/\(finished.id)/events?after=\(first)&limit=1").array()
            #expect(rest.compactMap { $0["kind"] as? String } == ["claimed"])

            for bad in ["after=-1", "after=x", "limit=0", "limit=1000000", "since=3"] {
                try await api.send(.get, "/v1/jobs/\(finished.id)/events?\(bad)").expectError(.badRequest, "invalidInput")
            }
            try await api.send(.get, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA/events").expectError(.notFound, "notFound")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func logsAreReadByByteRanges(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let running = try await api.runningJob()
            _ = try await api.store.appendLog(running.id, epoch: running.epoch, Data("hello world\n".utf8))
            let uri = "/v1/jobs/\(running.id)/logs"

            let whole = try await api.send(.get, uri)
            #expect(whole.status == .ok)
            #expect(whole.text == "hello world\n")
            #expect(whole.headers[.contentType] == "application/octet-stream")
            #expect(whole.headers[HTTPField.Name("Job-Log-Size")!] == "12")
            #expect(whole.headers[HTTPField.Name("Job-Log-Next-Offset")!] == "12")
            #expect(whole.headers[HTTPField.Name("Job-Log-Truncated")!] == "false")

            let tail = try await api.send(.get, uri, headers: [.range: "bytes=6-"])
            #expect(tail.status == .partialContent)
            #expect(tail.text == "world\n")
            #expect(tail.headers[.contentRange] == "bytes 6-11/12")

            let head = try await api.send(.get, uri, headers: [.range: "bytes=0-4"])
            #expect(head.status == .partialContent)
            #expect(head.text == "hello")
            #expect(head.headers[.contentRange] == "bytes 0-4/12")

            let window = try await api.send(.get, uri + "?offset=6&maxBytes=3")
            #expect(window.status == .ok)
            #expect(window.text == "wor")
            #expect(window.headers[HTTPField.Name("Job-Log-Next-Offset")!] == "9")

            let past = try await api.send(.get, uri, headers: [.range: "bytes=12-"])
            try past.expectError(.rangeNotSatisfiable, "rangeNotSatisfiable")
            #expect(past.headers[.contentRange] == "bytes */12")

            for range in ["items=0-", "bytes=5-2", "bytes=0-1,4-5", "bytes=-5"] {
                try await api.send(.get, uri, headers: [.range: range]).expectError(.badRequest, "invalidInput")
            }
            try await api.send(.get, uri + "?offset=1", headers: [.range: "bytes=0-"]).expectError(.badRequest, "invalidInput")
            try await api.send(.get, uri + "?maxBytes=0").expectError(.badRequest, "invalidInput")
            try await api.send(.get, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA/logs").expectError(.notFound, "notFound")
        }
    }
}
