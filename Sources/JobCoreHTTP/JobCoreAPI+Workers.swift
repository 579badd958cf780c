import Foundation
import HTTPTypes
import Hummingbird
import JobCore

extension JobCoreAPI {
    /// `GET /v1/workers`: the worker registry, as `jobctl workers --json` prints it.
    @Sendable func listWorkers(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try JSONResponse.make(try await store.workers())
    }

    /// `POST /v1/workers/{id}/drain`: asks a worker to stop claiming, finish its running jobs
    /// and exit (it learns at its next heartbeat); answers its record, as `jobctl workers drain
    /// --json`. 404 for an unknown worker, 409 for a gone one.
    @Sendable func drainWorker(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let id = context.parameters.get("id") ?? ""
        guard !id.isEmpty, id.utf8.count <= 256 else { throw APIError.invalid("not a worker id") }
        return try JSONResponse.make(try await store.drainWorker(id))
    }

    /// `POST /v1/workspaces/sweep[?olderThanSeconds=N]`: removes workspaces left by processes
    /// that are gone and older than N seconds (default 3600), as `jobctl workspace sweep --json`
    /// (`{"removed": [paths]}`). 404 when the server manages no workspaces.
    @Sendable func sweepWorkspaces(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["olderThanSeconds"])
        let age = try query.integer("olderThanSeconds", in: 0...(365 * 86400)) ?? 3600
        guard let workspaces = configuration.workspaces else {
            throw APIError(.notFound, code: "notFound", "this server manages no workspaces")
        }
        return try JSONResponse.make(["removed": await workspaces.sweepStale(olderThan: .seconds(age))])
    }
}
