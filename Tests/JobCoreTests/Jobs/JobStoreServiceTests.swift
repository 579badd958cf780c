import JobCore
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// Every store is a `Service`: a store with no background work runs until shutdown.
@Suite struct JobStoreServiceTests {
    @Test func runLastsUntilGracefulShutdown() async throws {
        let store = MemoryJobStore()
        let ended = Flag()
        try await testGracefulShutdown { trigger in
            let service = Task {
                try await store.run()
                ended.set()
            }
            // The store works while it runs, and run() does not return by itself.
            _ = try await store.enqueue(NewJob(kind: "k"))
            #expect(!ended.isSet)
            trigger.triggerGracefulShutdown()
            try await service.value
            #expect(ended.isSet)
        }
    }

    @Test func runEndsWhenCancelled() async throws {
        let store = MemoryJobStore()
        let service = Task { try await store.run() }
        service.cancel()
        try await service.value
    }
}

private final class Flag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
}
