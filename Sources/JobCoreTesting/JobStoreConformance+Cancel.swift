import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func cancelKeepsReasonAndStopMode() async throws {
        let jobs = try await enqueue(job("run"), job("wait"), job("again"))
        let running = try await claimOne()
        // A queued job is cancelled at once and keeps why and how.
        let queued = try await store.cancel(jobs[1].id, reason: "not needed", mode: .immediate)
        try expectEqual(queued.state, .cancelled, "a queued job is cancelled at once")
        try expectEqual(queued.cancelReason, "not needed", "a cancelled queued job records the reason")
        try expectEqual(queued.cancelMode, .immediate, "and the stop mode")
        try expect(!queued.cancelRequested, "nothing is left to request")
        try expectEqual(try await store.job(jobs[1].id), queued, "stored as returned")
        try expectEqual(try await store.events(of: jobs[1].id).last?.message, "not needed", "the reason is in the event")
        // A running job: the request carries the mode to the worker.
        let requested = try await store.cancel(running.id, reason: "kill", mode: .immediate)
        try expect(requested.cancelRequested, "cancel requested")
        try expectEqual(requested.cancelReason, "kill", "reason while requested")
        try expectEqual(requested.cancelMode, .immediate, "stop mode while requested")
        let beat = try await store.heartbeat(JobHeartbeat(id: running.id, epoch: running.epoch), workerID: worker, lease: lease)
        try expectEqual(beat, .cancelRequested(reason: "kill", mode: .immediate), "the worker learns to stop at once")
        let confirmed = try await store.finish(JobFinish(id: running.id, epoch: running.epoch, outcome: .cancelled(reason: "kill")))
        try expectEqual(confirmed.state, .cancelled, "confirmed")
        try expect(!confirmed.cancelRequested, "the request is granted")
        try expectEqual(confirmed.cancelReason, "kill", "the cancelled job keeps the reason")
        try expectEqual(confirmed.cancelMode, .immediate, "and the stop mode")
        try expectEqual(try await store.job(running.id), confirmed, "stored as returned")
        // A retry forgets the cancel.
        let retried = try await store.retry(jobs[1].id)
        try expect(retried.cancelReason == nil && retried.cancelMode == nil && !retried.cancelRequested, "a retry forgets the cancel")
        // Without a mode, a cancel is graceful.
        _ = try await claimOne()
        let again = try await claimOne()
        try expectEqual(try await store.cancel(again.id).cancelMode, .graceful, "graceful by default")
        let graceful = try await store.heartbeat(JobHeartbeat(id: again.id, epoch: again.epoch), workerID: worker, lease: lease)
        try expectEqual(graceful, .cancelRequested(reason: nil, mode: .graceful), "a graceful cancel without a reason")
    }

    func serviceRunsUntilCancelled() async throws {
        let store = self.store
        let service = Task { try await store.run() }
        // The store works while its service runs.
        _ = try await enqueue(job())
        try expectEqual(try await store.count(JobFilter()), 1, "usable while it runs")
        service.cancel()
        try await service.value
        try expectEqual(try await store.count(JobFilter()), 1, "usable after its service stopped")
    }
}
