import JobCore
import Testing

@Suite struct QueueSchedulingTests {
    @Test func oneKeyRunsItsJobsOneAtATimeInOrder() async throws {
        let queue = InProcessJobQueue()
        let events = Events()
        var log = events.stream.makeAsyncIterator()
        let gates = [Gate(), Gate(), Gate()]
        func job(_ index: Int) -> Task<Int, any Error> {
            Task {
                try await queue.enqueue(key: "a") {
                    events.record("start \(index)")
                    try await gates[index].wait()
                    events.record("end \(index)")
                    return index
                }
            }
        }

        let first = job(0)
        #expect(await log.next() == "start 0")
        let second = job(1)
        try await queue.waitUntil(key: "a") { $0.waiting == 1 }
        let third = job(2)
        try await queue.waitUntil(key: "a") { $0.waiting == 2 }
        #expect(queue.counts(forKey: "a") == JobQueueCounts(waiting: 2, running: 1))
        #expect(queue.counts == JobQueueCounts(waiting: 2, running: 1))

        gates[0].open()
        #expect(await log.next() == "end 0")
        #expect(await log.next() == "start 1")
        #expect(queue.counts(forKey: "a") == JobQueueCounts(waiting: 1, running: 1))
        gates[1].open()
        #expect(await log.next() == "end 1")
        #expect(await log.next() == "start 2")
        gates[2].open()
        #expect(await log.next() == "end 2")

        #expect(try await [first.value, second.value, third.value] == [0, 1, 2])
        #expect(queue.counts == JobQueueCounts())
    }

    @Test func differentKeysRunInParallelUpToTheGlobalLimit() async throws {
        let queue = InProcessJobQueue(configuration: .with { $0.globalLimit = 2 })
        let events = Events()
        var log = events.stream.makeAsyncIterator()
        let gates = ["a": Gate(), "b": Gate(), "c": Gate()]
        func job(_ key: String) -> Task<String, any Error> {
            Task {
                try await queue.enqueue(key: key) {
                    events.record("start \(key)")
                    try await gates[key]!.wait()
                    events.record("end \(key)")
                    return key
                }
            }
        }

        let a = job("a")
        #expect(await log.next() == "start a")
        let b = job("b")
        #expect(await log.next() == "start b")  // a still runs: two keys in parallel
        let c = job("c")
        try await queue.waitUntil { $0.waiting == 1 }
        #expect(queue.counts == JobQueueCounts(waiting: 1, running: 2))
        #expect(queue.counts(forKey: "c") == JobQueueCounts(waiting: 1, running: 0))

        gates["b"]!.open()
        #expect(await log.next() == "end b")
        #expect(await log.next() == "start c")
        #expect(queue.counts == JobQueueCounts(waiting: 0, running: 2))
        gates["a"]!.open()
        gates["c"]!.open()
        #expect(try await [a.value, b.value, c.value] == ["a", "b", "c"])
    }

    @Test func aKeyLimitOverrideLetsAKeyRunSeveralJobs() async throws {
        let queue = InProcessJobQueue(configuration: .with { $0.keyLimits = ["wide": 2] })
        let gate = Gate()
        let jobs = (0..<3).map { index in
            Task { try await queue.enqueue(key: "wide") { try await gate.wait(); return index } }
        }
        try await queue.waitUntil(key: "wide") { $0.running == 2 && $0.waiting == 1 }
        gate.open()
        for (index, job) in jobs.enumerated() { #expect(try await job.value == index) }
    }

    @Test func aKeyWithManyWaitingJobsDoesNotStarveAKeyWithOne() async throws {
        let queue = InProcessJobQueue(configuration: .with {
            $0.globalLimit = 1
            $0.capacity = 20_000
        })
        let order = Shared<[String]>([])
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "big") { try await blocker.wait() } }
        try await queue.waitUntil { $0.running == 1 }

        let bigJobs = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10_000 {
                    group.addTask { try await queue.enqueue(key: "big") { order.update { $0.append("big") } } }
                }
                try await group.waitForAll()
            }
        }
        try await queue.waitUntil(key: "big") { $0.waiting == 10_000 }
        let small = Task { try await queue.enqueue(key: "small") { order.update { $0.append("small") } } }
        try await queue.waitUntil { $0.waiting == 10_001 }

        blocker.open()
        try await first.value
        try await small.value
        try await bigJobs.value
        // Round-robin: the small key was ready while the big key was at its limit, so it goes
        // first, ahead of all 10,000.
        #expect(order.current.count == 10_001)
        #expect(order.current.firstIndex(of: "small") == 0)
    }

    @Test func keysAreServedRoundRobinOneJobPerTurn() async throws {
        let queue = InProcessJobQueue(configuration: .with { $0.globalLimit = 1 })
        let order = Shared<[String]>([])
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "z") { try await blocker.wait() } }
        try await queue.waitUntil { $0.running == 1 }

        var jobs: [Task<Void, any Error>] = []
        for key in ["a", "b", "c"] {
            for index in 1...3 {
                jobs.append(Task { try await queue.enqueue(key: key) { order.update { $0.append("\(key)\(index)") } } })
                let expected = jobs.count
                try await queue.waitUntil { $0.waiting == expected }
            }
        }
        blocker.open()
        try await first.value
        for job in jobs { try await job.value }
        #expect(order.current == ["a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3"])
    }

    @Test func priorityOrdersJobsWithinAKeyAndFIFOWithinAPriority() async throws {
        let queue = InProcessJobQueue()
        let order = Shared<[String]>([])
        let blocker = Gate()
        let first = Task { try await queue.enqueue(key: "a") { try await blocker.wait() } }
        try await queue.waitUntil(key: "a") { $0.running == 1 }

        var jobs: [Task<Void, any Error>] = []
        for (name, priority) in [("low1", 0), ("high", 10), ("low2", 0), ("mid", 5), ("high2", 10)] {
            jobs.append(Task {
                try await queue.enqueue(key: "a", priority: priority) { order.update { $0.append(name) } }
            })
            let expected = jobs.count
            try await queue.waitUntil(key: "a") { $0.waiting == expected }
        }
        blocker.open()
        try await first.value
        for job in jobs { try await job.value }
        #expect(order.current == ["high", "high2", "mid", "low1", "low2"])
    }

    @Test func theOperationsErrorReachesTheCaller() async throws {
        struct Failure: Error, Equatable {}
        let queue = InProcessJobQueue()
        await #expect(throws: Failure()) {
            try await queue.enqueue(key: "a") { () async throws -> Int in throw Failure() }
        }
        #expect(try await queue.enqueue(key: "a") { 7 } == 7)
        #expect(queue.statistics.trackedKeys == 0)
    }
}
