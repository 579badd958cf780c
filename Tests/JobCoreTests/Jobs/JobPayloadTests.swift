import Foundation
import JobCore
import JobCoreTesting
import Synchronization
import Testing

struct Review: JobPayload, Equatable {
    static let kind = JobKind<Review>("review")
    var repository: String
    var pullRequest: Int
}

struct ReviewResult: Codable, Sendable, Equatable {
    var comments: Int
}

@Suite struct JobPayloadTests {
    let clock = ManualClock()

    @Test func aPayloadThatKnowsItsKindIsEnqueuedHandledAndReadBack() async throws {
        let store = MemoryJobStore(clock: clock)
        var handlers = JobHandlers()
        handlers.register(Review.self) { (review, _) -> ReviewResult in ReviewResult(comments: review.pullRequest / 2) }
        let queue = DurableJobQueue(store: store)
        let job = try await queue.enqueue(Review(repository: "acme/api", pullRequest: 42), options: JobOptions(key: "acme")).job
        let batch = try await queue.enqueue([(Review(repository: "acme/web", pullRequest: 8), JobOptions())])
        #expect(job.kind == "review" && batch.map(\.job.kind) == ["review"])
        #expect(try job.payload(as: Review.self) == Review(repository: "acme/api", pullRequest: 42))
        #expect(try job.result(as: ReviewResult.self) == nil, "no result before it ran")

        try await Worker(store: store, handlers: handlers, configuration: .init(drain: .whenNothingQueued), clock: clock).run()
        #expect(try await store.job(job.id).result(as: ReviewResult.self) == ReviewResult(comments: 21))
        #expect(try await store.job(batch[0].job.id).result(as: ReviewResult.self) == ReviewResult(comments: 4))
    }

    @Test func aKindRegisteredWithAJobKindAndAPayloadTypeIsTheSame() async throws {
        let store = MemoryJobStore(clock: clock)
        let seen = Mutex<[Review]>([])
        var handlers = JobHandlers()
        handlers.register(Review.kind) { review, _ in seen.withLock { $0.append(review) } }
        #expect(handlers.kinds == ["review"])
        _ = try await DurableJobQueue(store: store).enqueue(Review(repository: "a/b", pullRequest: 1))
        _ = try await DurableJobQueue(store: store).enqueue(Review.kind, Review(repository: "a/b", pullRequest: 2))
        try await Worker(store: store, handlers: handlers, configuration: .init(drain: .whenNothingQueued), clock: clock).run()
        #expect(Set(seen.withLock { $0.map(\.pullRequest) }) == [1, 2])
    }

    @Test func aKindsOwnRetryPolicyOverridesTheWorkers() async throws {
        let store = MemoryJobStore(clock: clock)
        var handlers = JobHandlers()
        handlers.register(Review.self, retry: RetryPolicy(base: .seconds(90), jitter: 0)) { _, _ in throw JobFailure("flaky") }
        handlers.register(echoKind) { _, _ in throw JobFailure("flaky") }
        #expect(handlers.retryPolicy(forKind: "review") == RetryPolicy(base: .seconds(90), jitter: 0))
        #expect(handlers.retryPolicy(forKind: "echo") == nil)
        var configuration = Worker.Configuration(drain: .whenNothingDue)
        configuration.retry = RetryPolicy(base: .seconds(5), jitter: 0)
        let queue = DurableJobQueue(store: store)
        let review = try await queue.enqueue(Review(repository: "a/b", pullRequest: 1)).job
        let echo = try await queue.enqueue(echoKind, Echo(text: "x")).job
        let start = clock.now
        try await Worker(store: store, handlers: handlers, configuration: configuration, clock: clock).run()
        #expect(try await store.job(review.id).runAt == start.addingTimeInterval(90), "the kind's policy")
        #expect(try await store.job(echo.id).runAt == start.addingTimeInterval(5), "the worker's policy")
    }
}
