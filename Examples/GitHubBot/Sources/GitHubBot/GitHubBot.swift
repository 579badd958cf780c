import Foundation
import HTTPTypes
public import Hummingbird
public import JobCore
public import JobCoreGitHub
public import Logging
import NIOCore
public import ServiceLifecycle

/// A GitHub webhook server that turns labelled issues into durable jobs.
///
/// For each delivery: the signature is verified (401 without one, 403 when wrong), a delivery
/// seen before is answered 200 and dropped, and an `issues` event with action `labeled` and the
/// configured label enqueues a ``JobCore/CommandJob`` keyed by the GitHub App installation —
/// answered 202 at once. A ``JobCore/Worker`` in the same process (or in another one sharing the
/// store) runs it: a workspace on `agent/issue-N`, the configured command, a commit and a push.
public struct GitHubBot: Sendable {
    /// What the bot reacts to and what its jobs do.
    public let configuration: BotConfiguration
    /// Signature verification and delivery de-duplication.
    public let receiver: GitHubWebhookReceiver
    let queue: DurableJobQueue
    let logger: Logger

    /// Creates a bot.
    /// - Parameters:
    ///   - configuration: label, command, Git host.
    ///   - receiver: checks deliveries with the webhook secret.
    ///   - store: where jobs are enqueued.
    ///   - logger: for refused and accepted deliveries.
    public init(configuration: BotConfiguration, receiver: GitHubWebhookReceiver, store: any JobStore, logger: Logger) {
        self.configuration = configuration
        self.receiver = receiver
        self.queue = DurableJobQueue(store: store)
        self.logger = logger
    }

    /// The answer to a delivery.
    public struct Reply: Sendable, Hashable {
        /// The HTTP status.
        public var status: Int
        /// A small JSON object: `status` and, for a queued job, `job`; `error` for a refusal.
        public var body: String

        init(_ status: Int, _ fields: [String: String]) {
            self.status = status
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            self.body = String(decoding: (try? encoder.encode(fields)) ?? Data("{}".utf8), as: UTF8.self)
        }
    }

    /// Handles one delivery, independent of the HTTP server.
    /// - Parameters:
    ///   - body: the raw request body.
    ///   - headers: looks up a request header by name, ignoring case.
    public func handle(body: some Sequence<UInt8>, headers: (String) -> String?) async -> Reply {
        let outcome: GitHubWebhookReceiver.Outcome
        do {
            outcome = try receiver.receive(body: body, headers: headers)
        } catch {
            logger.notice("webhook delivery refused", metadata: ["reason": "\(error.code)"])
            return Reply(error.httpStatus, ["error": error.message])
        }
        guard case .accepted(let delivery) = outcome else {
            return Reply(200, ["status": "duplicate"])
        }
        var logger = logger
        logger[metadataKey: "github.delivery"] = "\(delivery.id)"
        guard delivery.event == "issues" else { return Reply(200, ["status": "ignored", "reason": "event \(delivery.event)"]) }
        let event: IssuesEvent
        do {
            event = try JSONDecoder().decode(IssuesEvent.self, from: delivery.body)
        } catch {
            return Reply(400, ["error": "not an issues event payload"])
        }
        guard event.action == "labeled", event.label?.name == configuration.label else {
            return Reply(200, ["status": "ignored", "reason": "not labelled \(configuration.label)"])
        }
        let job: CommandJob
        let options: JobOptions
        do {
            (job, options) = try makeJob(for: event, delivery: delivery)
        } catch {
            return Reply(400, ["error": "\(error)"])
        }
        do {
            let result = try await queue.enqueue(CommandJob.kind, job, options: options)
            logger.info("job queued", metadata: ["job.id": "\(result.job.id)", "issue": "\(event.issue.number)", "key": "\(options.key ?? "")"])
            return Reply(202, ["status": "queued", "job": result.job.id.description])
        } catch {
            // Not remembered: GitHub's redelivery of this id must be able to succeed.
            receiver.deliveries.remove(delivery.id)
            logger.error("cannot enqueue the job", metadata: ["error": "\(error)"])
            return Reply(503, ["error": "the job could not be queued; redeliver later"])
        }
    }

    /// The job for a labelled issue: the configured command on `agent/issue-N`, pushed, one job
    /// at a time per installation (or per repository, for a webhook without an app).
    func makeJob(for event: IssuesEvent, delivery: GitHubWebhookDelivery) throws -> (CommandJob, JobOptions) {
        let repository = try RepositorySource.parse(event.repository.fullName, resolution: .init(baseURL: configuration.gitBaseURL))
        let installation = event.installation.map { String($0.id) }
        let job = CommandJob(
            command: configuration.command, repository: repository, branch: "agent/issue-\(event.issue.number)",
            environment: [
                "ISSUE_NUMBER": String(event.issue.number), "ISSUE_TITLE": event.issue.title,
                "ISSUE_URL": event.issue.htmlURL ?? "", "REPOSITORY": event.repository.fullName,
            ],
            push: true, commitMessage: "Work on #\(event.issue.number): \(event.issue.title)", installationID: installation
        )
        try job.validate()
        let options = JobOptions(
            key: installation.map { "installation-\($0)" } ?? "repository-\(event.repository.fullName)",
            maxAttempts: configuration.maxAttempts, timeout: configuration.timeout,
            // A second process receiving the same delivery finds the job instead of adding one.
            idempotencyKey: "github-delivery-\(delivery.id)"
        )
        return (job, options)
    }

    /// A router with `POST <path>` for webhooks and `GET /health`.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        // A server span per request (with the tracer the process bootstrapped, if any): the job's
        // enqueue span, and so its attempts, clone, command and push, become its descendants.
        router.middlewares.add(TracingMiddleware())
        let maxBodyBytes = configuration.maxBodyBytes
        router.post(RouterPath(configuration.path)) { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: maxBodyBytes)
            let fields = request.headers
            let reply = await handle(body: body.readableBytesView, headers: { name in HTTPField.Name(name).flatMap { fields[$0] } })
            return Response(
                status: HTTPResponse.Status(code: reply.status),
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body))
            )
        }
        router.get("/health") { _, _ in "ok" }
        return router
    }

    /// The worker that runs the bot's jobs: JobCore's command job runner, with workspaces and
    /// credentials of this process.
    /// - Parameters:
    ///   - store: the store the bot enqueues into.
    ///   - tokens: credentials for cloning and pushing (a token, or a GitHub App).
    ///   - workspaces: where workspaces are made.
    ///   - configuration: concurrency, leases.
    ///   - logger: for the worker and the commands.
    ///   - observer: told of every worker event (tests wait on it).
    public static func makeWorker(
        store: any JobStore, tokens: (any TokenProvider)?, workspaces: any WorkspaceManager,
        configuration: Worker.Configuration = .init(), logger: Logger, observer: (@Sendable (WorkerEvent) -> Void)? = nil
    ) -> Worker {
        var handlers = JobHandlers()
        CommandJobRunner(workspaces: workspaces, tokens: tokens, logger: logger).register(in: &handlers)
        return Worker(store: store, handlers: handlers, configuration: configuration, logger: logger, observer: observer)
    }

    /// The server and the worker as one application: `try await application.runService()`.
    /// - Parameter services: more services to run with them (an OpenTelemetry exporter).
    public func application(worker: Worker, server: ApplicationConfiguration, services: [any Service] = []) -> some ApplicationProtocol {
        Application(router: router(), configuration: server, services: services + [worker], logger: logger)
    }
}
