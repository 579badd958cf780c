import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreGitHub
import JobCoreHTTP
import JobCoreHTTPGitHub
import Logging
import NIOCore
import Testing

/// `POST /webhooks/github` mounted in the API's router: real HMAC-SHA256 signatures as GitHub
/// sends them, duplicates, refusals, and the mapping's jobs really enqueued.
@Suite struct WebhookRouteTests {
    static let secret = "webhook-secret-for-tests"
    static let signer = WebhookSignature(secret: Secret(secret))

    /// The mapping of the tests: a labelled issue is two jobs, a ping none, anything else a
    /// payload it does not understand.
    struct IssuesEvent: Decodable {
        struct Issue: Decodable { var number: Int }
        var action: String
        var issue: Issue
    }

    static func jobs(for delivery: GitHubWebhookDelivery) throws -> [NewJob] {
        if delivery.event == "ping" { return [] }
        let event = try JSONDecoder().decode(IssuesEvent.self, from: delivery.body)
        return try ["test", "lint"].map { step in
            let job = CommandJob(command: ["make", step], environment: ["ISSUE": "\(event.issue.number)"])
            return NewJob(
                kind: CommandJob.kind.name, payload: try JSONEncoder().encode(job),
                options: JobOptions(key: "issue-\(event.issue.number)", idempotencyKey: "github-\(delivery.id)-\(step)")
            )
        }
    }

    /// The API and the webhook in one router over `store`.
    static func with(
        store: any JobStore = MemoryJobStore(), maxBodySize: Int = 25 << 20,
        _ body: @escaping @Sendable (APIHarness, GitHubWebhookReceiver) async throws -> Void
    ) async throws {
        let receiver = GitHubWebhookReceiver(signature: signer)
        let api = JobCoreAPI(store: store)
        let router = api.makeRouter()
        GitHubWebhookRoute(receiver: receiver, store: store, configuration: .init(maxBodySize: maxBodySize)) { delivery in
            try jobs(for: delivery)
        }.addRoutes(to: router)
        let application = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            logger: Logger(label: "jobcore-webhook-test")
        )
        try await application.test(.live) { client in try await body(APIHarness(store: store, client: client), receiver) }
    }

    static func deliver(
        _ api: APIHarness, _ body: String, id: String = UUID().uuidString, event: String = "issues",
        signature: String? = nil, omitting omitted: Set<String> = []
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .userAgent: "GitHub-Hookshot/test"]
        let fields = [
            "X-GitHub-Delivery": id, "X-GitHub-Event": event,
            "X-Hub-Signature-256": signature ?? signer.signature(for: Array(body.utf8)),
        ]
        for (name, value) in fields where !omitted.contains(name) { headers[HTTPField.Name(name)!] = value }
        return try await api.client.execute(uri: "/webhooks/github", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static let labelled = #"{"action": "labeled", "issue": {"number": 42}, "label": {"name": "agent"}}"#

    @Test func aSignedDeliveryEnqueuesTheMappingsJobsOnce() async throws {
        try await Self.with { api, receiver in
            let id = UUID().uuidString
            let accepted = try await Self.deliver(api, Self.labelled, id: id)
            #expect(accepted.status == .accepted, "\(accepted.text)")
            #expect(accepted.headers[.contentType]?.hasPrefix("application/json") == true)
            let answer = try accepted.object()
            #expect(answer["delivery"] as? String == id)
            #expect(answer["duplicate"] as? Bool == false)
            let ids = try #require(answer["jobs"] as? [String])
            #expect(ids.count == 2)
            // The jobs are in the store, as the mapping made them, and the API lists them.
            for (jobID, step) in zip(ids, ["test", "lint"]) {
                let job = try await api.store.job(JobID(jobID))
                #expect(job.state == .queued)
                #expect(job.key == "issue-42")
                let command = try JSONDecoder().decode(CommandJob.self, from: job.payload)
                #expect(command.command == ["make", step])
                #expect(command.environment["ISSUE"] == "42")
            }
            let listed = try await api.send(.get, "/v1/jobs")
            #expect(try (listed.object()["jobs"] as? [Any])?.count == 2)
            #expect(receiver.deliveries.contains(id))

            // The same delivery again (GitHub's redelivery): 200, nothing more enqueued.
            let duplicate = try await Self.deliver(api, Self.labelled, id: id)
            #expect(duplicate.status == .ok, "\(duplicate.text)")
            #expect(try duplicate.object()["duplicate"] as? Bool == true)
            #expect(try await api.store.count(JobFilter()) == 2)

            // A ping wants no job: 200 with none.
            let ping = try await Self.deliver(api, #"{"zen": "Keep it logically awesome."}"#, event: "ping")
            #expect(ping.status == .ok, "\(ping.text)")
            #expect(try ping.object()["jobs"] as? [String] == [])
            #expect(try await api.store.count(JobFilter()) == 2)
        }
    }

    @Test func unsignedOrWronglySignedDeliveriesAreRefusedAndNotRemembered() async throws {
        try await Self.with { api, receiver in
            let id = UUID().uuidString
            let otherSecret = WebhookSignature(secret: Secret("another-secret")).signature(for: Array(Self.labelled.utf8))
            let tampered = Self.signer.signature(for: Array(Self.labelled.replacingOccurrences(of: "42", with: "43").utf8))
            for signature in [otherSecret, tampered, "sha256=zz", "sha1=0123456789abcdef0123456789abcdef01234567"] {
                let refused = try await Self.deliver(api, Self.labelled, id: id, signature: signature)
                try refused.expectError(.unauthorized, "unauthorized")
                #expect(!refused.text.contains(Self.secret))
                #expect(!refused.text.contains(Self.signer.signature(for: Array(Self.labelled.utf8))), "the expected signature is never told")
            }
            let unsigned = try await Self.deliver(api, Self.labelled, id: id, omitting: ["X-Hub-Signature-256"])
            try unsigned.expectError(.unauthorized, "unauthorized")
            #expect(try await api.store.count(JobFilter()) == 0)
            #expect(!receiver.deliveries.contains(id), "a refused delivery does not take the id")
            // The real delivery with that id is then accepted.
            #expect(try await Self.deliver(api, Self.labelled, id: id).status == .accepted)
            #expect(try await api.store.count(JobFilter()) == 2)
        }
    }

    @Test func malformedAndOversizedDeliveriesAreRefused() async throws {
        try await Self.with(maxBodySize: 1024) { api, receiver in
            for header in ["X-GitHub-Delivery", "X-GitHub-Event"] {
                let response = try await Self.deliver(api, Self.labelled, omitting: [header])
                let message = try response.expectError(.badRequest, "invalidInput")
                #expect(message.contains(header))
            }
            // Signed, but not a payload the mapping understands: 400, and the id is forgotten.
            let id = UUID().uuidString
            let garbage = try await Self.deliver(api, #"{"action": "labeled"}"#, id: id)
            try garbage.expectError(.badRequest, "invalidInput")
            #expect(!receiver.deliveries.contains(id))
            // Over the bound: 413, whether or not it says its length.
            let large = String(repeating: " ", count: 2048) + Self.labelled
            try await Self.deliver(api, large).expectError(.contentTooLarge, "tooLarge")
            #expect(try await api.store.count(JobFilter()) == 0)
        }
    }

    @Test func aStoreThatCannotEnqueueIsA503AndTheDeliveryCanComeAgain() async throws {
        try await Self.with(store: UnavailableStore()) { api, receiver in
            let id = UUID().uuidString
            let response = try await Self.deliver(api, Self.labelled, id: id)
            try response.expectError(.serviceUnavailable, "unavailable")
            #expect(!response.text.contains(UnavailableStore.secret))
            #expect(!receiver.deliveries.contains(id), "GitHub's redelivery must be able to succeed")
        }
    }

    @Test func theWebhookIsNotPartOfTheAPIContract() {
        let endpoints = JobCoreAPI(store: MemoryJobStore()).endpoints.map(\.path)
        #expect(!endpoints.contains { $0.contains("webhook") })
        #expect(!OpenAPIDocument.json.contains("/webhooks/github"))
    }
}
