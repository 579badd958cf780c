import JobCore
import JobCoreTesting
import Testing

@Suite struct QueueCancellationTests {
    @Test func cancellingAWaitingCallerRemovesItsJob() async throws {
        let queue = InProcessJobQueue()
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "a") { try await blocker.wait() } }
        try await queue.waitUntil(key: "a") { $0.running == 1 }
        let ran = Shared(false)
        let waiter = Task { try await queue.enqueue(key: "a") { ran.update { $0 = true } } }
        try await queue.waitUntil(key: "a") { $0.waiting == 1 }

        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(queue.counts(forKey: "a") == JobQueueCounts(waiting: 0, running: 1))
        blocker.open()
        try await first.value
        #expect(!ran.current)
        #expect(queue.statistics.trackedKeys == 0)
    }

    @Test(arguments: [false, true])
    func manyCancelledWaitingJobsLeaveTheOthersInOrder(mixedPriorities: Bool) async throws {
        let queue = InProcessJobQueue()
        let order = Shared<[Int]>([])
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "a") { try await blocker.wait() } }
        try await queue.waitUntil(key: "a") { $0.running == 1 }

        var jobs: [Task<Void, any Error>] = []
        for index in 0..<100 {
            // With mixed priorities the key's queue is a heap: odd jobs first, each group FIFO.
            let priority = mixedPriorities ? index % 2 : 0
            jobs.append(Task {
                try await queue.enqueue(key: "a", priority: priority) { order.update { $0.append(index) } }
            })
            try await queue.waitUntil(key: "a") { $0.waiting == index + 1 }
        }
        let cancelled = Set((0..<100).filter { $0 % 5 != 0 })  // 80 removed: the queue compacts
        for index in cancelled.sorted() { jobs[index].cancel() }
        try await queue.waitUntil(key: "a") { $0.waiting == 20 }

        blocker.open()
        try await first.value
        for (index, job) in jobs.enumerated() {
            if cancelled.contains(index) {
                await #expect(throws: CancellationError.self) { try await job.value }
            } else {
                try await job.value
            }
        }
        let kept = (0..<100).filter { !cancelled.contains($0) }
        let expected = mixedPriorities ? kept.filter { $0 % 2 == 1 } + kept.filter { $0 % 2 == 0 } : kept
        #expect(order.current == expected)
        #expect(queue.statistics.trackedKeys == 0)
    }

    @Test func cancellingARunningCallerCancelsItsOperation() async throws {
        let queue = InProcessJobQueue()
        let events = Events()
        var log = events.stream.makeAsyncIterator()
        let runner = Task {
            try await queue.enqueue(key: "a") {
                events.record("start")
                do {
                    try await Gate().wait()  // never opened
                } catch {
                    events.record("cancelled")
                    throw error
                }
            }
        }
        // The next job of the key waits behind it and must not inherit the cancellation.
        #expect(await log.next() == "start")
        let next = Task { try await queue.enqueue(key: "a") { Task.isCancelled } }
        try await queue.waitUntil(key: "a") { $0.waiting == 1 }

        runner.cancel()
        #expect(await log.next() == "cancelled")
        await #expect(throws: CancellationError.self) { try await runner.value }
        #expect(try await next.value == false)
        #expect(queue.counts == JobQueueCounts())
    }

    @Test func aJobThatRunsPastItsTimeoutIsCancelledAndThrows() async throws {
        let clock = ManualClock()
        let queue = InProcessJobQueue(clock: clock)
        let events = Events()
        var log = events.stream.makeAsyncIterator()
        let job = Task {
            try await queue.enqueue(key: "a", timeout: .seconds(10)) {
                events.record("start")
                do {
                    try await Gate().wait()
                } catch {
                    events.record("cancelled")
                    throw error
                }
            }
        }
        #expect(await log.next() == "start")
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(9))
        #expect(queue.counts.running == 1)
        clock.advance(by: .seconds(1))
        #expect(await log.next() == "cancelled")
        let error = await #expect(throws: JobQueueError.self) { try await job.value }
        #expect(error?.code == .timedOut)
        #expect(error?.key == "a")
        #expect(queue.counts == JobQueueCounts())
    }

    @Test func theDefaultTimeoutAppliesAndAJobInTimeIsUntouched() async throws {
        let clock = ManualClock()
        let queue = InProcessJobQueue(configuration: .with { $0.defaultTimeout = .seconds(30) }, clock: clock)
        #expect(try await queue.enqueue(key: "a") { 1 } == 1)
        #expect(clock.sleeperCount == 0)  // its timer was cancelled

        let slow = Task { try await queue.enqueue(key: "a") { try await Gate().wait() } }
        try await queue.waitUntil { $0.running == 1 }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(30))
        let error = await #expect(throws: JobQueueError.self) { try await slow.value }
        #expect(error?.code == .timedOut)
    }

    @Test func aTimeoutThatTheOperationIgnoresStillFailsTheJob() async throws {
        let clock = ManualClock()
        let queue = InProcessJobQueue(clock: clock)
        let gate = Gate()
        let job = Task {
            try await queue.enqueue(key: "a", timeout: .seconds(1)) {
                try? await gate.wait()  // swallows the cancellation
                return "late"
            }
        }
        try await queue.waitUntil { $0.running == 1 }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(1))
        let error = await #expect(throws: JobQueueError.self) { try await job.value }
        #expect(error?.code == .timedOut)
    }
}
