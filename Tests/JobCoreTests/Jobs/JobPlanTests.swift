import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCoreTesting
import Testing

/// `DurableJobQueue.submit(_:)`: a graph of named jobs in one transaction (issue 12 §3).
@Suite struct JobPlanTests {
    func job(_ name: String, dependsOn: [String] = []) -> JobPlan.Job {
        JobPlan.Job(name: name, job: NewJob(kind: "step"), dependsOn: dependsOn)
    }

    @Test func aPlanIsEnqueuedWithItsDependenciesInAnyOrder() async throws {
        let store = MemoryJobStore()
        let queue = DurableJobQueue(store: store)
        // wave2 is listed before what it depends on.
        let results = try await queue.submit(JobPlan(jobs: [
            job("wave2", dependsOn: ["wave1-a", "wave1-b"]), job("wave1-a"), job("wave1-b"), job("report", dependsOn: ["wave2"]),
        ]))
        #expect(Set(results.keys) == ["wave2", "wave1-a", "wave1-b", "report"])
        let wave2 = try #require(results["wave2"]?.job)
        #expect(wave2.state == .waiting)
        #expect(Set(wave2.dependsOn) == [results["wave1-a"]!.job.id, results["wave1-b"]!.job.id])
        #expect(results["report"]?.job.dependsOn == [wave2.id])
        #expect(results["wave1-a"]?.job.state == .queued)
    }

    @Test(arguments: [
        ([("a", ["b"]), ("b", ["c"]), ("c", ["a"])], "cycle: "),
        ([("a", ["missing"])], "plan job 'a' depends on 'missing', which is not in the plan"),
        ([("a", ["a"])], "plan job 'a' depends on itself"),
        ([("a", []), ("a", [])], "plan job 'a': the name is used twice"),
        ([("", [])], "job 2 of the plan has no name"),
    ])
    func anInvalidPlanNamesTheEntryAndCreatesNothing(jobs: [(String, [String])], message: String) async throws {
        let store = MemoryJobStore()
        let plan = JobPlan(jobs: [job("fine")] + jobs.map { job($0.0, dependsOn: $0.1) })
        let error = try await #require(throws: JobStoreError.self) { try await DurableJobQueue(store: store).submit(plan) }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(try await store.count(JobFilter()) == 0)
    }

    @Test func theCycleIsNamed() throws {
        let plan = JobPlan(jobs: [job("start"), job("a", dependsOn: ["start", "c"]), job("b", dependsOn: ["a"]), job("c", dependsOn: ["b"])])
        let error = try #require(throws: JobStoreError.self) { try plan.batch() }
        #expect(error.message.hasSuffix("a → c → b → a"), "\(error.message)")
    }

    @Test func anInvalidJobIsNamed() async throws {
        var bad = job("bad")
        bad.job.options.maxAttempts = 0
        let error = try await #require(throws: JobStoreError.self) {
            try await DurableJobQueue(store: MemoryJobStore()).submit(JobPlan(jobs: [job("fine"), bad]))
        }
        #expect(error.message == "plan job 'bad': maxAttempts must be at least 1")
    }

    @Test func aPlanJobCanAlsoDependOnAStoredJob() async throws {
        let store = MemoryJobStore()
        let stored = try await store.enqueue(NewJob(kind: "earlier")).job
        var step = job("step")
        step.job.options.dependsOn = [stored.id]
        let results = try await DurableJobQueue(store: store).submit(JobPlan(jobs: [step, job("next", dependsOn: ["step"])]))
        #expect(results["step"]?.job.dependsOn == [stored.id])
        #expect(results["next"]?.job.state == .waiting)
    }
}
