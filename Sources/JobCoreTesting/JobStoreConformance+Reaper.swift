import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func reaperHandlesExpiredLeases() async throws {
        let jobs = try await enqueue(job("retry", key: "k", maxAttempts: 2), job("last", maxAttempts: 1), job("cancel"), job("fresh"))
        let claimed = try await claim(3)
        try expectEqual(claimed.map(\.kind), ["retry", "last", "cancel"], "claimed")
        _ = try await store.cancel(jobs[2].id)
        clock.advance(by: .seconds(20))
        let fresh = try await claimOne()
        clock.advance(by: .seconds(11))
        try expectEqual(try await store.reapExpiredLeases(limit: 1).count, 1, "the limit is honoured")
        let reaped = try await store.reapExpiredLeases(limit: 100)
        try expectEqual(reaped.count, 2, "the rest of the expired leases")
        let states = Dictionary(uniqueKeysWithValues: try await store.list(JobFilter(), page: JobPage(limit: 10)).jobs.map { ($0.kind, $0) })
        try expectEqual(states["retry"]?.state, .queued, "attempts left: back to the queue")
        try expect(states["retry"]?.lastError?.contains("expired") == true, "with the reason: \(states["retry"]?.lastError ?? "nil")")
        try expectEqual(states["last"]?.state, .failed, "no attempt left: failed")
        try expectEqual(states["cancel"]?.state, .cancelled, "a pending cancel: cancelled")
        try expectEqual(states["fresh"]?.state, .running, "an unexpired lease is left alone")
        try expectEqual(try await store.runs(of: jobs[0].id).map(\.outcome), [.leaseExpired], "run outcome")
        try expectEqual(try await store.events(of: jobs[0].id).map(\.kind), [.enqueued, .claimed, .leaseExpired], "events")
        try expectEqual(try await store.events(of: jobs[1].id).map(\.kind), [.enqueued, .claimed, .leaseExpired, .failed], "events of the failed job")
        let again = try await claim(10)
        try expectEqual(again.map(\.kind), ["retry"], "the requeued job runs again; its key was freed")
        try expectEqual(again.first?.attempt, 2, "as its second attempt")
        try await store.complete(fresh.id, epoch: fresh.epoch)
    }

    func healthReportsCountsCapacityAndAlerts() async throws {
        let start = clock.now
        _ = try await store.enqueue((0..<6).map { _ in job() } + [job(runAt: start.addingTimeInterval(3600))])
        let claimed = try await claim(2)
        try await store.complete(claimed[1].id, epoch: claimed[1].epoch)
        // Heartbeats every 60 s: silent for 90 s is not yet gone (three intervals).
        _ = try await store.announce(WorkerAnnouncement(id: "w1", queue: JobOptions.defaultQueue, seats: 4, heartbeatInterval: .seconds(60)))
        _ = try await store.announce(WorkerAnnouncement(id: "w2", queue: JobOptions.defaultQueue, seats: 2, heartbeatInterval: .seconds(60)))
        clock.advance(by: .seconds(90))
        _ = try await store.heartbeat(JobHeartbeat(id: claimed[0].id, epoch: claimed[0].epoch), workerID: worker, lease: lease)
        let calm = try await store.health(HealthThresholds(longRunning: .seconds(3600), queueDepth: 10))
        try expectEqual(calm.timestamp, clock.now, "timestamp")
        try expectEqual(calm.count(.queued), 5, "queued")
        try expectEqual(calm.count(.running), 1, "running")
        try expectEqual(calm.count(.succeeded), 1, "succeeded")
        try expectEqual(calm.count(.failed), 0, "failed")
        try expectEqual(calm.running, 1, "running")
        try expectEqual(calm.due, 4, "due excludes scheduled jobs")
        try expectEqual(calm.capacity, 6, "capacity of announced workers")
        try expectEqual(calm.workers, 2, "workers")
        try expectEqual(calm.oldestRunningAgeSeconds, 90, "oldest running age")
        try expectEqual(calm.alerts, [], "no alerts")
        try expectEqual(calm.oldestDueAgeSeconds, 90, "oldest due age")
        try expectEqual(calm.queues, [
            JobStoreHealth.Queue(name: JobOptions.defaultQueue, queued: 5, due: 4, running: 1, oldestDueAgeSeconds: 90),
        ], "the default queue's figures")
        _ = try await enqueue(job(runAt: start.addingTimeInterval(30), queue: "zz-other"))
        let two = try await store.health(HealthThresholds(longRunning: .seconds(3600), queueDepth: 10))
        try expectEqual(two.queues.map(\.name), [JobOptions.defaultQueue, "zz-other"], "queues by name")
        try expectEqual(two.queues.last, JobStoreHealth.Queue(name: "zz-other", queued: 1, due: 1, oldestDueAgeSeconds: 60), "the other queue")
        try expectEqual(two.due, 5, "due across queues")
        try expectEqual(two.oldestDueAgeSeconds, 90, "the oldest due job of any queue")
        try await store.withdraw(workerID: "w2")
        let alarmed = try await store.health(HealthThresholds(longRunning: .seconds(60), queueDepth: 3))
        try expectEqual(Set(alarmed.alerts.map(\.kind)), [.longRunning, .deepQueue], "both alerts")
        try expectEqual(alarmed.alerts.first { $0.kind == .longRunning }?.jobID, claimed[0].id, "the long-running job")
        try expectEqual(alarmed.capacity, 4, "a withdrawn worker no longer counts")
        clock.advance(by: .seconds(600))
        let silent = try await store.health(HealthThresholds())
        try expectEqual(silent.workers, 0, "silent workers drop out")
        try expectEqual(silent.fleet.gone, 2, "as gone")
    }
}
