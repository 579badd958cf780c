import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func rescheduleMovesRunAtOfQueuedJob() async throws {
        let later = clock.now.addingTimeInterval(3600)
        let queued = try await enqueue(job("later", runAt: later))[0]
        try expectEqual(try await claim(10).count, 0, "not due yet")
        try await expectError(.conflict, "a stale version") {
            try await store.reschedule(queued.id, runAt: clock.now, expectedVersion: queued.version - 1)
        }
        try expectEqual(try await store.job(queued.id).runAt, later, "a refused reschedule changes nothing")
        try await expectError(.invalidArgument, "a run-at beyond the longest delay") {
            try await store.reschedule(queued.id, runAt: clock.now.addingTimeInterval(JobOptions.maximumDelay.timeInterval + 60))
        }
        let moved = try await store.reschedule(queued.id, runAt: clock.now, expectedVersion: queued.version)
        try expectEqual(moved.runAt, clock.now, "run-at moved")
        try expectEqual(moved.version, queued.version + 1, "the version increases")
        try expectEqual(try await store.job(queued.id).runAt, clock.now, "stored")
        try expectEqual(try await store.events(of: queued.id).map(\.kind), [.enqueued, .rescheduled], "events")
        let claimed = try await claimOne()
        try expectEqual(claimed.id, queued.id, "due now")
        try await expectError(.invalidState, "a running job") { try await store.reschedule(queued.id, runAt: later) }
        try await expectError(.notFound, "an unknown job") {
            try await store.reschedule(JobID("01AAAAAAAAAAAAAAAAAAAAAAAA"), runAt: later)
        }
    }
}
