import Foundation
import HTTPTypes
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import Testing

/// Cross-origin access: off by default (no `Access-Control-*` header at all); with
/// `corsOrigins`, for those exact origins only.
@Suite struct CORSTests {
    static let allowed = "https://ops.example.com"
    static let preflight: HTTPFields = [
        .origin: allowed, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization, content-type",
    ]

    @Test func offByDefault() async throws {
        try await APIHarness.with(.memory, authenticated: true) { api in
            let preflight = try await api.send(.options, "/v1/jobs", headers: Self.preflight)
            try preflight.expectError(.notFound, "notFound")
            #expect(Self.corsHeaders(preflight) == [], "\(preflight.headers)")
            let get = try await api.send(.get, "/openapi.json", headers: [.origin: Self.allowed])
            #expect(get.status == .ok)
            #expect(Self.corsHeaders(get) == [], "\(get.headers)")
            let refused = try await api.send(.get, "/v1/jobs", headers: [.origin: Self.allowed])
            try refused.expectError(.unauthorized, "unauthorized")
            #expect(Self.corsHeaders(refused) == [])
        }
    }

    @Test func onForTheConfiguredOriginsOnly() async throws {
        var configuration = JobCoreAPI.Configuration()
        configuration.corsOrigins = [Self.allowed, "http://localhost:3000"]
        try await APIHarness.with(.sqlite, configuration: configuration, authenticated: true) { api in
            let tokens = try #require(api.store as? any AccessTokenStore)
            let token = try await AccessTokens.create(name: "page", scope: .operate, in: tokens).token

            // The preflight of an allowed origin: 204 with what the API accepts, no token needed.
            for path in ["/v1/jobs", "/v1/jobs/01JCZ8Y3T6K4P2M9Q7R5S1V0WX", "/v1/jobs/01JCZ8Y3T6K4P2M9Q7R5S1V0WX/logs"] {
                let preflight = try await api.send(.options, path, headers: Self.preflight)
                #expect(preflight.status == .noContent, "\(path): \(preflight.text)")
                #expect(preflight.headers[.accessControlAllowOrigin] == Self.allowed)
                let methods = Set((preflight.headers[.accessControlAllowMethods] ?? "").components(separatedBy: ", "))
                #expect(methods == ["GET", "POST", "PATCH", "DELETE"])
                let headers = Set((preflight.headers[.accessControlAllowHeaders] ?? "").lowercased().components(separatedBy: ", "))
                #expect(headers == ["authorization", "content-type", "if-match", "range", "last-event-id"])
                #expect(preflight.headers[.accessControlMaxAge] != nil)
                #expect(preflight.headers[.accessControlAllowCredentials] == nil)
                #expect(preflight.headers[.vary]?.contains("Origin") == true)
            }

            // A request of an allowed origin: its origin allowed, the API's headers exposed; errors too.
            let created = try await api.send(
                .post, "/v1/jobs", body: #"{"command": ["true"]}"#,
                headers: [.origin: Self.allowed, .authorization: "Bearer \(token)"]
            )
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.accessControlAllowOrigin] == Self.allowed)
            let exposed = Set((created.headers[.accessControlExposeHeaders] ?? "").components(separatedBy: ", "))
            #expect(exposed.isSuperset(of: ["ETag", "Location", "Content-Range", "Job-Log-Size", "Job-Log-Next-Offset", "Job-Log-Truncated", "Retry-After"]))
            #expect(created.headers[values: .vary].contains("Origin"))
            let refused = try await api.send(.get, "/v1/jobs", headers: [.origin: "http://localhost:3000"])
            try refused.expectError(.unauthorized, "unauthorized")
            #expect(refused.headers[.accessControlAllowOrigin] == "http://localhost:3000", "a page can read why it was refused")

            // Another origin (or a near miss): no Access-Control-* header; its preflight is refused.
            for origin in ["https://evil.example.com", "https://ops.example.com:443", "http://ops.example.com", "https://ops.example.com/", "null"] {
                let preflight = try await api.send(.options, "/v1/jobs", headers: [.origin: origin, .accessControlRequestMethod: "POST"])
                try preflight.expectError(.methodNotAllowed, "methodNotAllowed")
                #expect(Self.corsHeaders(preflight) == [], "\(origin)")
                let get = try await api.send(.get, "/v1/jobs", headers: [.origin: origin, .authorization: "Bearer \(token)"])
                #expect(get.status == .ok)
                #expect(Self.corsHeaders(get) == [], "\(origin): \(get.headers)")
            }
            // Without Origin (curl, a server): as without CORS; OPTIONS without a preflight is a 405.
            let plain = try await api.send(.get, "/v1/jobs", headers: [.authorization: "Bearer \(token)"])
            #expect(plain.status == .ok)
            #expect(Self.corsHeaders(plain) == [])
            try await api.send(.options, "/v1/jobs").expectError(.methodNotAllowed, "methodNotAllowed")
            #expect(try await api.store.count(JobFilter()) == 1)
        }
    }

    /// The names of the response's `Access-Control-*` headers.
    static func corsHeaders(_ response: TestResponse) -> [String] {
        response.headers.map(\.name.canonicalName).filter { $0.lowercased().hasPrefix("access-control-") }
    }
}
