import JobCore
import JobCoreTesting
import Testing

@Suite struct QueueCapacityTests {
    @Test func aFullQueueFailsFastWithAClearError() async throws {
        let queue = InProcessJobQueue(configuration: .with {
            $0.globalLimit = 1
            $0.capacity = 2
        })
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "a") { try await blocker.wait() } }
        try await queue.waitUntil { $0.running == 1 }
        let waiting = ["b", "c"].map { key in Task { try await queue.enqueue(key: key) { key } } }
        try await queue.waitUntil { $0.waiting == 2 }

        let error = await #expect(throws: JobQueueError.self) {
            try await queue.enqueue(key: "d") { "d" }
        }
        #expect(error?.code == .full)
        #expect(error?.key == "d")
        #expect(queue.statistics.callers == 3)

        blocker.open()
        try await first.value
        #expect(try await waiting[0].value == "b")
        #expect(try await waiting[1].value == "c")
        // Room again.
        #expect(try await queue.enqueue(key: "d") { "d" } == "d")
    }

    @Test func aCallerWaitsForRoomUntilItsDeadline() async throws {
        let clock = ManualClock()
        let queue = InProcessJobQueue(
            configuration: .with {
                $0.globalLimit = 1
                $0.capacity = 1
                $0.overflowPolicy = .wait(upTo: .seconds(5))
            },
            clock: clock)
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "a") { try await blocker.wait() } }
        try await queue.waitUntil { $0.running == 1 }
        let waiting = Task { try await queue.enqueue(key: "b") { "b" } }
        try await queue.waitUntil { $0.waiting == 1 }

        let late = Task { try await queue.enqueue(key: "c") { "c" } }
        await clock.waitForSleepers(1)
        #expect(queue.statistics.waitingForRoom == 1)
        clock.advance(by: .seconds(4))
        #expect(queue.statistics.waitingForRoom == 1)
        clock.advance(by: .seconds(1))
        let error = await #expect(throws: JobQueueError.self) { try await late.value }
        #expect(error?.code == .full)
        #expect(queue.statistics.waitingForRoom == 0)

        // This one gets room before its deadline: the first job ends, "b" starts, "d" gets in.
        let admitted = Task { try await queue.enqueue(key: "d") { "d" } }
        await clock.waitForSleepers(1)
        blocker.open()
        try await first.value
        #expect(try await waiting.value == "b")
        #expect(try await admitted.value == "d")
        #expect(clock.sleeperCount == 0)  // its deadline timer was cancelled
        let statistics = queue.statistics
        #expect(statistics.waiting == 0 && statistics.running == 0 && statistics.waitingForRoom == 0)
        #expect(statistics.callers == 0 && statistics.trackedKeys == 0)
    }

    @Test func callersWaitingForRoomGetInInFIFOOrder() async throws {
        let clock = ManualClock()
        let queue = InProcessJobQueue(
            configuration: .with {
                $0.globalLimit = 1
                $0.capacity = 1
                $0.overflowPolicy = .wait(upTo: .seconds(60))
            },
            clock: clock)
        let order = Shared<[String]>([])
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "a") { try await blocker.wait() } }
        try await queue.waitUntil { $0.running == 1 }
        var jobs: [Task<Void, any Error>] = []
        for key in ["b", "c", "d", "e"] {
            jobs.append(Task { try await queue.enqueue(key: key) { order.update { $0.append(key) } } })
            let expected = jobs.count
            try await queue.waitUntil { $0.waiting + $0.waitingForRoom == expected }
        }
        #expect(queue.statistics.waitingForRoom == 3)
        blocker.open()
        try await first.value
        for job in jobs { try await job.value }
        #expect(order.current == ["b", "c", "d", "e"])
        #expect(queue.statistics.waitingForRoom == 0)
    }

    @Test func aCallerCancelledWhileWaitingForRoomLeaves() async throws {
        let clock = ManualClock()
        let queue = InProcessJobQueue(
            configuration: .with {
                $0.globalLimit = 1
                $0.capacity = 0
                $0.overflowPolicy = .wait(upTo: .seconds(60))
            },
            clock: clock)
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "a") { try await blocker.wait() } }
        try await queue.waitUntil { $0.running == 1 }
        let ran = Shared(false)
        let late = Task { try await queue.enqueue(key: "b") { ran.update { $0 = true } } }
        try await queue.waitUntil { $0.waitingForRoom == 1 }
        late.cancel()
        await #expect(throws: CancellationError.self) { try await late.value }
        #expect(queue.statistics.waitingForRoom == 0)
        blocker.open()
        try await first.value
        #expect(!ran.current)
        #expect(clock.sleeperCount == 0)
    }
}
