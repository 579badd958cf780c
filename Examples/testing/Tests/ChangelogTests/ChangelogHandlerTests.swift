import Changelog
import Foundation
import JobCore
import JobCoreTesting
import Testing

/// The handler, run by a real `Worker` on the memory store, against a real Git server on
/// 127.0.0.1 — no network, no GitHub, no sleeping.
@Suite struct ChangelogHandlerTests {
    static let goodToken = "ghs_good_token_for_installation_42"

    @Test func pushesTheEntryOnTheBranchAfterReplacingARefusedToken() async throws {
        try await withServer { server, bare, workspaces in
            // The first token is refused by the server; the workspace invalidates it and retries
            // once with the next one.
            let tokens = FakeTokenProvider(tokens: ["ghs_stale_token_000000000000", Self.goodToken])
            let clock = ManualClock()   // 2026-01-01T00:00:00Z, and stays there
            let logs = LogCapture()
            let store = MemoryJobStore(clock: clock)
            let handler = ChangelogHandler(workspaces: workspaces, tokens: tokens, gitBaseURL: server.baseURL, clock: clock)
            var handlers = JobHandlers()
            handler.register(in: &handlers)

            let entry = ChangelogEntry(repository: "acme/widgets", branch: "changelog/next", text: "Faster clones", installationID: "42")
            let job = try await DurableJobQueue(store: store).enqueue(ChangelogEntry.kind, entry, options: entry.options).job
            // Drain mode: the worker runs what is due and returns when nothing is left.
            let worker = Worker(store: store, handlers: handlers, configuration: .init(drain: .whenNothingQueued), clock: clock, logger: logs.logger())
            try await worker.run()

            let done = try await store.job(job.id)
            #expect(done.state == .succeeded)
            #expect(done.key == "installation-42")
            let result = try JSONDecoder().decode(ChangelogResult.self, from: try #require(done.result))
            #expect(try git("rev-parse", "refs/heads/changelog/next", in: bare) == result.commit)
            #expect(try git("show", "changelog/next:CHANGELOG.md", in: bare) == "# Changelog\n- 2026-01-01: Faster clones")
            #expect(try await store.runs(of: job.id).first?.insights == ["entries": 1])
            #expect(tokens.invalidationCount == 1)
            #expect(tokens.calls.contains(.token(tenant: "42")))
            // No token ever reaches a log line.
            #expect(!logs.text.contains(Self.goodToken))
        }
    }

    @Test func anUnknownRepositoryFailsAtOnceWithoutRetrying() async throws {
        try await withServer { server, _, workspaces in
            // One clock for the store and the worker: leases, timeouts and back-off compare their times.
            let clock = ManualClock()
            let store = MemoryJobStore(clock: clock)
            var handlers = JobHandlers()
            ChangelogHandler(workspaces: workspaces, tokens: FakeTokenProvider(tokens: [Self.goodToken]), gitBaseURL: server.baseURL)
                .register(in: &handlers)
            let entry = ChangelogEntry(repository: "acme/missing", branch: "changelog/next", text: "x", installationID: "42")
            let job = try await DurableJobQueue(store: store).enqueue(ChangelogEntry.kind, entry, options: entry.options).job
            try await Worker(store: store, handlers: handlers, configuration: .init(drain: .whenNothingQueued), clock: clock, logger: LogCapture().logger()).run()

            let done = try await store.job(job.id)
            #expect(done.state == .failed)
            #expect(done.attempt == 1, "a permanent failure is not retried")
            let runs = try await store.runs(of: job.id)
            #expect(runs.map(\.outcome) == [.failed])
        }
    }

    @Test func aTokenOutageIsRetriedAfterBackOffOnTheManualClock() async throws {
        try await withServer { server, bare, workspaces in
            let tokens = FakeTokenProvider(tokens: [Self.goodToken])
            tokens.fail(with: TokenError(.network, "GitHub cannot be reached"))
            let clock = ManualClock()
            let store = MemoryJobStore(clock: clock)
            var handlers = JobHandlers()
            ChangelogHandler(workspaces: workspaces, tokens: tokens, gitBaseURL: server.baseURL, clock: clock).register(in: &handlers)
            let (events, observer) = AsyncStream<WorkerEvent>.makeStream()
            let worker = Worker(
                store: store, handlers: handlers,
                configuration: .init(retry: RetryPolicy(base: .seconds(30), jitter: 0)),
                clock: clock, logger: LogCapture().logger(), observer: { observer.yield($0) }
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                let entry = ChangelogEntry(repository: "acme/widgets", branch: "changelog/retry", text: "Retried", installationID: "42")
                let job = try await DurableJobQueue(store: store).enqueue(ChangelogEntry.kind, entry, options: entry.options).job
                var finished = events.compactMap { event -> JobRun.Outcome? in
                    if case .finished(job.id, let outcome) = event { outcome } else { nil }
                }.makeAsyncIterator()

                #expect(await finished.next() == .failed)
                let waiting = try await store.job(job.id)
                #expect(waiting.state == .queued)
                #expect(waiting.runAt == clock.now.addingTimeInterval(30))
                // GitHub is back; the job runs again only when the back-off has passed.
                tokens.fail(with: nil)
                clock.advance(by: .seconds(30))
                #expect(await finished.next() == .succeeded)
                #expect(try await store.job(job.id).attempt == 2)
                #expect(try git("show", "changelog/retry:CHANGELOG.md", in: bare).contains("Retried"))
                worker.requestShutdown(grace: .zero)
                try await group.waitForAll()
            }
        }
    }
}

/// A bare repository `acme/widgets.git` served over smart HTTP, requiring ``ChangelogHandlerTests/goodToken``,
/// and a workspace manager whose workspaces live in a temporary directory.
func withServer(_ body: (LocalGitServer, URL, LocalWorkspaceManager) async throws -> Void) async throws {
    try await TemporaryDirectory.with(prefix: "changelog-test") { directory in
        let root = directory.appendingPathComponent("repositories")
        let bare = try GitFixture.makeBareRepository(at: root.appendingPathComponent("acme/widgets.git"), spec: .init(commits: 2))
        let workspaceRoot = directory.appendingPathComponent("workspaces")
        try FileManager.default.createDirectory(at: workspaceRoot, withIntermediateDirectories: true)
        let workspaces = LocalWorkspaceManager(configuration: .init(root: workspaceRoot.path))
        try await LocalGitServer.withServer(root: root, token: Secret(ChangelogHandlerTests.goodToken)) { server in
            try await body(server, bare, workspaces)
        }
        // Every workspace was removed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspaceRoot.path).isEmpty)
    }
}

func git(_ arguments: String..., in directory: URL) throws -> String {
    try GitFixture.git(arguments, in: directory).trimmingCharacters(in: .whitespacesAndNewlines)
}
