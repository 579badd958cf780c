import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func staleEpochIsRefused() async throws {
        let queued = try await enqueue(job())[0]
        let first = try await claimOne()
        // The first worker goes silent; its lease expires and another worker takes over.
        clock.advance(by: lease + .seconds(1))
        try expectEqual(try await store.reapExpiredLeases(limit: 10).map(\.id), [queued.id], "reaped")
        let second = try await claim(1, worker: "second")[0]
        try expectEqual(second.epoch, first.epoch + 1, "new epoch")
        let before = try await store.job(queued.id)
        try await expectError(.staleEpoch, "complete with the stale epoch") { try await store.complete(queued.id, epoch: first.epoch) }
        try await expectError(.staleEpoch, "fail with the stale epoch") { try await store.fail(queued.id, epoch: first.epoch, error: "x") }
        try await expectError(.staleEpoch, "log with the stale epoch") { try await store.appendLog(queued.id, epoch: first.epoch, Data("x".utf8)) }
        let beat = try await store.heartbeat(JobHeartbeat(id: queued.id, epoch: first.epoch), workerID: worker, lease: lease)
        try expectEqual(beat, .lost, "a stale heartbeat is told the lease is lost")
        try expectEqual(try await store.job(queued.id), before, "the job is untouched")
        let results = try await store.finish([
            JobFinish(id: queued.id, epoch: first.epoch, outcome: .succeeded(result: nil)),
            JobFinish(id: queued.id, epoch: second.epoch, outcome: .succeeded(result: Data("ok".utf8))),
        ])
        try expect((try? results[0].get()) == nil, "the stale report in a batch is refused")
        try expectEqual(try results[1].get().state, .succeeded, "the current report in the same batch succeeds")
        try await expectError(.staleEpoch, "a second completion") { try await store.complete(queued.id, epoch: second.epoch) }
        try await expectError(.notFound, "an unknown job") { try await store.complete(JobID("01AAAAAAAAAAAAAAAAAAAAAAAA"), epoch: 1) }
    }

    func completeRecordsResultAndRun() async throws {
        let queued = try await enqueue(job(key: "k"))[0]
        let claimed = try await claimOne()
        clock.advance(by: .seconds(2))
        let done = try await store.finish(JobFinish(
            id: queued.id, epoch: claimed.epoch, outcome: .succeeded(result: Data("42".utf8)), exitCode: 0,
            insights: ["tokens": 1200, "cost": 0.25]
        ))
        try expectEqual(done.state, .succeeded, "state")
        try expectEqual(done.result, Data("42".utf8), "result")
        try expectEqual(done.finishedAt, clock.now, "finished at")
        try expect(done.leaseHolder == nil && done.leaseExpiresAt == nil, "lease released")
        let run = try await store.runs(of: queued.id)[0]
        try expectEqual(run.outcome, .succeeded, "run outcome")
        try expectEqual(run.finishedAt, clock.now, "run end")
        try expectEqual(run.exitCode, 0, "exit code")
        try expectEqual(run.insights, ["tokens": 1200, "cost": 0.25], "insights")
        try expectEqual(try await store.events(of: queued.id).map(\.kind), [.enqueued, .claimed, .succeeded], "events")
        // The key is free again.
        _ = try await enqueue(job(key: "k"))
        try expectEqual(try await claim().count, 1, "the key's next job")
    }

    func failureRetriesUntilAttemptsAreSpent() async throws {
        let queued = try await enqueue(job(maxAttempts: 2))[0]
        let first = try await claimOne()
        let retryAt = clock.now.addingTimeInterval(10)
        let failed = try await store.fail(queued.id, epoch: first.epoch, error: "flaky", retryAt: retryAt)
        try expectEqual(failed.state, .queued, "queued again")
        try expectEqual(failed.runAt, retryAt, "run-at is the back-off")
        try expectEqual(failed.lastError, "flaky", "last error")
        try expectEqual(try await claim(), [], "not before the back-off")
        clock.advance(by: .seconds(10))
        let second = try await claimOne()
        try expectEqual(second.attempt, 2, "second attempt")
        let final = try await store.fail(queued.id, epoch: second.epoch, error: "still flaky", retryAt: clock.now)
        try expectEqual(final.state, .failed, "failed when attempts are spent")
        try expectEqual(final.finishedAt, clock.now, "finished at")
        let runs = try await store.runs(of: queued.id)
        try expectEqual(runs.map(\.outcome), [.failed, .failed], "run outcomes")
        try expectEqual(runs.map(\.error), ["flaky", "still flaky"], "run errors")
        try expectEqual(try await store.events(of: queued.id).map(\.kind), [.enqueued, .claimed, .retryScheduled, .claimed, .failed], "events")
        // A failure without retry-at is permanent.
        let other = try await enqueue(job())[0]
        let claimed = try await claimOne()
        try expectEqual(try await store.fail(other.id, epoch: claimed.epoch, error: "bad input").state, .failed, "permanent failure")
    }

    func timeoutFailsWithoutRetry() async throws {
        let queued = try await enqueue(job(maxAttempts: 3))[0]
        let claimed = try await claimOne()
        let record = try await store.finish(JobFinish(id: queued.id, epoch: claimed.epoch, outcome: .timedOut(error: "timed out after 1h")))
        try expectEqual(record.state, .failed, "timed out jobs fail")
        try expectEqual(record.lastError, "timed out after 1h", "error")
        try expectEqual(try await store.runs(of: queued.id).map(\.outcome), [.timedOut], "run outcome")
        try expectEqual(try await store.events(of: queued.id).last?.kind, .timedOut, "event")
    }

    func releaseReturnsJobWithoutSpendingAttempt() async throws {
        let queued = try await enqueue(job(key: "k", maxAttempts: 1))[0]
        let claimed = try await claimOne()
        let released = try await store.finish(JobFinish(id: queued.id, epoch: claimed.epoch, outcome: .released))
        try expectEqual(released.state, .queued, "back in the queue")
        try expectEqual(released.attempt, 0, "the attempt does not count")
        try expect(released.leaseHolder == nil, "lease released")
        try expectEqual(try await store.runs(of: queued.id).map(\.outcome), [.released], "run outcome")
        let again = try await claimOne()
        try expectEqual(again.attempt, 1, "claimed again as attempt 1")
        try expectEqual(again.epoch, 2, "with a new epoch")
    }

    func heartbeatRenewsLeaseAndDeliversCancel() async throws {
        let queued = try await enqueue(job())[0]
        let claimed = try await claimOne()
        clock.advance(by: .seconds(20))
        let status = try await store.heartbeat(JobHeartbeat(id: queued.id, epoch: claimed.epoch, insights: ["tokens": 5]), workerID: worker, lease: lease)
        try expectEqual(status, .renewed, "renewed")
        try expectEqual(try await store.job(queued.id).leaseExpiresAt, clock.now.adding(lease), "lease extended")
        try expectEqual(try await store.runs(of: queued.id)[0].insights, ["tokens": 5], "insights visible while running")
        clock.advance(by: .seconds(20))
        try expectEqual(try await store.reapExpiredLeases(limit: 10), [], "a renewed lease is not reaped")
        _ = try await store.cancel(queued.id, reason: "user")
        let beats = try await store.heartbeat([JobHeartbeat(id: queued.id, epoch: claimed.epoch)], workerID: worker, lease: lease)
        try expectEqual(beats, [.cancelRequested(reason: "user", mode: .graceful)], "the cancel, its reason and its stop mode reach the worker")
        _ = try await store.purge([queued.id])
        let gone = try await store.heartbeat(JobHeartbeat(id: queued.id, epoch: claimed.epoch), workerID: worker, lease: lease)
        try expectEqual(gone, .gone, "a purged job is gone")
    }
}
