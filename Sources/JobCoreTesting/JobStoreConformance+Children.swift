import Foundation
@_spi(JobStoreImplementation) import JobCore

/// Parent and child jobs (`NewJob.parent`, groups, plans).
extension JobStoreConformance.Context {
    /// A child added by the running attempt of `parent`.
    func child(of parent: JobRecord, _ kind: String = "child", maxAttempts: Int = 1) -> NewJob {
        var new = job(kind, maxAttempts: maxAttempts)
        new.parent = NewJob.Parent(id: parent.id, epoch: parent.epoch)
        return new
    }

    /// Claims exactly the job `id`, by its kind (which the checks keep unique among queued jobs).
    func take(_ id: JobID) async throws -> JobRecord {
        let record = try await store.job(id)
        let claimed = try await claim(1, kinds: [record.kind])
        try expect(claimed.first?.id == id, "job \(id) (\(record.kind)) should be claimed; claimed \(claimed.map(\.id))")
        return claimed[0]
    }

    func parentWaitsForChildrenAndTakesTheirOutcome() async throws {
        let parent = try await take(try await enqueue(job("parent"))[0].id)
        let children = try await store.enqueue([child(of: parent, "a"), child(of: parent, "b")])
        try expect(children.allSatisfy { $0.created && $0.job.parentID == parent.id }, "children record their parent")
        try expectEqual(try await store.job(parent.id).pendingChildren, 2, "the parent counts them in the same transaction")
        try expectEqual(try await store.list(JobFilter(parent: parent.id), page: JobPage(order: .oldestFirst)).jobs.map(\.id),
                        children.map(\.job.id), "list filters by parent")
        try expectEqual(try await store.count(JobFilter(parent: parent.id)), 2, "and count")
        let first = try await take(children[0].job.id)
        try await store.complete(first.id, epoch: first.epoch)
        try expectEqual(try await store.job(parent.id).state, .running, "a child ending changes nothing while the parent runs")
        let detail = try await store.detail(parent.id)
        try expectEqual(detail.record, try await store.job(parent.id), "detail: the record")
        try expectEqual(detail.runs, try await store.runs(of: parent.id), "detail: the runs")
        try expectEqual(detail.childCounts, [.succeeded: 1, .queued: 1], "detail: the children by state")
        try expectEqual(try await store.detail(first.id).childCounts, [:], "a job without children has no counts")
        try await expectError(.notFound, "detail of an unknown job") { try await store.detail(JobID("01AAAAAAAAAAAAAAAAAAAAAAAA")) }
        let done = try await store.complete(parent.id, epoch: parent.epoch, result: Data("42".utf8))
        try expectEqual(done.state, .waiting, "a parent whose attempt succeeded waits for its unfinished children")
        try expectEqual(done.pendingChildren, 1, "one left")
        try expectEqual(try await store.events(of: parent.id).last?.state, .waiting, "an event says it waits")
        try expectEqual(try await claim(10).map(\.id), [children[1].job.id],
                        "a waiting parent is never claimed")
        let second = try await store.job(children[1].job.id)
        try await store.complete(second.id, epoch: second.epoch)
        let succeeded = try await store.job(parent.id)
        try expectEqual(succeeded.state, .succeeded, "the parent ends with its last child, in the same transaction")
        try expectEqual(succeeded.result, Data("42".utf8), "keeping its own result")
        try expect(succeeded.finishedAt != nil, "and a finish time")

        // A child that fails (after its own retries) fails its parent, named in the error.
        let failing = try await take(try await enqueue(job("parent"))[0].id)
        let kids = try await store.enqueue([child(of: failing, "ok"), child(of: failing, "bad", maxAttempts: 2)])
        try await store.complete(failing.id, epoch: failing.epoch)
        let bad = try await take(kids[1].job.id)
        let retried = try await store.fail(bad.id, epoch: bad.epoch, error: "boom", retryAt: clock.now)
        try expectEqual(retried.state, .queued, "the child retries on its own")
        try expectEqual(try await store.job(failing.id).state, .waiting, "the parent waits through the child's retries")
        let badAgain = try await take(kids[1].job.id)
        try await store.fail(badAgain.id, epoch: badAgain.epoch, error: "boom again")
        let ok = try await take(kids[0].job.id)
        try await store.complete(ok.id, epoch: ok.epoch)
        let failed = try await store.job(failing.id)
        try expectEqual(failed.state, .failed, "a parent with a failed child fails once all have ended")
        try expect(failed.lastError?.contains(kids[1].job.id.rawValue) == true, "naming the failed child: \(failed.lastError ?? "nil")")
        try expect(failed.lastError?.contains(kids[0].job.id.rawValue) == false, "and only it")

        // A manual retry of the failed child while the parent waits counts it again.
        let waitingParent = try await take(try await enqueue(job("parent"))[0].id)
        let pair = try await store.enqueue([child(of: waitingParent, "x"), child(of: waitingParent, "y")])
        try await store.complete(waitingParent.id, epoch: waitingParent.epoch)
        let x = try await take(pair[0].job.id)
        try await store.fail(x.id, epoch: x.epoch, error: "flaky")
        try expectEqual(try await store.job(waitingParent.id).failedChildren, 1, "the failure is counted")
        _ = try await store.retry(x.id)
        let revived = try await store.job(waitingParent.id)
        try expectEqual(revived.pendingChildren, 2, "a retried child is waited for again")
        try expectEqual(revived.failedChildren, 0, "and its failure forgotten")
        for id in [pair[0].job.id, pair[1].job.id] {
            let running = try await take(id)
            try await store.complete(running.id, epoch: running.epoch)
        }
        try expectEqual(try await store.job(waitingParent.id).state, .succeeded, "then the parent succeeds with them")
    }

    func onlyTheRunningAttemptAddsChildren() async throws {
        let parent = try await take(try await enqueue(job("parent", maxAttempts: 2))[0].id)
        let before = try await store.count(JobFilter())
        var stale = child(of: parent)
        stale.parent?.epoch = parent.epoch + 1
        try await expectError(.staleEpoch, "a child from another epoch") { _ = try await self.store.enqueue([self.job("sibling"), stale]) }
        var unfenced = child(of: parent)
        unfenced.parent?.epoch = nil
        try await expectError(.invalidArgument, "a child of a stored job without the attempt's epoch") { _ = try await self.store.enqueue(unfenced) }
        var orphan = job("orphan")
        orphan.parent = NewJob.Parent(id: JobID.make(at: clock.now), epoch: 1)
        try await expectError(.notFound, "a child of a job that does not exist") { _ = try await self.store.enqueue(orphan) }
        try await expectError(.invalidArgument, "a group without children") { _ = try await self.store.enqueue(NewJob.group()) }
        try expectEqual(try await store.count(JobFilter()), before, "nothing was created")
        try expectEqual(try await store.job(parent.id).pendingChildren, 0, "nor counted")
        // Idempotency keys add a child once across attempts.
        var keyed = child(of: parent)
        keyed.options.idempotencyKey = "parent-child-1"
        _ = try await store.enqueue(keyed)
        try await store.fail(parent.id, epoch: parent.epoch, error: "crash", retryAt: clock.now)
        let second = try await take(parent.id)
        keyed.parent?.epoch = second.epoch
        try expect(!(try await store.enqueue(keyed).created), "the next attempt finds the child it added before")
        try expectEqual(try await store.job(parent.id).pendingChildren, 1, "counted once")
    }

    func groupEndsWithItsChildrenAndUnblocksDependents() async throws {
        var wave1 = NewJob.group()
        wave1.options.priority = 0
        var a = job("a")
        a.parentEntry = 0
        var b = job("b")
        b.parentEntry = 0
        var wave2 = job("wave2")
        wave2.dependsOnEarlierEntries = [0]
        let created = try await store.enqueue([wave1, a, b, wave2])
        let group = created[0].job
        try expectEqual(group.state, .waiting, "a group waits for its children from the start")
        try expectEqual(group.pendingChildren, 2, "counting the children of its batch")
        try expect(group.isGroup, "and is a group")
        try expectEqual(created[3].job.state, .waiting, "its dependent waits")
        let claimed = try await claim(100)
        try expectEqual(Set(claimed.map(\.id)), [created[1].job.id, created[2].job.id], "a group is never claimed; its children are")
        for running in claimed { try await store.complete(running.id, epoch: running.epoch) }
        try expectEqual(try await store.job(group.id).state, .succeeded, "the group succeeds with its children")
        try expectEqual(try await store.job(created[3].job.id).state, .queued, "and its end unblocks its dependent, in the same transaction")
        try await expectError(.invalidState, "retrying a group") { _ = try await self.store.retry(group.id) }

        // Children created with a group wait for its dependencies; a failed dependency cancels them all.
        let gate = try await take(try await enqueue(job("gate"))[0].id)
        var held = NewJob.group(options: JobOptions(dependsOn: [gate.id]))
        held.options.dependencyMode = .succeeded
        var inside = job("inside")
        inside.parentEntry = 0
        let blocked = try await store.enqueue([held, inside])
        try expectEqual(blocked[1].job.state, .waiting, "a child of a group waits for the group's dependencies")
        try await store.fail(gate.id, epoch: gate.epoch, error: "gate failed")
        try expectEqual(try await store.job(blocked[0].job.id).state, .cancelled, "the group is cancelled")
        try expectEqual(try await store.job(blocked[1].job.id).state, .cancelled, "and its child")
    }

    func cancellingOrPurgingAParentCancelsItsSubtree() async throws {
        let parent = try await take(try await enqueue(job("parent"))[0].id)
        var grandGroup = NewJob.group()
        grandGroup.parent = NewJob.Parent(id: parent.id, epoch: parent.epoch)
        var grandchild = job("grandchild")
        grandchild.parentEntry = 0
        let added = try await store.enqueue([grandGroup, grandchild, child(of: parent, "running-child")])
        let runningChild = try await take(added[2].job.id)
        try await store.cancel(parent.id, reason: "stop", mode: .immediate)
        let requested = try await store.job(runningChild.id)
        try expect(requested.cancelRequested, "a running child gets a cancel request with its parent's")
        try expectEqual(requested.cancelMode, .immediate, "in the same mode")
        try expect(requested.cancelReason?.contains(parent.id.rawValue) == true, "naming the parent: \(requested.cancelReason ?? "nil")")
        try expectEqual(try await store.job(added[0].job.id).state, .cancelled, "a waiting child is cancelled")
        try expectEqual(try await store.job(added[1].job.id).state, .cancelled, "and its own children, down the tree")

        // Purging a parent (even one that ended) cancels its children that have not ended.
        let second = try await take(try await enqueue(job("parent"))[0].id)
        let orphans = try await store.enqueue([child(of: second, "one"), child(of: second, "two")])
        try await store.fail(second.id, epoch: second.epoch, error: "gave up")
        try expectEqual(try await store.job(orphans[0].job.id).state, .queued, "a failed parent leaves its children running")
        _ = try await store.purge([second.id])
        for orphan in orphans {
            let record = try await store.job(orphan.job.id)
            try expectEqual(record.state, .cancelled, "a purged parent's children are cancelled")
            try expect(record.cancelReason?.contains("purged") == true, "saying so: \(record.cancelReason ?? "nil")")
        }

        // Purging an unfinished child ends it for its parent.
        let third = try await take(try await enqueue(job("parent"))[0].id)
        let only = try await store.enqueue(child(of: third, "only"))
        try await store.complete(third.id, epoch: third.epoch)
        _ = try await store.purge([only.job.id])
        let ended = try await store.job(third.id)
        try expectEqual(ended.state, .failed, "a parent whose last child was purged ends, failed")
        try expect(ended.lastError?.contains(only.job.id.rawValue) == true, "naming it")
    }

    func planWithChildrenIsOneBatch() async throws {
        let plan = JobPlan(jobs: [
            JobPlan.Job(name: "wave2", job: job("merge"), dependsOn: ["wave1"]),
            JobPlan.Job(name: "wave1", job: .group(), children: [
                JobPlan.Job(name: "w1-a", job: job("a")),
                JobPlan.Job(name: "w1-b", job: job("b"), children: [JobPlan.Job(name: "w1-b-1", job: job("b1"))]),
            ]),
        ])
        let ids = try await DurableJobQueue(store: store).submit(plan)
        try expectEqual(ids.count, 5, "every job of the tree is created")
        let group = try await store.job(ids["wave1"]!.job.id)
        try expectEqual(group.pendingChildren, 2, "the group holds its direct children")
        try expectEqual(try await store.job(ids["w1-b-1"]!.job.id).parentID, ids["w1-b"]!.job.id, "children nest")
        try expectEqual(try await store.job(ids["wave2"]!.job.id).state, .waiting, "the next wave waits for the group")
        // Run the tree: b's own attempt, then its child, then a.
        let b = try await take(ids["w1-b"]!.job.id)
        try await store.complete(b.id, epoch: b.epoch)
        try expectEqual(try await store.job(b.id).state, .waiting, "b waits for its child")
        for name in ["w1-b-1", "w1-a"] {
            let running = try await take(ids[name]!.job.id)
            try await store.complete(running.id, epoch: running.epoch)
        }
        try expectEqual(try await store.job(b.id).state, .succeeded, "b ends with its child")
        try expectEqual(try await store.job(group.id).state, .succeeded, "the group with its children")
        try expectEqual(try await store.job(ids["wave2"]!.job.id).state, .queued, "and the next wave is queued")

        let before = try await store.count(JobFilter())
        let dependsOnItsGroup = JobPlan(jobs: [
            JobPlan.Job(name: "g", job: .group(), children: [JobPlan.Job(name: "x", job: job("x"), dependsOn: ["g"])]),
        ])
        try await expectError(.invalidArgument, "a child depending on its own group") { _ = try await DurableJobQueue(store: self.store).submit(dependsOnItsGroup) }
        let emptyGroup = JobPlan(jobs: [JobPlan.Job(name: "g", job: .group())])
        try await expectError(.invalidArgument, "a group without children") { _ = try await DurableJobQueue(store: self.store).submit(emptyGroup) }
        try expectEqual(try await store.count(JobFilter()), before, "an invalid plan creates nothing")
    }
}
