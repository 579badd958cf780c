import Foundation
import HTTPTypes
import Hummingbird
import JobCore
import JobCoreJSON
import Logging

extension JobCoreAPI {
    /// A page of `GET /v1/jobs`: the jobs as `jobctl list --json` prints them, and the cursor of
    /// the next page.
    struct JobPageView: Encodable {
        var jobs: [JobView]
        var nextCursor: String?
    }

    /// `POST /v1/jobs`: enqueues a command job. 201 with the job; 200 with the existing job when
    /// its idempotency key was used before.
    @Sendable func createJob(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let body = try await request.bodyData(limit: configuration.maxBodySize)
        let job = try CreateJobRequest(body: body).makeJob(configuration: configuration)
        let result: EnqueueResult
        do {
            result = try await DurableJobQueue(store: store).enqueue([job])[0]
        } catch let error as JobStoreError where error.code == .notFound {
            // A dependency that does not exist: the body is wrong, not the route.
            throw APIError.invalid(error.message)
        }
        context.logger.info("job enqueued over HTTP", metadata: [
            "job.id": "\(result.job.id)", "job.key": "\(result.job.key ?? "")", "created": "\(result.created)",
        ])
        var headers = Self.versionHeaders(result.job)
        // The request's own path, so that the address holds wherever the API is mounted.
        var collection = request.uri.path
        while collection.hasSuffix("/") { collection.removeLast() }
        headers[.location] = "\(collection)/\(result.job.id)"
        return try JSONResponse.make(JobView(result.job), status: result.created ? .created : .ok, headers: headers)
    }

    /// `GET /v1/jobs`: the filters of `jobctl list`, newest first (or `order=oldestFirst`), with a
    /// cursor to the next page.
    @Sendable func listJobs(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["state", "key", "kind", "queue", "parent", "limit", "cursor", "order"])
        let states = try query.states("state")
        let filter = JobFilter(
            states: states.isEmpty ? nil : states, key: try query.string("key"), kind: try query.string("kind"),
            queue: try query.string("queue"), parent: try query.jobID("parent")
        )
        let order: JobPage.Order
        switch try query.string("order") {
        case nil, "newestFirst": order = .newestFirst
        case "oldestFirst": order = .oldestFirst
        default: throw APIError.invalid("'order' must be newestFirst or oldestFirst")
        }
        let limit = try query.integer("limit", in: 1...configuration.maxPageSize) ?? configuration.defaultPageSize
        let listing = try await store.list(filter, page: JobPage(limit: limit, after: try query.jobID("cursor"), order: order))
        return try JSONResponse.make(JobPageView(jobs: listing.jobs.map { JobView($0) }, nextCursor: listing.nextCursor?.rawValue))
    }

    /// `GET /v1/jobs/{id}`: the job as `jobctl show --json` prints it; `ETag` is its version.
    @Sendable func getJob(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let id = try context.jobID()
        // One read of the record: the ETag is the version of the document sent.
        let detail = try await store.detail(id)
        return try JSONResponse.make(JobJSON.view(of: detail), headers: Self.versionHeaders(detail.record))
    }

    /// `PATCH /v1/jobs/{id}`: changes what the store lets a queued job change (its `runAt`),
    /// only when `If-Match` names the job's current version (else 412; without it 428).
    @Sendable func updateJob(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let id = try context.jobID()
        guard let ifMatch = request.headers[.ifMatch] else {
            throw APIError(
                .preconditionRequired, code: "preconditionRequired",
                "give If-Match with the job's ETag (from GET /v1/jobs/\(id)) so that a change never overwrites another"
            )
        }
        let body = try await request.bodyData(limit: configuration.maxBodySize)
        guard let document = JSONValue(data: body), case .object(let fields) = document else {
            throw APIError.invalid("the body must be a JSON object such as {\"runAt\": \"2026-01-31T12:00:00Z\"}")
        }
        if let other = fields.keys.sorted().first(where: { $0 != "runAt" }) {
            throw APIError.invalid("\(QueryParameters.quoted(other)) cannot be changed: a queued job's runAt is the one field the store changes")
        }
        guard case .string(let text)? = fields["runAt"], let runAt = ISO8601.date(text) else {
            throw APIError.invalid("'runAt' must be an ISO-8601 time such as 2026-01-31T12:00:00Z")
        }
        let current = try await store.job(id)
        let expected = try Self.matchedVersion(ifMatch, current: current)
        let updated = try await store.reschedule(id, runAt: runAt, expectedVersion: expected)
        return try JSONResponse.make(JobView(updated), headers: Self.versionHeaders(updated))
    }

    /// `DELETE /v1/jobs/{id}`: purges the job with its runs, events and logs; a running job is
    /// cancelled first (its worker stops it at its next heartbeat).
    @Sendable func purgeJob(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let id = try context.jobID()
        if try await store.job(id).state == .running {
            do {
                try await store.cancel(id, reason: "purged over HTTP")
            } catch let error as JobStoreError where error.code == .invalidState {
                // It ended meanwhile: nothing left to stop.
            }
        }
        let purged = try await store.purge([id])
        context.logger.info("job purged over HTTP", metadata: ["job.id": "\(id)"])
        return try JSONResponse.make(["purged": purged])
    }

    /// `DELETE /v1/jobs?state=…`: purges every job in the given states (at least one; there is
    /// no "all").
    @Sendable func purgeJobs(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["state"])
        let states = try query.states("state")
        guard !states.isEmpty else {
            throw APIError.invalid("give the states to purge, e.g. ?state=succeeded&state=cancelled (there is no 'all')")
        }
        let purged = try await store.purge(states: states)
        context.logger.info("jobs purged over HTTP", metadata: ["states": "\(states.map(\.rawValue).sorted())", "purged": "\(purged)"])
        return try JSONResponse.make(["purged": purged])
    }

    /// `ETag` of a record: its version, as a strong entity tag.
    static func versionHeaders(_ record: JobRecord) -> HTTPFields {
        [.eTag: "\"\(record.version)\""]
    }

    /// The version an `If-Match` header asks for: `*` is the current one; a list of tags that
    /// does not name the current version is 412.
    static func matchedVersion(_ header: String, current: JobRecord) throws -> Int64 {
        let tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if tags.contains("*") { return current.version }
        // A weak tag never matches (If-Match compares strongly).
        let versions = try tags.filter { !$0.hasPrefix("W/") }.map { tag -> Int64 in
            guard tag.count >= 3, tag.hasPrefix("\""), tag.hasSuffix("\""), let version = Int64(tag.dropFirst().dropLast()) else {
                throw APIError.invalid("If-Match must hold the job's ETag, such as \"3\"")
            }
            return version
        }
        guard versions.contains(current.version) else {
            throw APIError(
                .preconditionFailed, code: "staleVersion",
                "job \(current.id) is at version \(current.version); read it again (its ETag) before changing it"
            )
        }
        return current.version
    }
}
