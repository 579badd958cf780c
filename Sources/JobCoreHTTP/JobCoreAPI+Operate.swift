import Foundation
import HTTPTypes
import Hummingbird
import JobCore
import JobCoreJSON
import Logging

extension JobCoreAPI {
    /// The most characters of a cancel reason kept.
    static let maximumReasonLength = 500

    /// `POST /v1/jobs/{id}/cancel[?reason=…]`: as `jobctl cancel`: a queued job is cancelled at
    /// once, a running one when its worker has stopped it; a finished job is 409.
    @Sendable func cancelJob(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["reason"])
        let id = try context.jobID()
        let reason = try query.string("reason") ?? "cancelled over HTTP"
        guard reason.count <= Self.maximumReasonLength else {
            throw APIError.invalid("'reason' is longer than \(Self.maximumReasonLength) characters")
        }
        let updated = try await store.cancel(id, reason: reason)
        context.logger.info("job cancel over HTTP", metadata: ["job.id": "\(id)", "job.state": "\(updated.state)"])
        return try JSONResponse.make(JobView(updated), headers: Self.versionHeaders(updated))
    }

    /// `POST /v1/jobs/{id}/kill[?force=true]`: as `jobctl kill`: only a running job (else 409);
    /// SIGTERM, a grace period, SIGKILL — or SIGKILL at once with `force=true`.
    @Sendable func killJob(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["force"])
        let id = try context.jobID()
        let force = try query.boolean("force") ?? false
        let job = try await store.job(id)
        guard job.state == .running else {
            throw APIError.wrongState("job \(id) is \(job.state), not running; cancel a job that has not started")
        }
        let mode: JobStopMode = force ? .immediate : .graceful
        let updated = try await store.cancel(id, reason: CommandJobRunner.killReason(mode), mode: mode)
        context.logger.info("job kill over HTTP", metadata: ["job.id": "\(id)", "force": "\(force)"])
        return try JSONResponse.make(JobView(updated), headers: Self.versionHeaders(updated))
    }

    /// `POST /v1/jobs/{id}/retry`: as `jobctl retry`: a finished job is queued again with a fresh
    /// round of attempts; any other is 409.
    @Sendable func retryJob(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let id = try context.jobID()
        let updated = try await store.retry(id)
        context.logger.info("job retried over HTTP", metadata: ["job.id": "\(id)"])
        return try JSONResponse.make(JobView(updated), headers: Self.versionHeaders(updated))
    }
}
