import Foundation
@_spi(JobStoreImplementation) import JobCore
import Synchronization
import Testing

/// Group commit: calls that arrive while a write runs share the next one, and keep their own
/// results and errors.
@Suite struct EnqueueCombinerTests {
    /// A write that records the size of each batch, refuses a batch holding a job of kind "bad",
    /// and holds its first batch until `release` is called.
    final class Writes: Sendable {
        let sizes = Mutex<[Int]>([])
        let gate = AsyncStream<Void>.makeStream()

        var write: EnqueueCombiner.Write {
            { jobs in
                let first = self.sizes.withLock { sizes in
                    sizes.append(jobs.count)
                    return sizes.count == 1
                }
                if first { for await _ in self.gate.stream { break } }
                if jobs.contains(where: { $0.kind == "bad" }) { throw JobStoreError(.invalidArgument, "a bad job") }
                let now = Date()
                return try jobs.map { job in
                    EnqueueResult(job: try JobLifecycle.enqueue(job, id: JobID.make(at: now), now: now).after, created: true)
                }
            }
        }

        func release() { gate.continuation.yield() }
    }

    /// Starts a first call that holds the write, then `kinds.count` more, and releases the write
    /// once all of them wait. Returns each later call's kinds or error.
    func run(_ kinds: [String], writes: Writes, combiner: EnqueueCombiner) async throws -> [String: Result<[String], JobStoreError>] {
        try await withThrowingTaskGroup(of: (String, Result<[String], JobStoreError>).self) { group in
            group.addTask { ("first", .success(try await combiner.enqueue([NewJob(kind: "first")], write: writes.write).map(\.job.kind))) }
            while writes.sizes.withLock({ $0.isEmpty }) { await Task.yield() }
            for kind in kinds {
                group.addTask {
                    do {
                        let jobs = [NewJob(kind: kind), NewJob(kind: kind)]
                        return (kind, .success(try await combiner.enqueue(jobs, write: writes.write).map(\.job.kind)))
                    } catch let error as JobStoreError {
                        return (kind, .failure(error))
                    }
                }
            }
            while combiner.waitingCalls < kinds.count { await Task.yield() }
            writes.release()
            var outcomes: [String: Result<[String], JobStoreError>] = [:]
            for try await (kind, outcome) in group { outcomes[kind] = outcome }
            return outcomes
        }
    }

    @Test func callsThatArriveDuringAWriteShareTheNextOne() async throws {
        let writes = Writes(), combiner = EnqueueCombiner()
        let kinds = (0..<31).map { "caller-\($0)" }
        let outcomes = try await run(kinds, writes: writes, combiner: combiner)
        #expect(writes.sizes.withLock { $0 } == [1, 62], "the first alone, then the 31 waiting calls' 62 jobs in one write")
        #expect(try outcomes["first"]?.get() == ["first"])
        for kind in kinds { #expect(try outcomes[kind]?.get() == [kind, kind], "\(kind) gets its own jobs") }
        #expect(combiner.waitingCalls == 0)
        // Idle again: a lone call writes at once, alone.
        #expect(try await combiner.enqueue([NewJob(kind: "later")], write: writes.write).map(\.job.kind) == ["later"])
        #expect(writes.sizes.withLock { $0 } == [1, 62, 1])
    }

    @Test func oneCallersErrorFailsOnlyThatCaller() async throws {
        let writes = Writes(), combiner = EnqueueCombiner()
        let kinds = ["a", "bad", "c", "d"]
        let outcomes = try await run(kinds, writes: writes, combiner: combiner)
        #expect(writes.sizes.withLock { $0 } == [1, 8, 2, 2, 2, 2], "the combined write failed; each call was written alone")
        for kind in ["a", "c", "d"] { #expect(try outcomes[kind]?.get() == [kind, kind]) }
        guard case .failure(let error)? = outcomes["bad"] else {
            Issue.record("the bad call succeeded")
            return
        }
        #expect(error.code == .invalidArgument)
    }

    @Test func onlyJobsThatReferToNoOtherJobAreCombined() {
        #expect(EnqueueCombiner.canCombine([NewJob(kind: "a"), NewJob(kind: "b", options: JobOptions(key: "k", idempotencyKey: "i"))]))
        #expect(!EnqueueCombiner.canCombine([NewJob(kind: "a", options: JobOptions(dependsOn: [JobID("01ABC")]))]))
        var entry = NewJob(kind: "b")
        entry.dependsOnEarlierEntries = [0]
        #expect(!EnqueueCombiner.canCombine([NewJob(kind: "a"), entry]))
        var child = NewJob(kind: "c")
        child.parentEntry = 0
        #expect(!EnqueueCombiner.canCombine([NewJob.group(), child]))
    }
}
