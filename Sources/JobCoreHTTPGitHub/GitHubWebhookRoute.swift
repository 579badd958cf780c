import Foundation
public import HTTPTypes
public import Hummingbird
public import JobCore
public import JobCoreGitHub
public import JobCoreHTTP
import Logging
import NIOCore

/// `POST /webhooks/github` in a Hummingbird router, next to `JobCoreAPI`'s routes:
/// verifies each delivery with a `GitHubWebhookReceiver` (its signature, then its delivery id
/// against the receiver's `DeliveryDeduplicator`), asks your mapping which jobs it means, and
/// enqueues them on the store in one call.
///
/// ```swift
/// import Foundation
/// import Hummingbird
/// import JobCore
/// import JobCoreGitHub
/// import JobCoreHTTP
/// import JobCoreHTTPGitHub
/// import JobCoreSQLite
///
/// let store = try SQLiteJobStore(path: "jobs.sqlite")
/// let secret = Secret(ProcessInfo.processInfo.environment["WEBHOOK_SECRET"] ?? "")
/// let router = JobCoreAPI(store: store, configuration: .init(accessTokens: store)).makeRouter()
/// GitHubWebhookRoute(receiver: GitHubWebhookReceiver(secret: secret), store: store) { delivery in
///     guard delivery.event == "push" else { return [] }  // a ping, another event: no job
///     let job = CommandJob(command: ["make", "test"], repository: try RepositorySource.parse("acme/widgets"))
///     return [NewJob(kind: CommandJob.kind.name, payload: try JSONEncoder().encode(job),
///                    options: JobOptions(idempotencyKey: "github-\(delivery.id)"))]
/// }.addRoutes(to: router)
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
///
/// Answers, all errors in the API's error document (`{"error": {"code", "message"}}`):
/// - 202 `{"delivery": ID, "duplicate": false, "jobs": [job id…]}`: the mapping's jobs are enqueued
///   (an idempotency key used before names the existing job);
/// - 200 with `"jobs": []`: the mapping wanted no job (a `ping`, an event you ignore);
/// - 200 with `"duplicate": true`: the delivery id was seen before; nothing is done;
/// - 401 `unauthorized`: no `X-Hub-Signature-256`, a malformed one, or one that does not match;
/// - 400 `invalidInput`: no `X-GitHub-Delivery` or `X-GitHub-Event`, or a mapping that threw a
///   `DecodingError` (a payload it does not understand);
/// - 413 `tooLarge`: a body over ``Configuration/maxBodySize``;
/// - the API's answer to a store error (503 `unavailable`, …) or to an `APIError` the mapping threw;
///   500 `internal` for any other error of the mapping.
///
/// A delivery is remembered as handled only when its jobs were enqueued (or it wanted none): after
/// any error its id is forgotten, so that GitHub's redelivery can succeed.
public struct GitHubWebhookRoute: Sendable {
    /// Where the route is and how much it reads.
    public struct Configuration: Sendable {
        /// The route's path. Defaults to `/webhooks/github`.
        public var path: String
        /// The largest body accepted; a larger one is answered with 413 before its signature is
        /// checked. Defaults to 25 MiB, GitHub's own cap on a delivery's payload.
        public var maxBodySize: Int

        /// Creates a configuration; every parameter has the default its property documents.
        public init(path: String = "/webhooks/github", maxBodySize: Int = 25 << 20) {
            self.path = path
            self.maxBodySize = maxBodySize
        }
    }

    /// The jobs a verified, first-seen delivery means; `[]` for none. It runs after the signature
    /// was verified, so `delivery.body` is GitHub's.
    public typealias Mapping = @Sendable (GitHubWebhookDelivery) async throws -> [NewJob]

    /// Verifies signatures and remembers delivery ids.
    public let receiver: GitHubWebhookReceiver
    /// Where the jobs are enqueued.
    public let store: any JobStore
    /// Where the route is and how much it reads.
    public let configuration: Configuration
    private let jobs: Mapping

    /// Creates the route.
    /// - Parameters:
    ///   - receiver: the webhook's secret(s) and the memory of delivery ids.
    ///   - store: where the jobs are enqueued; the caller runs it.
    ///   - configuration: path and body bound. Defaults to the defaults of ``Configuration``.
    ///   - jobs: the mapping from a delivery to the jobs it means.
    public init(
        receiver: GitHubWebhookReceiver, store: any JobStore, configuration: Configuration = Configuration(), jobs: @escaping Mapping
    ) {
        self.receiver = receiver
        self.store = store
        self.configuration = configuration
        self.jobs = jobs
    }

    /// Adds `POST` ``Configuration/path`` to a router or a router group, behind
    /// `APIErrorMiddleware`. It is not one of the API's `/v1` routes: no access token (the
    /// signature authenticates), no rate limit, not in the OpenAPI document.
    public func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.group().add(middleware: APIErrorMiddleware<Context>())
            .post(RouterPath(configuration.path)) { request, context in try await handle(request, logger: context.logger) }
    }

    /// The answer to one delivery.
    func handle(_ request: Request, logger: Logger) async throws -> Response {
        let body = try await Self.body(of: request, limit: configuration.maxBodySize)
        let fields = request.headers
        let outcome: GitHubWebhookReceiver.Outcome
        do {
            outcome = try receiver.receive(body: body, headers: { name in HTTPField.Name(name).flatMap { fields[$0] } })
        } catch {
            logger.notice("webhook delivery refused", metadata: ["reason": "\(error.code)"])
            throw error.code == .missingHeader
                ? APIError(.badRequest, code: "invalidInput", error.message)
                : APIError(.unauthorized, code: "unauthorized", error.message)
        }
        let delivery: GitHubWebhookDelivery
        switch outcome {
        case .accepted(let accepted): delivery = accepted
        case .duplicate(let seen): return try Self.answer(.ok, Answer(delivery: seen.id, duplicate: true, jobs: []))
        }
        var logger = logger
        logger[metadataKey: "github.delivery"] = "\(delivery.id)"
        logger[metadataKey: "github.event"] = "\(delivery.event)"
        do {
            let newJobs: [NewJob]
            do {
                newJobs = try await jobs(delivery)
            } catch is DecodingError {
                throw APIError(.badRequest, code: "invalidInput", "the \(delivery.event) delivery's payload is not what this server expects")
            }
            let results = newJobs.isEmpty ? [] : try await store.enqueue(newJobs)
            let ids = results.map(\.job.id.rawValue)
            logger.info("webhook delivery accepted", metadata: ["jobs": "\(ids.joined(separator: ","))"])
            return try Self.answer(ids.isEmpty ? .ok : .accepted, Answer(delivery: delivery.id, duplicate: false, jobs: ids))
        } catch {
            // Not handled: GitHub's redelivery of this id must be able to succeed.
            receiver.deliveries.remove(delivery.id)
            logger.notice("webhook delivery not handled", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            throw error
        }
    }

    /// The answer of an accepted or duplicate delivery.
    struct Answer: Encodable {
        var delivery: String
        var duplicate: Bool
        var jobs: [String]
    }

    static func answer(_ status: HTTPResponse.Status, _ answer: Answer) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(answer) + Data("\n".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// The body, at most `limit` bytes (413 beyond).
    static func body(of request: Request, limit: Int) async throws -> [UInt8] {
        let tooLarge = APIError(.contentTooLarge, code: "tooLarge", "the delivery is larger than \(limit) bytes")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        do {
            return Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        }
    }
}
