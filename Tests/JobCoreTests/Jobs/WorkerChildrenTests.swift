import Foundation
import JobCore
import JobCoreTesting
import Testing

/// A handler adds children through its context (issue 12 §2); the parent ends with them.
@Suite struct WorkerChildrenTests {
    /// A worker whose `echo` handler splits "a,b,c" into one child per part and whose children
    /// fail when their text is "fail".
    func splittingWorker(_ store: MemoryJobStore) -> Worker {
        var handlers = JobHandlers()
        handlers.register(echoKind) { echo, context in
            let parts = echo.text.split(separator: ",")
            guard parts.count > 1 else {
                if echo.text == "fail" { throw JobFailure("child failed", retryable: false) }
                return
            }
            let children = try parts.map { part in
                NewJob(kind: echoKind.name, payload: try JSONEncoder().encode(Echo(text: String(part))), options: JobOptions(maxAttempts: 1))
            }
            let added = try await context.addChildren(children)
            #expect(added.allSatisfy { $0.job.parentID == context.id })
        }
        return Worker(store: store, handlers: handlers, configuration: Worker.Configuration(concurrency: 4, lease: .seconds(3600), drain: .whenNothingQueued))
    }

    @Test func aParentSucceedsWithItsChildren() async throws {
        let store = MemoryJobStore()
        let parent = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "a,b,c")).job
        try await splittingWorker(store).run()
        let ended = try await store.job(parent.id)
        #expect(ended.state == .succeeded)
        #expect(try await store.count(JobFilter(states: [.succeeded], parent: parent.id)) == 3)
        #expect(try await store.events(of: parent.id).map(\.state).suffix(2) == [.waiting, .succeeded], "the attempt succeeded, then the children")
    }

    @Test func aFailedChildFailsItsParentNamingIt() async throws {
        let store = MemoryJobStore()
        let parent = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "ok,fail"), options: JobOptions(maxAttempts: 1)).job
        try await splittingWorker(store).run()
        let failed = try #require(try await store.list(JobFilter(states: [.failed], parent: parent.id), page: JobPage()).jobs.first)
        let ended = try await store.job(parent.id)
        #expect(ended.state == .failed)
        #expect(ended.lastError == "1 child did not succeed: \(failed.id)")
    }
}
