import Logging
import Synchronization
public import ServiceLifecycle

extension InProcessJobQueue: Service {
    /// Waits for graceful shutdown, then shuts the queue down; returns when it has stopped.
    ///
    /// The queue runs jobs whether or not `run()` is running; `run()` governs when it stops.
    /// On graceful shutdown (from a `ServiceGroup`), the queue stops accepting jobs, rejects the
    /// waiting ones with ``JobQueueError/Code/shuttingDown``, lets running jobs finish for
    /// ``Configuration/shutdownGracePeriod``, then cancels the rest; their callers get
    /// ``JobQueueError/Code/shuttingDown``. Cancelling the task of `run()` does the same without the
    /// grace period. In both cases `run()` returns once every running operation has returned.
    public func run() async {
        let graceful: Bool
        do {
            try await gracefulShutdown()
            graceful = true
        } catch {
            graceful = false
        }
        let counts = self.counts
        logger.info("job queue shutting down", metadata: [
            "shutdown.graceful": "\(graceful)", "jobs.running": "\(counts.running)",
            "jobs.waiting": "\(counts.waiting)",
        ])
        perform(withState { $0.shutDown(cancelRunning: !graceful) })
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                if graceful {
                    group.addTask { [clock, configuration] in
                        do { try await clock.sleep(for: configuration.shutdownGracePeriod) } catch { return }
                        self.logger.warning("shutdown grace period ended; cancelling running jobs", metadata: [
                            "jobs.running": "\(self.counts.running)"
                        ])
                        self.perform(self.withState { $0.shutDown(cancelRunning: true) })
                    }
                }
                await waitUntilStopped()
                group.cancelAll()
            }
        } onCancel: {
            perform(withState { $0.shutDown(cancelRunning: true) })
        }
        logger.info("job queue stopped")
    }

    private func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if !withState({ $0.addStopWaiter(continuation) }) { continuation.resume() }
        }
    }
}
