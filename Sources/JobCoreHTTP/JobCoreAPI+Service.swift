import Foundation
import HTTPTypes
import Hummingbird
import JobCore

extension JobCoreAPI {
    /// `GET /v1/health[?longRunningSeconds=][&queueDepth=]`: as `jobctl health --json`: counts by
    /// state and queue, running versus capacity, oldest running and due ages, alerts.
    @Sendable func health(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["longRunningSeconds", "queueDepth"])
        var thresholds = configuration.healthThresholds
        if let seconds = try query.integer("longRunningSeconds", in: 1...Int(JobOptions.maximumTimeout.timeInterval)) {
            thresholds.longRunning = .seconds(seconds)
        }
        if let depth = try query.integer("queueDepth", in: 0...Int(Int32.max)) { thresholds.queueDepth = depth }
        return try JSONResponse.make(try await store.health(thresholds))
    }

    /// `GET /openapi.json`: the API's OpenAPI 3.1 document.
    @Sendable func openAPIDocument(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let document = OpenAPIDocument.data
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: document))
        )
    }

    /// `GET /metrics`: the process's metrics in the Prometheus text format, when configured.
    @Sendable func metrics(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        guard let render = configuration.metrics else {
            throw APIError(.notFound, code: "notFound", "metrics are not enabled on this server")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: render()))
        )
    }
}
