import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
@testable import JobCoreHTTP
import NIOCore
import NIOHTTP1
import Testing

/// `GET /v1/jobs/{id}/events/stream` and `…/logs/stream`: Server-Sent Events read over a real
/// socket as a browser reads them, while the store changes underneath.
@Suite struct StreamRouteTests {
    @Test(arguments: StoreKind.allCases)
    func anEndedJobsEventsComeInOrderThenEnd(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let job = try await api.finishedJob(succeeded: true)
            let recorded = try await api.store.events(of: job.id).map(\.sequence)
            var stream = try await EventStreamClient(api, "/v1/jobs/\(job.id)/events/stream")
            #expect(stream.headers[.contentType] == "text/event-stream; charset=utf-8")
            var sequences: [Int64] = []
            while let message = try await stream.next(), message.event == "event" {
                let event = try message.object()
                #expect(message.id == "\(event["sequence"] as? Int ?? -1)")
                sequences.append(Int64(try #require(message.id))!)
            }
            #expect(sequences == recorded)
            #expect(stream.last?.event == "end")
            #expect(try stream.last?.object()["state"] as? String == "succeeded")
            #expect(try await stream.next() == nil, "the stream closes after end")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func newEventsArriveLiveAndAReconnectResumesWithoutLossOrDuplicates(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let running = try await api.runningJob()
            let before = try await api.store.events(of: running.id)
            var stream = try await EventStreamClient(api, "/v1/jobs/\(running.id)/events/stream")
            for event in before {
                #expect(try await stream.next()?.id == "\(event.sequence)")
            }
            // Nothing more has happened: the stream waits. The job ends now.
            _ = try await api.store.complete(running.id, epoch: running.epoch)
            var live: [String] = []
            while let message = try await stream.next(), message.event == "event" { live.append(message.id ?? "?") }
            let all = try await api.store.events(of: running.id).map { "\($0.sequence)" }
            #expect(live == Array(all.dropFirst(before.count)) && !live.isEmpty)
            #expect(stream.last?.event == "end")

            // A client that saw only the first event reconnects: it gets the rest, once each.
            var resumed = try await EventStreamClient(api, "/v1/jobs/\(running.id)/events/stream", lastEventID: all[0])
            var rest: [String] = []
            while let message = try await resumed.next(), message.event == "event" { rest.append(message.id ?? "?") }
            #expect(rest == Array(all.dropFirst()))
            #expect(resumed.last?.event == "end")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theLogGrowsLiveInWholeCharactersAndResumesAtAByteOffset(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let running = try await api.runningJob()
            // "ü" is C3 BC: the first write ends inside it.
            _ = try await api.store.appendLog(running.id, epoch: running.epoch, Data("line 1\n".utf8) + Data([0xC3]))
            var stream = try await EventStreamClient(api, "/v1/jobs/\(running.id)/logs/stream")
            let first = try #require(try await stream.next())
            #expect(first.event == "log" && first.id == "7")
            #expect(try first.object()["text"] as? String == "line 1\n")
            #expect(try first.object()["offset"] as? Int == 0)

            _ = try await api.store.appendLog(running.id, epoch: running.epoch, Data([0xBC]) + Data("ber 2\n".utf8))
            let second = try #require(try await stream.next())
            #expect(try second.object()["text"] as? String == "über 2\n")
            #expect(try second.object()["offset"] as? Int == 7 && second.id == "15")

            _ = try await api.store.complete(running.id, epoch: running.epoch)
            let end = try #require(try await stream.next())
            #expect(end.event == "end" && end.id == nil)
            #expect(try end.object()["state"] as? String == "succeeded")
            #expect(try await stream.next() == nil)

            var resumed = try await EventStreamClient(api, "/v1/jobs/\(running.id)/logs/stream", lastEventID: "7")
            #expect(try await resumed.next().map { try $0.object()["text"] as? String } == "über 2\n")
            #expect(try await resumed.next()?.event == "end")
        }
    }

    @Test func streamsRefuseUnknownJobsAndBadResumePoints() async throws {
        try await APIHarness.with(.memory) { api in
            let job = try await api.finishedJob(succeeded: false)
            for path in ["events", "logs"] {
                try await api.send(.get, "/v1/jobs/\(JobID.make(at: Date()))/\(path)/stream").expectError(.notFound, "notFound")
                try await api.send(.get, "/v1/jobs/\(job.id)/\(path)/stream", headers: [.lastEventID: "yesterday"])
                    .expectError(.badRequest, "invalidInput")
                try await api.send(.get, "/v1/jobs/\(job.id)/\(path)/stream?bogus=1").expectError(.badRequest, "invalidInput")
            }
            try await api.send(.get, "/v1/jobs/\(job.id)/logs/stream?offset=-1").expectError(.badRequest, "invalidInput")
        }
    }

    @Test func utf8BoundariesHoldBackOnlyAnUnfinishedCharacter() {
        #expect(UTF8Boundary.prefixLength(of: Data("abc".utf8)) == 3)
        #expect(UTF8Boundary.prefixLength(of: Data("aü".utf8)) == 3)
        #expect(UTF8Boundary.prefixLength(of: Data([0x61, 0xC3])) == 1)
        #expect(UTF8Boundary.prefixLength(of: Data([0x61, 0xE2, 0x82])) == 1)
        #expect(UTF8Boundary.prefixLength(of: Data([0x61, 0xE2, 0x82, 0xAC])) == 4)
        #expect(UTF8Boundary.prefixLength(of: Data([0x61, 0xF0, 0x9F, 0x98])) == 1)
        #expect(UTF8Boundary.prefixLength(of: Data([0x80, 0x80, 0x80, 0x80, 0x80])) == 5, "not UTF-8: sent as is")
        #expect(UTF8Boundary.prefixLength(of: Data()) == 0)
    }
}

/// One message of a `text/event-stream`.
struct StreamMessage: Equatable {
    var id: String?
    var event: String
    var data: String

    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any], "not a JSON object: \(data)")
    }
}

/// A stream of the API read with AsyncHTTPClient, parsed as an EventSource parses it.
struct EventStreamClient {
    let headers: HTTPFields
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var buffer: [UInt8] = []
    /// The message `next()` returned last.
    private(set) var last: StreamMessage?

    init(_ api: APIHarness, _ path: String, lastEventID: String? = nil) async throws {
        let port = try #require(api.client.port)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        #expect(response.status == .ok)
        var fields = HTTPFields()
        for header in response.headers { if let name = HTTPField.Name(header.name) { fields[name] = header.value } }
        headers = fields
        body = response.body.makeAsyncIterator()
    }

    /// The next message (comments skipped); `nil` when the server closed the stream.
    mutating func next() async throws -> StreamMessage? {
        while true {
            if let end = buffer.indices.dropLast().first(where: { buffer[$0] == 0x0A && buffer[$0 + 1] == 0x0A }) {
                let block = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeSubrange(...(end + 1))
                var message = StreamMessage(id: nil, event: "message", data: "")
                var fields = 0
                for line in block.split(separator: "\n") where !line.hasPrefix(":") {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    let value = parts.count > 1 ? String(parts[1].drop { $0 == " " }) : ""
                    switch parts.first {
                    case "id": message.id = value
                    case "event": message.event = value
                    case "data": message.data += value
                    default: break
                    }
                    fields += 1
                }
                if fields == 0 { continue }
                last = message
                return message
            }
            guard let chunk = try await body.next() else { return nil }
            buffer += Array(buffer: chunk)
        }
    }
}
