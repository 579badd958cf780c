import Foundation
import GitHubBot
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Logging
import NIOCore
import Testing

/// The bot end to end: signed deliveries over HTTP to the live server, a worker in the same
/// process, and a real Git server on 127.0.0.1 that the job clones from and pushes to.
@Suite struct GitHubBotTests {
    static let secret = "webhook-secret-for-tests"
    static let gitToken = "ghs_bot_token_for_the_local_git_server"

    static func payload(action: String = "labeled", label: String = "agent", issue: Int = 7, title: String = "Make it faster") -> String {
        """
        {"action":"\(action)","label":{"name":"\(label)"},"issue":{"number":\(issue),"title":"\(title)",\
        "html_url":"https://github.com/acme/widgets/issues/\(issue)"},"repository":{"full_name":"acme/widgets"},\
        "installation":{"id":42},"sender":{"login":"octocat"}}
        """
    }

    @Test func aValidDeliveryRunsItsJobAndPushesTheBranch() async throws {
        try await withBot { bot, client in
            let response = try await bot.deliver(Self.payload(), client: client)
            #expect(response.status == .accepted)
            let job = JobID(try #require(response.json["job"]))
            #expect(await bot.finished(job) == .succeeded)

            let record = try await bot.store.job(job)
            #expect(record.key == "installation-42")
            #expect(try bot.git("show", "agent/issue-7:issue-7.md") == "Make it faster")
            #expect(try bot.git("log", "-1", "--format=%s", "agent/issue-7") == "Work on #7: Make it faster")
        }
    }

    @Test func unsignedAndWronglySignedDeliveriesAreRefusedAndQueueNothing() async throws {
        try await withBot { bot, client in
            let unsigned = try await bot.deliver(Self.payload(), signature: .unsigned, client: client)
            #expect(unsigned.status == .unauthorized)
            let wrong = WebhookSignature(secret: Secret("not-the-secret")).signature(for: Array(Self.payload().utf8))
            let forged = try await bot.deliver(Self.payload(), signature: .header(wrong), client: client)
            #expect(forged.status == .forbidden)
            // A correct signature of another body does not sign this one.
            let other = WebhookSignature(secret: Secret(Self.secret)).signature(for: Array(Self.payload(issue: 8).utf8))
            let replayed = try await bot.deliver(Self.payload(), signature: .header(other), client: client)
            #expect(replayed.status == .forbidden)
            #expect(try await bot.store.count(JobFilter()) == 0)
            #expect(try bot.git("for-each-ref", "--format=%(refname)", "refs/heads/agent").isEmpty)
        }
    }

    @Test func aRepeatedDeliveryIDIsProcessedOnce() async throws {
        try await withBot { bot, client in
            let first = try await bot.deliver(Self.payload(), delivery: "delivery-1", client: client)
            #expect(first.status == .accepted)
            let again = try await bot.deliver(Self.payload(), delivery: "delivery-1", client: client)
            #expect(again.status == .ok)
            #expect(again.json["status"] == "duplicate")
            let job = JobID(try #require(first.json["job"]))
            #expect(await bot.finished(job) == .succeeded)
            #expect(try await bot.store.count(JobFilter()) == 1)
            #expect(try await bot.store.runs(of: job).count == 1)
        }
    }

    @Test func otherEventsActionsAndLabelsAreIgnored() async throws {
        try await withBot { bot, client in
            let ping = try await bot.deliver(#"{"zen":"Keep it logically awesome."}"#, event: "ping", client: client)
            let unlabeled = try await bot.deliver(Self.payload(action: "unlabeled"), client: client)
            let otherLabel = try await bot.deliver(Self.payload(label: "bug"), client: client)
            for response in [ping, unlabeled, otherLabel] {
                #expect(response.status == .ok)
                #expect(response.json["status"] == "ignored")
            }
            let noDeliveryID = try await bot.deliver(Self.payload(), delivery: nil, client: client)
            #expect(noDeliveryID.status == .badRequest)
            #expect(try await bot.store.count(JobFilter()) == 0)
        }
    }
}

/// What a test works with besides the HTTP client.
struct BotFixture: Sendable {
    let store: MemoryJobStore
    let bare: URL
    let events: AsyncStream<WorkerEvent>

    struct Answer {
        var status: HTTPResponse.Status
        var json: [String: String]
    }

    /// The `X-Hub-Signature-256` header of a delivery.
    enum Signature {
        /// Signed with the bot's secret.
        case valid
        /// No header.
        case unsigned
        /// This header.
        case header(String)
    }

    /// Posts a delivery.
    func deliver(
        _ payload: String, event: String = "issues", delivery: String? = UUID().uuidString,
        signature: Signature = .valid, client: some TestClientProtocol
    ) async throws -> Answer {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("X-GitHub-Event")!] = event
        if let delivery { headers[HTTPField.Name("X-GitHub-Delivery")!] = delivery }
        let header: String? = switch signature {
        case .valid: WebhookSignature(secret: Secret(GitHubBotTests.secret)).signature(for: Array(payload.utf8))
        case .unsigned: nil
        case .header(let value): value
        }
        if let header { headers[HTTPField.Name("X-Hub-Signature-256")!] = header }
        return try await client.execute(uri: "/webhook", method: .post, headers: headers, body: ByteBuffer(string: payload)) { response in
            let json = (try? JSONDecoder().decode([String: String].self, from: Data(response.body.readableBytesView))) ?? [:]
            return Answer(status: response.status, json: json)
        }
    }

    /// Waits until the worker reports the end of an attempt of `job`.
    func finished(_ job: JobID) async -> JobRun.Outcome? {
        for await event in events {
            if case .finished(job, let outcome) = event { return outcome }
        }
        return nil
    }

    /// Runs git in the served bare repository.
    func git(_ arguments: String...) throws -> String {
        try GitFixture.git(arguments, in: bare).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A bot with a worker, a memory store, and `acme/widgets.git` on a local Git server that requires
/// the bot's token; `body` talks to the live HTTP server.
func withBot(_ body: @escaping @Sendable (BotFixture, any TestClientProtocol) async throws -> Void) async throws {
    try await TemporaryDirectory.with(prefix: "github-bot-test") { directory in
        let root = directory.appendingPathComponent("repositories")
        let bare = try GitFixture.makeBareRepository(at: root.appendingPathComponent("acme/widgets.git"), spec: .init(commits: 2))
        let workspaceRoot = directory.appendingPathComponent("workspaces")
        try FileManager.default.createDirectory(at: workspaceRoot, withIntermediateDirectories: true)
        try await LocalGitServer.withServer(root: root, token: Secret(GitHubBotTests.gitToken)) { server in
            var logger = Logger(label: "github-bot-test")
            logger.logLevel = .warning
            let store = MemoryJobStore()
            let (events, continuation) = AsyncStream<WorkerEvent>.makeStream()
            let worker = GitHubBot.makeWorker(
                store: store, tokens: StaticTokenProvider(Secret(GitHubBotTests.gitToken)),
                workspaces: LocalWorkspaceManager(configuration: .init(root: workspaceRoot.path)),
                logger: logger, observer: { continuation.yield($0) }
            )
            let bot = GitHubBot(
                configuration: BotConfiguration(
                    command: ["/bin/sh", "-c", #"printf '%s' "$ISSUE_TITLE" > "issue-$ISSUE_NUMBER.md""#],
                    gitBaseURL: server.baseURL
                ),
                receiver: GitHubWebhookReceiver(secret: Secret(GitHubBotTests.secret)),
                store: store, logger: logger
            )
            let application = bot.application(worker: worker, server: .init(address: .hostname("127.0.0.1", port: 0)))
            let fixture = BotFixture(store: store, bare: bare, events: events)
            try await application.test(.live) { client in try await body(fixture, client) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspaceRoot.path).isEmpty)
    }
}
