import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func claimOrdersByPriorityRunAtAndID() async throws {
        let early = clock.now.addingTimeInterval(-60)
        let jobs = try await enqueue(
            job("low"), job("high", priority: 10), job("early", runAt: early), job("low2"),
            job("high-early", priority: 10, runAt: early), job("negative", priority: -1)
        )
        let order = try await claim(3).map(\.kind) + (try await claim(10)).map(\.kind)
        try expectEqual(order, ["high-early", "high", "early", "low", "low2", "negative"], "claim order")
        try expectEqual(try await claim(10), [], "nothing left")
        _ = jobs
    }

    func claimWaitsForRunAt() async throws {
        let later = try await enqueue(job(runAt: clock.now.addingTimeInterval(60)))[0]
        try expectEqual(try await claim(), [], "a scheduled job is not claimed early")
        try expectEqual(try await store.count(JobFilter(states: [.queued], dueBy: clock.now)), 0, "nothing due")
        clock.advance(by: .seconds(60))
        try expectEqual(try await claim().map(\.id), [later.id], "claimed once due")
    }

    func claimHonoursKeyLimit() async throws {
        let a = try await enqueue(job("a1", key: "A"), job("a2", key: "A"), job("a3", key: "A"), job("b1", key: "B"), job("n1"), job("n2"))
        let first = try await claim(10)
        try expectEqual(first.map(\.kind), ["a1", "b1", "n1", "n2"], "one per key, keyless unlimited")
        try expectEqual(try await claim(10), [], "keys at their limit")
        try await store.complete(first[0].id, epoch: first[0].epoch)
        try expectEqual(try await claim(10).map(\.kind), ["a2"], "the next job of the key after completion")
        try expectEqual(try await claim(10, keyLimit: 2).map(\.kind), ["a3"], "a higher limit allows a second one")
        try expectEqual(try await store.count(JobFilter(states: [.running], key: "A")), 2, "two of A running")
        _ = a
    }

    func claimFindsFreeKeysBehindABusyKey() async throws {
        // A deep queue of one busy key must not hide the jobs of other keys behind it.
        _ = try await store.enqueue((0..<1500).map { _ in job("busy", key: "busy") })
        _ = try await store.enqueue([job("other", key: "other"), job("other2", key: "other"), job("free")])
        try expectEqual(try await claim(1).map(\.kind), ["busy"], "the head of the busy key")
        var heads = try await claim(10).map(\.kind)
        if heads.count == 1 { heads += try await claim(10).map(\.kind) }
        try expectEqual(heads, ["other", "free"], "the free keys' heads, in claim order")
        try expectEqual(try await claim(10), [], "every key at its limit")
        // A claim may stop early to bound its work, but never returns nothing while a job is eligible.
        var more = try await claim(10, keyLimit: 2).map(\.kind)
        try expectEqual(more.first, "busy", "a higher limit: the busy key's next job first")
        if more.count == 1 { more += try await claim(10, keyLimit: 2).map(\.kind) }
        try expectEqual(more, ["busy", "other2"], "a higher limit")
    }

    func claimFiltersQueueAndKinds() async throws {
        _ = try await enqueue(job("mail"), job("build"), job("build", queue: "other"))
        try expectEqual(try await claim(10, kinds: ["build"]).map(\.kind), ["build"], "only the given kinds")
        try expectEqual(try await claim(10, kinds: ["build"]), [], "no other build in the default queue")
        let other = try await claim(10, queue: "other")
        try expectEqual(other.map(\.queue), ["other"], "only the given queue")
        try expectEqual(try await claim(10).map(\.kind), ["mail"], "the rest")
        try expectEqual(try await claim(0), [], "a zero limit claims nothing")
    }

    func claimSetsEpochLeaseAndRun() async throws {
        let queued = try await enqueue(job())[0]
        clock.advance(by: .seconds(1))
        let claimed = try await claimOne()
        try expectEqual(claimed.id, queued.id, "the job")
        try expectEqual(claimed.state, .running, "state")
        try expectEqual(claimed.epoch, 1, "first epoch")
        try expectEqual(claimed.attempt, 1, "first attempt")
        try expectEqual(claimed.leaseHolder, worker, "lease holder")
        try expectEqual(claimed.leaseExpiresAt, clock.now.adding(lease), "lease expiry")
        try expectEqual(claimed.startedAt, clock.now, "started at")
        try expectEqual(try await store.job(claimed.id), claimed, "stored as returned")
        let runs = try await store.runs(of: claimed.id)
        try expectEqual(runs.count, 1, "one run")
        try expectEqual(runs[0].epoch, 1, "run epoch")
        try expectEqual(runs[0].attempt, 1, "run attempt")
        try expectEqual(runs[0].workerID, worker, "run worker")
        try expect(runs[0].finishedAt == nil && runs[0].outcome == nil, "the run is open")
        let claimedEvent = try await store.events(of: claimed.id).last
        try expectEqual(claimedEvent?.kind, .claimed, "claimed event")
        try expectEqual(claimedEvent?.epoch, 1, "claimed event carries the epoch")
        // The next claim of the same job has the next epoch.
        try await store.fail(claimed.id, epoch: 1, error: "boom", retryAt: clock.now)
        try expectEqual(try await claimOne().epoch, 2, "epoch increments per claim")
    }

    func concurrentClaimsNeverShareAJob() async throws {
        let jobs = try await store.enqueue((0..<60).map { job(key: $0 % 3 == 0 ? "k\($0 % 4)" : nil) })
        let claimedIDs = try await withThrowingTaskGroup(of: [JobID].self) { group in
            for index in 0..<6 {
                group.addTask {
                    var mine: [JobID] = []
                    while true {
                        let claimed = try await store.claim(ClaimRequest(workerID: "w\(index)", limit: 3, lease: lease))
                        if claimed.isEmpty { break }
                        for record in claimed {
                            mine.append(record.id)
                            try await store.complete(record.id, epoch: record.epoch)
                        }
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try expectEqual(claimedIDs.count, jobs.count, "every job claimed once")
        try expectEqual(Set(claimedIDs), Set(jobs.map(\.job.id)), "no job claimed twice")
        try expectEqual(try await store.count(JobFilter(states: [.succeeded])), jobs.count, "all succeeded")
    }
}
