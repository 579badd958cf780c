import Foundation
import JobCore
import Logging
import ServiceLifecycle

extension GlobalOptions {
    /// Opens the store named by `--store` / `JOBCTL_STORE` / the default and runs it — a
    /// `Service` — for as long as `body` uses it; then shuts it down gracefully.
    /// - Parameter listen: whether the store wakes this process for jobs enqueued by others
    ///   (PostgreSQL's `LISTEN`): for workers; commands that only read or write records go without.
    func withStore<Result>(listen: Bool = false, logger: Logger, _ body: (any JobStore) async throws -> Result) async throws -> Result {
        let store = try storeOptions.open(listen: listen, logger: logger)
        try await StoreOptions.connect(store)
        return try await withServices([store], logger: logger) { try await body(store) }
    }
}

/// Runs `services` in a `ServiceGroup` while `body` runs, then shuts them down gracefully and
/// waits for them. `body`'s error wins over the services'.
func withServices<Result>(_ services: [any Service], logger: Logger, _ body: () async throws -> Result) async throws -> Result {
    let group = ServiceGroup(services: services, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        do {
            try await tasks.waitForAll()
        } catch {
            if case .success = result { throw error }
        }
        return try result.get()
    }
}
