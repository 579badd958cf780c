import Foundation
import HTTPTypes
import HummingbirdTesting
import JobCore
import JobCoreHTTP
import Testing

/// `POST /v1/jobs` for jobs of kinds an embedder allowed (`Configuration.allow(_:)`).
@Suite struct JobKindRouteTests {
    struct Resize: Codable, Sendable, Equatable {
        var image: String
        var width: Int
    }

    static let resize = JobKind<Resize>("resize")

    var configuration: JobCoreAPI.Configuration {
        var configuration = JobCoreAPI.Configuration()
        configuration.allow(Self.resize)
        return configuration
    }

    @Test(arguments: StoreKind.allCases)
    func anAllowedKindIsCreatedWithItsPayloadAsItsTypeWritesIt(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind, configuration: configuration) { api in
            let created = try await api.send(.post, "/v1/jobs", body: #"""
                {"kind": "resize", "payload": {"width": 640, "image": "cat.png"}, "queue": "images", "key": "tenant-1", "priority": 5}
                """#)
            #expect(created.status == .created, "\(created.text)")
            let document = try created.object()
            #expect(document["kind"] as? String == "resize" && document["queue"] as? String == "images")
            let id = try #require(document["id"] as? String)
            let stored = try await api.store.job(JobID(id))
            #expect(try stored.payload(as: Resize.self) == Resize(image: "cat.png", width: 640))
            #expect(String(decoding: stored.payload, as: UTF8.self) == #"{"image":"cat.png","width":640}"#, "as DurableJobQueue writes it")
            #expect(stored.key == "tenant-1" && stored.priority == 5)
        }
    }

    @Test func otherKindsAndMixedBodiesAreRefusedAndCreateNothing() async throws {
        try await APIHarness.with(.memory, configuration: configuration) { api in
            let cases: [(String, String)] = [
                (#"{"kind": "unknown", "payload": {}}"#, "it creates: command, resize"),
                (#"{"kind": "resize", "payload": {"image": "a.png"}}"#, "'width' is missing"),
                (#"{"kind": "resize", "payload": {"image": "a.png", "width": "wide"}}"#, "'width' has the wrong type"),
                (#"{"kind": "resize"}"#, "needs a 'payload'"),
                (#"{"kind": "resize", "payload": {"image": "a.png", "width": 1}, "command": ["true"]}"#, "'command' describes a command job"),
                (#"{"command": ["true"], "payload": {}}"#, "'payload' is for jobs of other kinds"),
                (#"{"kind": 7, "command": ["true"]}"#, "'kind' must be a string"),
            ]
            for (body, message) in cases {
                let refused = try await api.send(.post, "/v1/jobs", body: body)
                #expect(try refused.expectError(.badRequest, "invalidInput").contains(message), "\(body): \(refused.text)")
            }
            #expect(try await api.store.count(JobFilter()) == 0)
            let command = try await api.send(.post, "/v1/jobs", body: #"{"kind": "command", "command": ["true"]}"#)
            #expect(command.status == .created, "an explicit command kind is a command job")
        }
        try await APIHarness.with(.memory) { api in
            let refused = try await api.send(.post, "/v1/jobs", body: #"{"kind": "resize", "payload": {"image": "a", "width": 1}}"#)
            #expect(try refused.expectError(.badRequest, "invalidInput").contains("it creates: command"), "not allowed by default")
        }
    }
}
