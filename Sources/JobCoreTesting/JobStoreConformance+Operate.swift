import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func cancelQueuedAndRunningJobs() async throws {
        let jobs = try await enqueue(job("run", key: "k"), job("wait", key: "k"))
        let running = try await claimOne()
        try expectEqual(running.id, jobs[0].id, "the first job runs")
        let cancelledQueued = try await store.cancel(jobs[1].id, reason: "not needed")
        try expectEqual(cancelledQueued.state, .cancelled, "a queued job is cancelled at once")
        try expectEqual(cancelledQueued.finishedAt, clock.now, "finished at")
        let requested = try await store.cancel(running.id, reason: "stop")
        try expectEqual(requested.state, .running, "a running job keeps running until its worker stops")
        try expect(requested.cancelRequested, "cancel requested")
        let repeated = try await store.cancel(running.id, reason: "stop")
        try expectEqual(repeated.version, requested.version, "asking again changes nothing")
        let confirmed = try await store.finish(JobFinish(id: running.id, epoch: running.epoch, outcome: .cancelled(reason: "stop")))
        try expectEqual(confirmed.state, .cancelled, "the worker confirms")
        try expect(!confirmed.cancelRequested, "request cleared")
        try expectEqual(try await store.events(of: running.id).map(\.kind), [.enqueued, .claimed, .cancelRequested, .cancelled], "events")
        try await expectError(.invalidState, "cancel a finished job") { try await store.cancel(running.id) }
        try await expectError(.notFound, "cancel an unknown job") { try await store.cancel(JobID("01AAAAAAAAAAAAAAAAAAAAAAAA")) }
        // A failure reported after a cancel request does not retry.
        let other = try await enqueue(job())[0]
        let claimed = try await claimOne()
        _ = try await store.cancel(other.id)
        let failed = try await store.fail(other.id, epoch: claimed.epoch, error: "interrupted", retryAt: clock.now)
        try expectEqual(failed.state, .failed, "no retry once cancel was requested")
    }

    func purgeDeletesJobsAndRefusesUnknownIDs() async throws {
        let jobs = try await enqueue(job("a", key: "k"), job("b"), job("c"), job("d"), job("e", idempotencyKey: "e"))
        let a = try await claimOne()
        _ = try await store.appendLog(a.id, epoch: a.epoch, Data("output".utf8))
        let b = try await claimOne()
        try await store.complete(b.id, epoch: b.epoch)
        let unknown = JobID("01AAAAAAAAAAAAAAAAAAAAAAAA")
        try await expectError(.notFound, "an unknown id") { try await store.purge([jobs[2].id, unknown]) }
        try expectEqual(try await store.job(jobs[2].id).state, .queued, "nothing purged when an id is unknown")
        try expectEqual(try await store.purge([jobs[2].id, jobs[3].id]), 2, "several")
        try await expectError(.notFound, "a purged job") { try await store.job(jobs[2].id) }
        try await expectError(.notFound, "a purged job's events") { try await store.events(of: jobs[3].id) }
        try expectEqual(try await store.purge(states: [.succeeded]), 1, "by state")
        try await expectError(.notFound, "the purged finished job") { try await store.runs(of: b.id) }
        try expectEqual(try await store.purge([a.id]), 1, "a running job")
        let beat = try await store.heartbeat(JobHeartbeat(id: a.id, epoch: a.epoch), workerID: worker, lease: lease)
        try expectEqual(beat, .gone, "its worker learns at its next heartbeat")
        try await expectError(.notFound, "its log") { try await store.readLog(a.id, from: 0, maxBytes: 100) }
        try await expectError(.notFound, "its completion") { try await store.complete(a.id, epoch: a.epoch) }
        _ = try await enqueue(job("a2", key: "k"))
        try expectEqual(try await claim(10).map(\.kind), ["e", "a2"], "the purged running job no longer holds its key")
        try expectEqual(try await store.count(JobFilter()), 2, "what is left")
        try expectEqual(try await store.purge(states: [.running]), 2, "running jobs by state")
        try expect(try await store.enqueue(job(idempotencyKey: "e")).created, "the idempotency key is free")
    }

    func manualRetryRequeuesFinishedJob() async throws {
        let queued = try await enqueue(job(maxAttempts: 1))[0]
        let claimed = try await claimOne()
        try await store.fail(queued.id, epoch: claimed.epoch, error: "boom", retryAt: clock.now)
        let retried = try await store.retry(queued.id)
        try expectEqual(retried.state, .queued, "queued")
        try expectEqual(retried.attempt, 0, "fresh attempts")
        try expect(retried.finishedAt == nil, "no longer finished")
        let again = try await claimOne()
        try expectEqual(again.epoch, 2, "epochs keep increasing")
        try await expectError(.invalidState, "retry a running job") { try await store.retry(queued.id) }
        try expectEqual(try await store.events(of: queued.id).map(\.kind), [.enqueued, .claimed, .failed, .retried, .claimed], "events")
    }

    func listFiltersAndPaginates() async throws {
        var ids: [JobID] = []
        for index in 0..<25 {
            ids.append(try await enqueue(job(index % 2 == 0 ? "even" : "odd", key: index % 5 == 0 ? "five" : nil))[0].id)
        }
        var seen: [JobID] = []
        var cursor: JobID?
        repeat {
            let page = try await store.list(JobFilter(), page: JobPage(limit: 10, after: cursor, order: .oldestFirst))
            seen += page.jobs.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        try expectEqual(seen, ids, "pages in id order cover everything once")
        let newest = try await store.list(JobFilter(), page: JobPage(limit: 3))
        try expectEqual(newest.jobs.map(\.id), Array(ids.reversed().prefix(3)), "newest first by default")
        try expectEqual(try await store.list(JobFilter(kind: "even"), page: JobPage(limit: 100)).jobs.count, 13, "by kind")
        try expectEqual(try await store.list(JobFilter(key: "five"), page: JobPage(limit: 100)).jobs.count, 5, "by key")
        let claimed = try await claim(2)
        let running = try await store.list(JobFilter(states: [.running]), page: JobPage(limit: 100))
        try expectEqual(Set(running.jobs.map(\.id)), Set(claimed.map(\.id)), "by state")
        try expectEqual(try await store.count(JobFilter(states: [.queued, .running])), 25, "count by states")
        try expectEqual(try await store.count(JobFilter(states: [.running], kind: "even")), claimed.count { $0.kind == "even" }, "count by state and kind")
    }

    func eventsAreOrderedAndResumable() async throws {
        let queued = try await enqueue(job(maxAttempts: 2))[0]
        let first = try await claimOne()
        try await store.fail(queued.id, epoch: first.epoch, error: "once", retryAt: clock.now)
        let second = try await claimOne()
        try await store.complete(queued.id, epoch: second.epoch)
        let events = try await store.events(of: queued.id)
        try expectEqual(events.map(\.kind), [.enqueued, .claimed, .retryScheduled, .claimed, .succeeded], "kinds")
        try expectEqual(events.map(\.state), [.queued, .running, .queued, .running, .succeeded], "states after each event")
        try expect(events.map(\.sequence) == events.map(\.sequence).sorted() && Set(events.map(\.sequence)).count == events.count, "increasing sequence")
        try expectEqual(events[2].message, "once", "the error is in the event")
        let rest = try await store.events(of: queued.id, after: events[1].sequence, limit: 2)
        try expectEqual(rest, Array(events[2...3]), "resume after a sequence, with a limit")
        try await expectError(.notFound, "events of an unknown job") { try await store.events(of: JobID("01AAAAAAAAAAAAAAAAAAAAAAAA")) }
    }

    func versionIncreasesOnEveryWrite() async throws {
        let queued = try await enqueue(job())[0]
        var versions = [queued.version]
        let claimed = try await claimOne()
        versions.append(claimed.version)
        _ = try await store.heartbeat(JobHeartbeat(id: queued.id, epoch: claimed.epoch), workerID: worker, lease: lease)
        versions.append(try await store.job(queued.id).version)
        versions.append(try await store.cancel(queued.id).version)
        versions.append(try await store.finish(JobFinish(id: queued.id, epoch: claimed.epoch, outcome: .cancelled(reason: nil))).version)
        versions.append(try await store.retry(queued.id).version)
        try expect(zip(versions, versions.dropFirst()).allSatisfy { $0 < $1 }, "versions increase: \(versions)")
    }
}
