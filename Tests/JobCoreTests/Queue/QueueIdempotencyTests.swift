import JobCore
import Testing

@Suite struct QueueIdempotencyTests {
    @Test func aSecondCallWhileTheFirstRunsSharesItsResult() async throws {
        let queue = InProcessJobQueue()
        let runs = Shared(0)
        let gate = Gate()
        let first = Task {
            try await queue.enqueue(key: "a", idempotencyKey: "push-1") {
                runs.update { $0 += 1 }
                try await gate.wait()
                return "first"
            }
        }
        try await queue.waitUntil { $0.running == 1 }
        let second = Task {
            try await queue.enqueue(key: "a", idempotencyKey: "push-1") {
                runs.update { $0 += 1 }
                return "second"
            }
        }
        try await queue.waitUntil { $0.callers == 2 }
        #expect(queue.counts == JobQueueCounts(waiting: 0, running: 1))
        gate.open()
        #expect(try await first.value == "first")
        #expect(try await second.value == "first")
        #expect(runs.current == 1)
    }

    @Test func aSecondCallWhileTheFirstWaitsSharesItsResult() async throws {
        let queue = InProcessJobQueue()
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "a") { try await blocker.wait() } }
        try await queue.waitUntil { $0.running == 1 }
        let runs = Shared(0)
        let calls = (0..<3).map { _ in
            Task {
                try await queue.enqueue(key: "a", idempotencyKey: "k") { () -> Int in
                    runs.update { $0 += 1 }
                    return 42
                }
            }
        }
        try await queue.waitUntil { $0.callers == 4 }
        #expect(queue.counts(forKey: "a").waiting == 1)
        blocker.open()
        try await first.value
        for call in calls { #expect(try await call.value == 42) }
        #expect(runs.current == 1)
    }

    @Test func aRecentlyFinishedResultIsReturnedWithoutRunningAgain() async throws {
        struct Failure: Error, Equatable {}
        let queue = InProcessJobQueue()
        let runs = Shared(0)
        for _ in 0..<3 {
            let value = try await queue.enqueue(key: "a", idempotencyKey: "x") { () -> Int in
                runs.update { $0 += 1 }
                return 5
            }
            #expect(value == 5)
        }
        #expect(runs.current == 1)

        // A failure is an outcome too.
        for _ in 0..<2 {
            await #expect(throws: Failure()) {
                try await queue.enqueue(key: "a", idempotencyKey: "y") { () -> Int in
                    runs.update { $0 += 1 }
                    throw Failure()
                }
            }
        }
        #expect(runs.current == 2)
        #expect(queue.statistics.rememberedResults == 2)
        #expect(queue.statistics.trackedKeys == 0)
    }

    @Test func anotherResultTypeForTheSameKeyIsAClearError() async throws {
        let queue = InProcessJobQueue()
        #expect(try await queue.enqueue(key: "a", idempotencyKey: "x") { 1 } == 1)
        let error = await #expect(throws: JobQueueError.self) {
            try await queue.enqueue(key: "a", idempotencyKey: "x") { "one" }
        }
        #expect(error?.code == .idempotencyTypeMismatch)
        #expect(error?.idempotencyKey == "x")
        #expect(error?.message.contains("Swift.Int") == true)
        #expect(error?.message.contains("Swift.String") == true)
    }

    @Test func theRememberedResultsAreBoundedOldestFirst() async throws {
        let queue = InProcessJobQueue(configuration: .with { $0.idempotencyMemory = 2 })
        let runs = Shared<[String]>([])
        func run(_ key: String) async throws {
            try await queue.enqueue(key: "a", idempotencyKey: key) { runs.update { $0.append(key) } }
        }
        try await run("1")
        try await run("2")
        try await run("3")  // forgets "1"
        #expect(queue.statistics.rememberedResults == 2)
        try await run("3")
        try await run("2")
        try await run("1")  // runs again, forgets "2"
        #expect(runs.current == ["1", "2", "3", "1"])
        try await run("2")
        #expect(runs.current == ["1", "2", "3", "1", "2"])
    }

    @Test func aCancelledJobIsNotRemembered() async throws {
        let queue = InProcessJobQueue()
        let first = Task {
            try await queue.enqueue(key: "a", idempotencyKey: "x") { try await Gate().wait(); return 1 }
        }
        try await queue.waitUntil { $0.running == 1 }
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(try await queue.enqueue(key: "a", idempotencyKey: "x") { 2 } == 2)
    }

    @Test func cancellingOneOfTwoCallersLeavesTheJobToTheOther() async throws {
        let queue = InProcessJobQueue()
        let gate = Gate()
        let first = Task { try await queue.enqueue(key: "a", idempotencyKey: "x") { try await gate.wait(); return 1 } }
        try await queue.waitUntil { $0.running == 1 }
        let second = Task { try await queue.enqueue(key: "a", idempotencyKey: "x") { 2 } }
        try await queue.waitUntil { $0.callers == 2 }

        first.cancel()  // the caller that created the job leaves; the job runs on for the second
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(queue.statistics.callers == 1)
        #expect(queue.counts.running == 1)
        gate.open()
        #expect(try await second.value == 1)

        // And the other way round: the follower leaves, the creator keeps its job.
        let gate2 = Gate()
        let third = Task { try await queue.enqueue(key: "a", idempotencyKey: "z") { try await gate2.wait(); return 3 } }
        try await queue.waitUntil { $0.running == 1 }
        let fourth = Task { try await queue.enqueue(key: "a", idempotencyKey: "z") { 4 } }
        try await queue.waitUntil { $0.callers == 2 }
        fourth.cancel()
        await #expect(throws: CancellationError.self) { try await fourth.value }
        gate2.open()
        #expect(try await third.value == 3)
    }
}
