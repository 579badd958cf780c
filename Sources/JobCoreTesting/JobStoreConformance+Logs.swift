import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func logsAreBoundedFencedAndReadableFromOffset() async throws {
        let queued = try await enqueue(job())[0]
        try await expectError(.staleEpoch, "a queued job takes no output") { try await store.appendLog(queued.id, epoch: 0, Data("x".utf8)) }
        let claimed = try await claimOne()
        let empty = try await store.readLog(queued.id, from: 0, maxBytes: 100)
        try expect(empty.data.isEmpty && empty.size == 0 && !empty.truncated, "empty log")
        _ = try await store.appendLog(queued.id, epoch: claimed.epoch, Data("hello ".utf8))
        let appended = try await store.appendLog(queued.id, epoch: claimed.epoch, Data("world\n".utf8))
        try expectEqual(appended.size, 12, "size")
        let whole = try await store.readLog(queued.id, from: 0, maxBytes: 1000)
        try expectEqual(String(decoding: whole.data, as: UTF8.self), "hello world\n", "the whole log")
        let tail = try await store.readLog(queued.id, from: 6, maxBytes: 3)
        try expectEqual(String(decoding: tail.data, as: UTF8.self), "wor", "from an offset, bounded")
        try expectEqual(tail.nextOffset, 9, "next offset")
        let end = try await store.readLog(queued.id, from: 12, maxBytes: 10)
        try expect(end.data.isEmpty && end.nextOffset == 12, "nothing new at the end")
        // Fill past the limit in chunks.
        let limit = store.maxLogBytes
        let chunk = Data(repeating: UInt8(ascii: "x"), count: 64 * 1024)
        var size = appended.size
        var last = appended
        while size < limit + chunk.count {
            last = try await store.appendLog(queued.id, epoch: claimed.epoch, chunk)
            size += chunk.count
        }
        try expectEqual(last.size, limit, "kept up to the limit")
        try expect(last.truncated && last.accepted == 0, "marked truncated, nothing more accepted")
        let cut = try await store.readLog(queued.id, from: limit - 4, maxBytes: 100)
        try expect(cut.truncated && cut.data.count == 4 && cut.size == limit, "the reader sees the mark")
        try await store.complete(queued.id, epoch: claimed.epoch)
        try await expectError(.staleEpoch, "a finished attempt takes no output") {
            try await store.appendLog(queued.id, epoch: claimed.epoch, Data("late".utf8))
        }
        try expectEqual(try await store.readLog(queued.id, from: 0, maxBytes: 5).data, Data("hello".utf8), "readable after the job finished")
        try await expectError(.notFound, "an unknown job") { try await store.readLog(JobID("01AAAAAAAAAAAAAAAAAAAAAAAA"), from: 0, maxBytes: 1) }
    }

    func corruptRecordIsQuarantined() async throws {
        let jobs = try await enqueue(job("good"), job("bad"), job("running"))
        let running = try await claim(3)
        try expectEqual(running.count, 3, "claimed")
        try await store.complete(jobs[0].id, epoch: running[0].epoch)
        try await store.complete(jobs[1].id, epoch: running[1].epoch)
        let clean = try await store.validate()
        try expect(clean.isClean, "a healthy store validates clean: \(clean)")
        guard let corrupt else {
            try expectEqual(try await store.quarantined(), [], "nothing quarantined")
            return
        }
        try await corrupt(store, jobs[1].id)
        let report = try await store.validate()
        try expectEqual(report.quarantined.map(\.id), [jobs[1].id.rawValue], "the damaged record is quarantined")
        try expect(!(report.quarantined.first?.reason.isEmpty ?? true), "with a reason")
        try expect(report.orphanRunsRemoved >= 1 && report.orphanEventsRemoved >= 1, "its runs and events are removed as orphans: \(report)")
        try expectEqual(try await store.quarantined().map(\.id), [jobs[1].id.rawValue], "listed in quarantine")
        try await expectError(.notFound, "the quarantined job is no longer a job") { try await store.job(jobs[1].id) }
        try expectEqual(try await store.list(JobFilter(), page: JobPage(limit: 10)).jobs.map(\.kind).sorted(), ["good", "running"], "the rest is intact")
        try expect(try await store.validate().isClean, "a second validation finds nothing")
        // Damage found later, outside validation, never crashes and never hides the record.
        try await corrupt(store, jobs[2].id)
        let listed = try await store.list(JobFilter(), page: JobPage(limit: 10)).jobs.map(\.kind)
        try expectEqual(listed, ["good"], "a listing quarantines what it cannot decode")
        try expectEqual(Set(try await store.quarantined().map(\.id)), [jobs[1].id.rawValue, jobs[2].id.rawValue], "both quarantined")
    }
}
