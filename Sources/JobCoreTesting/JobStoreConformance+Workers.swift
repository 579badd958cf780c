import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func workerRegistryTracksDrainsAndPrunes() async throws {
        let start = clock.now
        func announce(_ id: String, pid: Int = 100, load: Int = 0) async throws -> WorkerDirective {
            try await store.announce(WorkerAnnouncement(
                id: id, host: "host-a", pid: pid, version: "9.9.9", queue: "q", capabilities: ["gpu", "engine:claude"],
                labels: ["zone": "eu"], seats: 8, load: load, heartbeatInterval: .seconds(10)
            ))
        }
        try expectEqual(try await announce("w1"), .run, "a new worker runs")
        try expectEqual(try await announce("w2"), .run, "a second one")
        let listed = try await store.workers()
        try expectEqual(listed.map(\.id), ["w1", "w2"], "workers by id")
        try expectEqual(listed.first, WorkerRecord(
            id: "w1", host: "host-a", pid: 100, version: "9.9.9", queue: "q", capabilities: ["engine:claude", "gpu"],
            labels: ["zone": "eu"], seats: 8, load: 0, state: .active, startedAt: start, lastSeenAt: start, heartbeatIntervalSeconds: 10
        ), "every field kept, capabilities sorted")

        // A heartbeat renews last-seen and load; the start stays.
        clock.advance(by: .seconds(10))
        _ = try await announce("w1", load: 3)
        let renewed = try await store.workers().first { $0.id == "w1" }
        try expectEqual(renewed?.load, 3, "load")
        try expectEqual(renewed?.lastSeenAt, clock.now, "last seen")
        try expectEqual(renewed?.startedAt, start, "started at the first announcement")

        // Drain: the worker learns at its next announcement, and stays draining.
        let drained = try await store.drainWorker("w1")
        try expectEqual(drained.state, .draining, "draining")
        try expectEqual(try await announce("w1", load: 2), .drain, "asked to drain")
        try expectEqual(try await announce("w1", load: 1), .drain, "still")
        try expectEqual(try await store.drainWorker("w1").state, .draining, "draining twice changes nothing")
        try await expectError(.notFound, "an unknown worker") { _ = try await store.drainWorker("nobody") }

        // Three silent heartbeat intervals: gone (w2 was last seen 10 s earlier than w1).
        clock.advance(by: .seconds(25))
        try expectEqual(try await store.workers().map(\.state), [.draining, .gone], "w2 silent for 35 s")
        try await expectError(.invalidState, "a gone worker cannot drain") { _ = try await store.drainWorker("w2") }
        let health = try await store.health(HealthThresholds())
        try expectEqual(health.fleet.draining, 1, "health: draining")
        try expectEqual(health.fleet.gone, 1, "health: gone")
        try expectEqual(health.fleet.load, 1, "health: load of the living")
        try expectEqual(health.capacity, 0, "a draining worker claims nothing")

        // The worker exits; the same id in a new process starts anew, active.
        try await store.withdraw(workerID: "w1")
        try expectEqual(try await store.workers().first?.state, .gone, "withdrawn")
        clock.advance(by: .seconds(1))
        try expectEqual(try await announce("w1", pid: 200), .run, "a new process with the same id runs")
        let restarted = try await store.workers().first
        try expectEqual(restarted?.state, .active, "active again")
        try expectEqual(restarted?.startedAt, clock.now, "started anew")

        // A gone worker with a job still leased to it raises an alert.
        let job = try await enqueue(job(queue: "q"))[0]
        _ = try await store.announce(WorkerAnnouncement(id: "w3", queue: "q", seats: 1, load: 1, heartbeatInterval: .seconds(10)))
        let claimed = try await store.claim(ClaimRequest(workerID: "w3", limit: 1, lease: .seconds(3600), keyLimit: 1, queue: "q"))
        try expectEqual(claimed.map(\.id), [job.id], "w3 runs the job")
        clock.advance(by: .seconds(31))
        let alarmed = try await store.health(HealthThresholds())
        try expectEqual(alarmed.fleet.goneWithJobs.map(\.id), ["w3"], "w3 is gone with a job")
        try expectEqual(alarmed.fleet.goneWithJobs.first?.runningJobs, 1, "one job")
        try expect(alarmed.alerts.contains { $0.kind == .workerGone && $0.message.contains("w3") }, "an alert names it")

        // Pruning removes workers last seen before the date, and only those.
        try expectEqual(try await store.pruneWorkers(seenBefore: start.addingTimeInterval(5)), 1, "w2 was seen at the start only")
        try expectEqual(try await store.workers().map(\.id), ["w1", "w3"], "the rest stay")
    }
}
