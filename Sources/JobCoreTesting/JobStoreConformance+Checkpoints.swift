import Foundation
@_spi(JobStoreImplementation) import JobCore

/// Checkpoints of running attempts (`JobContext.saveCheckpoint`).
extension JobStoreConformance.Context {
    func checkpoint(_ commit: Character, note: String? = nil) -> JobCheckpoint {
        JobCheckpoint(wipBranch: "jobcore/wip/test", wipBase: String(repeating: "a", count: 40),
                      wipCommit: String(repeating: commit, count: 40), note: note)
    }

    func save(_ checkpoint: JobCheckpoint, _ job: JobRecord) async throws -> JobRecord {
        let epoch = job.epoch
        return try await store.transition(job.id) { record, now throws(JobStoreError) in
            try JobLifecycle.saveCheckpoint(record, checkpoint, epoch: epoch, now: now)
        }
    }

    func checkpointIsFencedAndReachesTheNextAttempt() async throws {
        let running = try await take(try await enqueue(job("long", maxAttempts: 3))[0].id)
        let first = try await save(checkpoint("b", note: "step 1"), running)
        try expectEqual(first.checkpoint?.wipCommit, String(repeating: "b", count: 40), "the checkpoint is saved")
        try expectEqual(first.checkpoint?.epoch, running.epoch, "stamped with the attempt's epoch")
        try expectEqual(first.checkpoint?.note, "step 1", "with its note")
        try expectEqual(try await store.job(running.id).checkpoint, first.checkpoint, "stored as returned")
        try expectEqual(try await store.events(of: running.id).last?.kind, .checkpointed, "an event says so")
        let second = try await save(checkpoint("c"), running)
        try expectEqual(second.checkpoint?.wipCommit, String(repeating: "c", count: 40), "the latest one wins")
        try await expectError(.invalidArgument, "a commit that is not a full id") { _ = try await self.save(self.checkpoint("z"), running) }
        try await expectError(.invalidArgument, "a note over 4 KiB") {
            _ = try await self.save(self.checkpoint("d", note: String(repeating: "n", count: JobCheckpoint.maximumNoteSize + 1)), running)
        }
        var badBranch = checkpoint("d")
        badBranch.wipBranch = "bad..branch"
        try await expectError(.invalidArgument, "an invalid branch") { _ = try await self.save(badBranch, running) }

        // The lease expires: the next attempt receives the checkpoint; the old one can save no more.
        clock.advance(by: lease + .seconds(1))
        _ = try await store.reapExpiredLeases(limit: 10)
        let next = try await take(running.id)
        try expectEqual(next.checkpoint?.wipCommit, String(repeating: "c", count: 40), "the next attempt receives the checkpoint")
        try await expectError(.staleEpoch, "a checkpoint from the attempt that lost its lease") { _ = try await self.save(self.checkpoint("e"), running) }
        let failed = try await store.transition(next.id) { [epoch = next.epoch] record, now throws(JobStoreError) in
            try JobLifecycle.checkpointFailed(record, reason: "remote said no", epoch: epoch, now: now)
        }
        try expectEqual(failed.checkpoint?.wipCommit, String(repeating: "c", count: 40), "a failed checkpoint keeps the previous one")
        try expectEqual(try await store.events(of: next.id).last?.message, "remote said no", "and is an event with the reason")
        try await store.fail(next.id, epoch: next.epoch, error: "timed out")
        _ = try await store.retry(next.id)
        try expectEqual(try await store.job(next.id).checkpoint?.wipCommit, String(repeating: "c", count: 40), "a manual retry keeps it too")
    }
}
