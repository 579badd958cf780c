import Foundation
import HTTPTypes
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import JobCoreJSON
import Testing

/// `GET /v1/health`, `/metrics`, `/openapi.json`, and what every route shares: unknown routes,
/// other methods, an unavailable store.
@Suite struct ServiceRouteTests {
    @Test(arguments: StoreKind.allCases)
    func healthIsWhatJobctlHealthPrints(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            _ = try await api.enqueue()
            let response = try await api.send(.get, "/v1/health")
            #expect(response.status == .ok)
            let health = try response.object()
            #expect((health["counts"] as? [String: Int])?["queued"] == 1)
            #expect(health["timestamp"] is String)
            #expect((health["alerts"] as? [Any])?.isEmpty == true)
            let direct = try JobJSON.encoder().encode(try await api.store.health(HealthThresholds()))
            let expected = try JSONSerialization.jsonObject(with: direct) as? [String: Any] ?? [:]
            #expect(Set(health.keys) == Set(expected.keys))

            let alerting = try await api.send(.get, "/v1/health?queueDepth=0&longRunningSeconds=60").object()
            #expect((alerting["alerts"] as? [[String: Any]])?.first?["kind"] as? String == "deepQueue")
            for bad in ["queueDepth=-1", "longRunningSeconds=0", "depth=3"] {
                try await api.send(.get, "/v1/health?\(bad)").expectError(.badRequest, "invalidInput")
            }
        }
    }

    @Test func metricsServeTheConfiguredRendering() async throws {
        let text = "# TYPE jobcore_test_total counter\njobcore_test_total 3\n"
        try await APIHarness.with(.memory, configuration: .init(metrics: { Array(text.utf8) })) { api in
            let response = try await api.send(.get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.text == text)
        }
        try await APIHarness.with(.memory) { api in
            try await api.send(.get, "/metrics").expectError(.notFound, "notFound")
        }
    }

    @Test func openAPIDocumentIsServed() async throws {
        try await APIHarness.with(.memory) { api in
            let response = try await api.send(.get, "/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(try response.object()["openapi"] as? String == "3.1.0")
            #expect(response.text == OpenAPIDocument.json)
        }
    }

    @Test func unknownRoutesAndOtherMethodsGetTheErrorDocument() async throws {
        try await APIHarness.with(.memory) { api in
            try await api.send(.get, "/v1/nothing-here").expectError(.notFound, "notFound")
            try await api.send(.get, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA/unknown").expectError(.notFound, "notFound")
            let put = try await api.send(.put, "/v1/jobs")
            try put.expectError(.methodNotAllowed, "methodNotAllowed")
            #expect(put.headers[.allow] == "POST, GET, DELETE")
            let get = try await api.send(.get, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA/cancel")
            try get.expectError(.methodNotAllowed, "methodNotAllowed")
            #expect(get.headers[.allow] == "POST")
        }
    }

    @Test func anUnavailableStoreIs503WithoutItsSecrets() async throws {
        try await APIHarness.with(store: UnavailableStore()) { api in
            let id = "01AAAAAAAAAAAAAAAAAAAAAAAA"
            let calls: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/v1/jobs", #"{"command": ["true"]}"#), (.get, "/v1/jobs", nil), (.delete, "/v1/jobs?state=failed", nil),
                (.get, "/v1/jobs/\(id)", nil), (.delete, "/v1/jobs/\(id)", nil), (.post, "/v1/jobs/\(id)/cancel", nil),
                (.post, "/v1/jobs/\(id)/kill", nil), (.post, "/v1/jobs/\(id)/retry", nil), (.get, "/v1/jobs/\(id)/runs", nil),
                (.get, "/v1/jobs/\(id)/events", nil), (.get, "/v1/jobs/\(id)/logs", nil), (.get, "/v1/health", nil),
            ]
            for (method, uri, body) in calls {
                let response = try await api.send(method, uri, body: body)
                try response.expectError(.serviceUnavailable, "unavailable")
                #expect(!response.text.contains(UnavailableStore.secret), "\(method) \(uri)")
                #expect(!response.text.contains("postgres://"), "\(method) \(uri)")
            }
            let patch = try await api.send(.patch, "/v1/jobs/\(id)", body: #"{"runAt": "2026-01-31T12:00:00Z"}"#, headers: [.ifMatch: "*"])
            try patch.expectError(.serviceUnavailable, "unavailable")
        }
    }
}
