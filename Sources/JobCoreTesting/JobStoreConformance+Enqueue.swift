import Foundation
@_spi(JobStoreImplementation) import JobCore

extension JobStoreConformance.Context {
    func enqueueCreatesQueuedJob() async throws {
        let result = try await store.enqueue(job("build", key: "acme", priority: 5))
        let job = result.job
        try expect(result.created, "a new job is created")
        try expectEqual(job.state, .queued, "state")
        try expectEqual(job.kind, "build", "kind")
        try expectEqual(job.key, "acme", "key")
        try expectEqual(job.priority, 5, "priority")
        try expectEqual(job.payload, Data("{\"n\":1}".utf8), "payload")
        try expectEqual(job.attempt, 0, "attempt")
        try expectEqual(job.maxAttempts, 3, "max attempts")
        try expectEqual(job.timeout, .seconds(3600), "default timeout")
        try expectEqual(job.epoch, 0, "epoch")
        try expectEqual(job.runAt, clock.now, "run-at defaults to now")
        try expectEqual(job.createdAt, clock.now, "created at")
        try expect(job.leaseHolder == nil && job.leaseExpiresAt == nil, "no lease")
        try expectEqual(try await store.job(job.id), job, "stored record")
        let events = try await store.events(of: job.id)
        try expectEqual(events.map(\.kind), [.enqueued], "events")
        try expectEqual(try await store.runs(of: job.id), [], "runs")
        try await expectError(.notFound, "unknown id") { try await store.job(JobID("01AAAAAAAAAAAAAAAAAAAAAAAA")) }
    }

    func enqueueBatchKeepsOrder() async throws {
        let batch = (0..<50).map { job("k\($0)") }
        let results = try await store.enqueue(batch)
        try expectEqual(results.map(\.job.kind), batch.map(\.kind), "batch results in order")
        let ids = results.map(\.job.id)
        try expect(ids == ids.sorted() && Set(ids).count == ids.count, "ids are unique and time-ordered: \(ids)")
        clock.advance(by: .milliseconds(5))
        let later = try await enqueue(job())[0]
        try expect(later.id > ids.last!, "a later job sorts after earlier ones")
        try expectEqual(try await store.count(JobFilter()), 51, "count")
    }

    func enqueueRejectsInvalidJobs() async throws {
        try await expectError(.invalidArgument, "empty kind") { try await store.enqueue(job("")) }
        try await expectError(.invalidArgument, "zero attempts") { try await store.enqueue(job(maxAttempts: 0)) }
        try await expectError(.invalidArgument, "a batch with one bad job") {
            try await store.enqueue([job("fine"), job("")])
        }
        try expectEqual(try await store.count(JobFilter()), 0, "nothing was created")
    }

    /// Concurrent enqueues (which the SQL stores combine into shared transactions): each caller
    /// gets its own jobs, one caller's invalid job fails only that caller, and idempotency keys
    /// deduplicate across callers as if the calls had come one after another.
    func concurrentEnqueuesEachGetTheirOwnResults() async throws {
        let store = self.store
        let callers = 64
        let outcomes = await withTaskGroup(of: (Int, Result<[EnqueueResult], JobStoreError>).self) { group in
            for caller in 0..<callers {
                group.addTask {
                    let kind = caller == 13 ? "" : "caller-\(caller)"
                    let jobs = (0..<(caller % 3 + 1)).map { index in
                        NewJob(kind: kind, options: JobOptions(idempotencyKey: caller % 8 == 0 && index == 0 ? "shared" : nil))
                    }
                    do { return (caller, .success(try await store.enqueue(jobs))) } catch let error as JobStoreError {
                        return (caller, .failure(error))
                    } catch { return (caller, .failure(JobStoreError(.unavailable, "\(error)"))) }
                }
            }
            var outcomes: [Int: Result<[EnqueueResult], JobStoreError>] = [:]
            for await (caller, outcome) in group { outcomes[caller] = outcome }
            return outcomes
        }
        var created: Set<JobID> = [], shared: Set<JobID> = []
        for caller in 0..<callers {
            switch outcomes[caller]! {
            case .failure(let error):
                try expect(caller == 13 && error.code == .invalidArgument, "caller \(caller) failed: \(error)")
            case .success(let results):
                try expect(caller != 13, "the caller with an invalid job failed")
                try expectEqual(results.count, caller % 3 + 1, "caller \(caller)'s results")
                for (index, result) in results.enumerated() {
                    if caller % 8 == 0, index == 0 {
                        shared.insert(result.job.id)
                    } else {
                        try expectEqual(result.job.kind, "caller-\(caller)", "caller \(caller) got its own job")
                        try expect(result.created, "caller \(caller)'s job was created")
                        created.insert(result.job.id)
                    }
                }
            }
        }
        try expectEqual(shared.count, 1, "one job for the shared idempotency key")
        let sharedCreators = (0..<callers).filter { $0 % 8 == 0 }.compactMap { try? outcomes[$0]!.get()[0] }.filter(\.created)
        try expectEqual(sharedCreators.count, 1, "exactly one caller created it")
        try expectEqual(try await store.count(JobFilter()), created.count + 1, "every job stored once, the invalid one not at all")
    }

    func traceContextRoundTrips() async throws {
        let context = [
            "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "tracestate": "vendor=value,other=t61rcWkgMzE",
        ]
        var traced = job("traced")
        traced.traceContext = context
        let results = try await store.enqueue([traced, job("plain")])
        try expectEqual(results[0].job.traceContext, context, "the enqueue result keeps the trace context")
        try expectEqual(try await store.job(results[0].job.id).traceContext, context, "the stored job keeps it")
        try expectEqual(try await store.job(results[1].job.id).traceContext, [:], "a job enqueued without one has none")
        // Claims, finishes and retries keep it: every attempt joins the same trace.
        let claimed = try await claim(kinds: ["traced"])
        try expectEqual(claimed.map(\.traceContext), [context], "the claimed job carries it")
        let failed = try await store.fail(claimed[0].id, epoch: claimed[0].epoch, error: "again", retryAt: clock.now)
        try expectEqual(failed.traceContext, context, "a retried job keeps it")
        let listed = try await store.list(JobFilter(kind: "traced"), page: JobPage())
        try expectEqual(listed.jobs.map(\.traceContext), [context], "listing returns it")
        var oversized = job("big")
        oversized.traceContext = ["traceparent": String(repeating: "a", count: NewJob.maximumTraceContextSize + 1)]
        try await expectError(.invalidArgument, "an oversized trace context") { try await store.enqueue(oversized) }
        var malformed = job("bad")
        malformed.traceContext = ["trace:parent": "x"]
        try await expectError(.invalidArgument, "a field name with ':'") { try await store.enqueue(malformed) }
        malformed.traceContext = ["traceparent": "a\nb"]
        try await expectError(.invalidArgument, "a value with a line break") { try await store.enqueue(malformed) }
    }

    func idempotencyKeyReturnsExistingJob() async throws {
        let first = try await store.enqueue(job("a", idempotencyKey: "once"))
        let again = try await store.enqueue(job("b", idempotencyKey: "once"))
        try expect(first.created && !again.created, "the second enqueue finds the first job")
        try expectEqual(again.job.id, first.job.id, "same job")
        try expectEqual(again.job.kind, "a", "the existing job is returned unchanged")
        let batch = try await store.enqueue([job(idempotencyKey: "pair"), job(idempotencyKey: "pair"), job(idempotencyKey: "once")])
        try expectEqual(batch.map(\.created), [true, false, false], "duplicates inside a batch")
        try expectEqual(batch[1].job.id, batch[0].job.id, "the batch duplicate returns the batch's job")
        // Still unique after the job finished.
        let claimed = try await claimOne()
        try await store.complete(claimed.id, epoch: claimed.epoch)
        try expect(!(try await store.enqueue(job(idempotencyKey: "once"))).created, "a finished job keeps its key")
        // Free again once purged.
        try expectEqual(try await store.purge([first.job.id]), 1, "purged")
        let fresh = try await store.enqueue(job(idempotencyKey: "once"))
        try expect(fresh.created && fresh.job.id != first.job.id, "a purged job's key can be used again")
        try expectEqual(try await store.count(JobFilter()), 2, "jobs stored")
    }
}
