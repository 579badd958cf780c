@_spi(JobStoreImplementation) import JobCore
import Logging
import PostgresNIO
import Synchronization

extension PostgresJobStore {
    /// Opens a first connection and measures the server's clock, once per store; the store's
    /// operations do it themselves, so calling it is optional — a command-line tool calls it to
    /// report a wrong password or an unreachable server, with its cause, before anything else.
    ///
    /// A store opened from a URL opens a connection of its own, outside the pool, bounded by
    /// ``Configuration/connectTimeout``: a wrong password, a closed port, a missing database or a
    /// TLS mismatch fails within that bound. A store on a caller's client has no URL to connect
    /// to: it measures the server's clock on a pooled connection (when it follows the server's
    /// clock) and otherwise does nothing. A failed attempt is tried again by the next call.
    /// - Throws: ``PostgresConnectionError`` naming the cause; `JobStoreError` (`unavailable`)
    ///   when the server answers but the clock cannot be read.
    public func connect() async throws {
        try await connected.ensure { try await self.openFirstConnection() }
    }

    private func openFirstConnection() async throws {
        if let probe {
            try await probe.withConnection(logger: logger) { connection in
                do {
                    try await self.serverClock?.measure(on: connection, logger: self.logger)
                } catch {
                    throw PostgresTransaction.storeError(error)
                }
            }
        } else if let serverClock {
            try await waitForClient()
            do {
                try await client.withConnection { connection in try await serverClock.measure(on: connection, logger: self.logger) }
            } catch {
                throw PostgresTransaction.storeError(error)
            }
        }
    }

    /// The store's error for a failure to connect.
    static func storeError(_ error: any Error) -> any Error {
        switch error {
        case let error as PostgresConnectionError: error.storeError
        case is CancellationError: error
        default: PostgresTransaction.storeError(error)
        }
    }

    // MARK: - The client

    /// Starts the client's `run()` in `group` so that it has begun — the client counts itself
    /// running — before this returns, and lets waiting operations go on.
    func startClient(in group: inout DiscardingTaskGroup) {
        if #available(macOS 26, iOS 26, tvOS 26, watchOS 26, *) {
            // Runs synchronously up to the client's first suspension, which comes after it has
            // marked itself running.
            group.addImmediateTask { await self.client.run() }
        } else {
            group.addTask { await self.client.run() }
        }
        clientRunning.withLock { $0 = true }
        clientStarted.notify()
    }

    /// Returns once ``run()`` has started the client the store owns (at once for a caller's
    /// client).
    /// - Throws: `CancellationError` when the task is cancelled first.
    func waitForClient() async throws {
        guard ownsClient else { return }
        while true {
            let generation = clientStarted.generation
            if clientRunning.withLock({ $0 }) { return }
            try Task.checkCancellation()
            await clientStarted.wait(after: generation)
        }
    }

    // MARK: - The server's clock

    /// How far the store's time may be from the server's: the error bound of the server's clock
    /// (at most 50 ms), zero for an injected clock. A claim takes jobs due within it, so that a
    /// job another process has just enqueued is not missed when this process's estimate lags;
    /// the reaper waits it out, so that a lease is never ended before it has expired.
    var clockUncertainty: Duration {
        guard let estimate = serverClock?.estimate else { return .zero }
        return min(estimate.uncertainty, .milliseconds(50))
    }

    /// Measures the server's clock every ``PostgresServerClock/resampleInterval`` until
    /// cancelled; a failed measurement keeps the estimate in use.
    func clockLoop(_ serverClock: PostgresServerClock) async {
        while !Task.isCancelled {
            do { try await serverClock.sleep(for: serverClock.resampleInterval) } catch { return }
            do {
                try await connect()
                try await client.withConnection { connection in try await serverClock.measure(on: connection, logger: self.logger) }
            } catch {
                if Task.isCancelled { return }
                logger.debug("measuring the server's clock failed", metadata: ["error": "\(Self.storeError(error))"])
            }
        }
    }
}
