import Foundation
@_spi(JobStoreImplementation) import JobCore

/// Dependencies between jobs (`JobOptions.dependsOn`).
extension JobStoreConformance.Context {
    func job(dependsOn: [JobID], mode: DependencyMode = .succeeded, maxAttempts: Int = 1) -> NewJob {
        var new = job("dependent", maxAttempts: maxAttempts)
        new.options.dependsOn = dependsOn
        new.options.dependencyMode = mode
        return new
    }

    func claim(_ id: JobID) async throws -> JobRecord {
        let claimed = try await claim(100)
        try expect(claimed.map(\.id).contains(id), "job \(id) should be claimable; claimed \(claimed.map(\.kind))")
        return claimed.first { $0.id == id }!
    }

    func dependentWaitsUntilItsDependenciesSucceed() async throws {
        let dependencies = try await enqueue(job("first"), job("second"))
        let dependent = try await store.enqueue(job(dependsOn: dependencies.map(\.id))).job
        try expectEqual(dependent.state, .waiting, "a job whose dependencies have not ended waits")
        try expectEqual(dependent.pendingDependencies, 2, "for both")
        try expectEqual(dependent.dependsOn, dependencies.map(\.id), "and records them")
        try expectEqual(try await store.job(dependent.id), dependent, "stored as returned")
        try expectEqual(try await store.events(of: dependent.id).map(\.state), [.waiting], "its enqueue event says it waits")
        try expectEqual(try await store.count(JobFilter(states: [.waiting])), 1, "waiting jobs are counted")
        try expectEqual(try await store.list(JobFilter(states: [.waiting]), page: JobPage()).jobs.map(\.id), [dependent.id], "and listed")
        try expectEqual(try await store.health(HealthThresholds()).count(.waiting), 1, "health counts them")
        let claimed = try await claim(100)
        try expectEqual(Set(claimed.map(\.id)), Set(dependencies.map(\.id)), "a waiting job is never claimed")
        try await store.complete(claimed[0].id, epoch: claimed[0].epoch)
        let halfway = try await store.job(dependent.id)
        try expectEqual(halfway.state, .waiting, "one dependency left")
        try expectEqual(halfway.pendingDependencies, 1, "one left")
        try await store.complete(claimed[1].id, epoch: claimed[1].epoch)
        let unblocked = try await store.job(dependent.id)
        try expectEqual(unblocked.state, .queued, "queued in the transaction that ended its last dependency")
        try expectEqual(unblocked.pendingDependencies, 0, "nothing left to wait for")
        let event = try await store.events(of: dependent.id).last
        try expectEqual(event?.kind, .unblocked, "an event says why it was queued")
        try expect(event?.message?.contains(claimed[1].id.rawValue) == true, "naming the last dependency: \(event?.message ?? "nil")")
        _ = try await claim(dependent.id)
    }

    func failedDependencyCancelsTheChain() async throws {
        let root = try await enqueue(job("root", maxAttempts: 1))[0]
        let middle = try await store.enqueue(job(dependsOn: [root.id])).job
        let leaf = try await store.enqueue(job(dependsOn: [middle.id])).job
        try expectEqual(leaf.state, .waiting, "a job can wait for a waiting job")
        let running = try await claim(root.id)
        let other = try await enqueue(job("other"))[0]
        let lenient = try await store.enqueue(job(dependsOn: [root.id, other.id], mode: .finished)).job
        try await store.fail(running.id, epoch: running.epoch, error: "boom")
        let cancelled = try await store.job(middle.id)
        try expectEqual(cancelled.state, .cancelled, "a failed dependency cancels the dependent")
        try expect(cancelled.cancelReason?.contains(root.id.rawValue) == true, "naming the dependency: \(cancelled.cancelReason ?? "nil")")
        let cascaded = try await store.job(leaf.id)
        try expectEqual(cascaded.state, .cancelled, "and the cancel cascades down the graph")
        try expect(cascaded.cancelReason?.contains(middle.id.rawValue) == true, "naming its own dependency: \(cascaded.cancelReason ?? "nil")")
        try expectEqual(try await store.job(lenient.id).state, .waiting, "finished mode: a failure counts as an end")
        try await store.cancel(other.id, reason: "not needed")
        try expectEqual(try await store.job(lenient.id).state, .queued, "finished mode runs after every dependency ended, however")
        // Enqueued after its dependency already failed: cancelled at once; after one succeeded: queued.
        let late = try await store.enqueue(job(dependsOn: [root.id])).job
        try expectEqual(late.state, .cancelled, "a dependency that already failed cancels the new job")
        try expect(late.cancelReason?.contains(root.id.rawValue) == true, "naming it")
        let done = try await enqueue(job("done"))[0]
        let claimedDone = try await claim(done.id)
        try await store.complete(claimedDone.id, epoch: claimedDone.epoch)
        try expectEqual(try await store.enqueue(job(dependsOn: [done.id])).job.state, .queued, "a dependency that already succeeded is no wait")
    }

    func dependencyEndsByCancelLeaseOrPurge() async throws {
        // A lease that runs out with no attempt left fails the dependency.
        let expiring = try await enqueue(job("expiring", maxAttempts: 1))[0]
        let afterExpiry = try await store.enqueue(job(dependsOn: [expiring.id])).job
        _ = try await claim(expiring.id)
        clock.advance(by: lease + .seconds(1))
        _ = try await store.reapExpiredLeases(limit: 10)
        try expectEqual(try await store.job(afterExpiry.id).state, .cancelled, "an expired lease that fails the dependency cancels the dependent")
        // A cancelled queued dependency.
        let queued = try await enqueue(job("queued"))[0]
        let afterCancel = try await store.enqueue(job(dependsOn: [queued.id])).job
        try await store.cancel(queued.id)
        try expectEqual(try await store.job(afterCancel.id).state, .cancelled, "cancelling a dependency cancels the dependent")
        // A purged dependency counts as cancelled.
        let purged = try await enqueue(job("purged"))[0]
        let strict = try await store.enqueue(job(dependsOn: [purged.id])).job
        let lenient = try await store.enqueue(job(dependsOn: [purged.id], mode: .finished)).job
        try expectEqual(try await store.purge([purged.id]), 1, "purged")
        let strictAfter = try await store.job(strict.id)
        try expectEqual(strictAfter.state, .cancelled, "purging a dependency cancels a strict dependent")
        try expect(strictAfter.cancelReason?.contains("purged") == true, "saying so: \(strictAfter.cancelReason ?? "nil")")
        try expectEqual(try await store.job(lenient.id).state, .queued, "and unblocks a lenient one")
        // Purging a waiting dependent leaves its dependency alone.
        let kept = try await enqueue(job("kept"))[0]
        let dropped = try await store.enqueue(job(dependsOn: [kept.id])).job
        try expectEqual(try await store.purge([dropped.id]), 1, "a waiting job can be purged")
        let claimed = try await claim(kept.id)
        try await store.complete(claimed.id, epoch: claimed.epoch)
        try expectEqual(try await store.job(kept.id).state, .succeeded, "its dependency ends normally")
    }

    func unknownDependencyCreatesNothing() async throws {
        let existing = try await enqueue(job("existing"))[0]
        let unknown = JobID.make(at: clock.now)
        try await expectError(.notFound, "an unknown dependency") {
            try await store.enqueue([job("fine"), job(dependsOn: [existing.id, unknown])])
        }
        try expectEqual(try await store.count(JobFilter()), 1, "nothing of the batch was created")
        try expect(!(try await store.job(existing.id).hasDependents), "the existing job did not get a dependent")
        var tooMany = job(dependsOn: [])
        tooMany.options.dependsOn = Array(repeating: existing.id, count: JobOptions.maximumDependencies + 1)
        try await expectError(.invalidArgument, "too many dependencies") { try await store.enqueue(tooMany) }
        let repeated = try await store.enqueue(job(dependsOn: [existing.id, existing.id])).job
        try expectEqual(repeated.dependsOn, [existing.id], "a repeated dependency counts once")
        try expectEqual(repeated.pendingDependencies, 1, "once")
    }

    func manualRetryWaitsAgainForUnfinishedDependencies() async throws {
        let dependency = try await enqueue(job("dependency", maxAttempts: 1))[0]
        let dependent = try await store.enqueue(job(dependsOn: [dependency.id])).job
        let running = try await claim(dependency.id)
        try await store.fail(running.id, epoch: running.epoch, error: "boom")
        try expectEqual(try await store.job(dependent.id).state, .cancelled, "cancelled with its dependency")
        try expectEqual(try await store.retry(dependency.id).state, .queued, "the dependency is retried")
        let retried = try await store.retry(dependent.id)
        try expectEqual(retried.state, .waiting, "a retried dependent waits again for a dependency that has not ended")
        try expectEqual(try await store.job(dependent.id), retried, "stored as returned")
        let again = try await claim(dependency.id)
        try await store.complete(again.id, epoch: again.epoch)
        try expectEqual(try await store.job(dependent.id).state, .queued, "and runs once it succeeded")
    }

    func unblockingManyDependentsIsOneTransition() async throws {
        let root = try await enqueue(job("root"))[0]
        let dependents = try await store.enqueue(Array(repeating: job(dependsOn: [root.id]), count: 300)).map(\.job)
        try expect(dependents.allSatisfy { $0.state == .waiting }, "all wait")
        try expect(try await store.job(root.id).hasDependents, "the dependency knows it has dependents")
        let running = try await claim(root.id)
        let finished = try await store.complete(running.id, epoch: running.epoch)
        try expectEqual(finished.state, .succeeded, "the dependency succeeded")
        try expectEqual(try await store.count(JobFilter(states: [.queued])), 300, "every dependent is queued by the same write")
        try expectEqual(try await store.count(JobFilter(states: [.waiting])), 0, "none waits")
    }

    func batchJobsDependOnEarlierOnes() async throws {
        var second = job(dependsOn: [])
        second.dependsOnEarlierEntries = [0]
        var third = job(dependsOn: [], mode: .finished)
        third.dependsOnEarlierEntries = [0, 1]
        let jobs = try await store.enqueue([job("first"), second, third]).map(\.job)
        try expectEqual(jobs.map(\.state), [.queued, .waiting, .waiting], "later jobs of a batch wait for earlier ones")
        try expectEqual(jobs[2].dependsOn, [jobs[0].id, jobs[1].id], "by their new ids")
        try expectEqual(try await store.job(jobs[2].id), jobs[2], "stored as returned")
        try expect(try await store.job(jobs[0].id).hasDependents, "the earlier job knows it has dependents")
        let first = try await claim(jobs[0].id)
        try await store.complete(first.id, epoch: first.epoch)
        try expectEqual(try await store.job(jobs[1].id).state, .queued, "unblocked")
        try expectEqual(try await store.job(jobs[2].id).pendingDependencies, 1, "one left")
        // An earlier job of the batch created cancelled (its stored dependency failed) cancels its dependents.
        let failing = try await enqueue(job("failing", maxAttempts: 1))[0]
        let running = try await claim(failing.id)
        try await store.fail(running.id, epoch: running.epoch, error: "boom")
        var follower = job(dependsOn: [])
        follower.dependsOnEarlierEntries = [0]
        let chain = try await store.enqueue([job(dependsOn: [failing.id]), follower]).map(\.job)
        try expectEqual(chain.map(\.state), [.cancelled, .cancelled], "a cancel at enqueue passes on inside the batch")
        // Invalid references create nothing.
        let before = try await store.count(JobFilter())
        var forward = job(dependsOn: [])
        forward.dependsOnEarlierEntries = [1]
        try await expectError(.invalidArgument, "a reference to a later job") { try await store.enqueue([forward, job("later")]) }
        var keyed = job("keyed")
        keyed.options.idempotencyKey = "plan-key"
        var onKeyed = job(dependsOn: [])
        onKeyed.dependsOnEarlierEntries = [0]
        try await expectError(.invalidArgument, "a reference to a job with an idempotency key") { try await store.enqueue([keyed, onKeyed]) }
        try expectEqual(try await store.count(JobFilter()), before, "nothing was created")
    }
}
