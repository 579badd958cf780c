import Foundation
@_spi(JobStoreImplementation) import JobCore
import Logging
import PostgresNIO
import Synchronization

extension PostgresJobStore {
    /// Keeps one pooled connection listening on the store's channel and fires ``signal`` for each
    /// notification, so idle workers in this process claim at once when another process enqueues.
    /// After losing its connection (a server restart) it reconnects, and fires ``signal`` once on
    /// every (re)connect for what it may have missed. Returns when cancelled.
    func listenLoop() async {
        let channel = configuration.schema.channel
        while !Task.isCancelled {
            do {
                try await connect()
                try await waitForClient()
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        self.listenerState.withLock { $0 = true }
                        self.listening.notify()
                        self.signal.notify()
                        defer { self.listenerState.withLock { $0 = false } }
                        for try await _ in notifications {
                            self.signal.notify()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("the LISTEN connection failed; reconnecting", metadata: ["error": "\(Self.storeError(error))"])
            }
            try? await Task.sleep(for: configuration.listenRetryDelay)
        }
    }

    /// Whether the `LISTEN` connection is established now.
    public var isListening: Bool { listenerState.withLock { $0 } }

    /// Returns once the `LISTEN` connection is established (at once if it is), or when the task
    /// is cancelled. Only meaningful while ``run()`` runs with ``Configuration/listen``.
    public func waitUntilListening() async {
        while !Task.isCancelled {
            let generation = listening.generation
            if isListening { return }
            await listening.wait(after: generation)
        }
    }
}
