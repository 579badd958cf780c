import Foundation
public import Logging
public import ServiceLifecycle
import Tracing

/// Runs durable jobs from a ``JobStore``: a swift-service-lifecycle `Service`.
///
/// A worker claims up to its free capacity, runs each job's handler (registered by kind in
/// ``JobHandlers``), renews leases with heartbeats (which also deliver cancels), runs the
/// reaper that returns other workers' expired leases to the queue, stops an attempt at its
/// timeout, and reports each end with the attempt's epoch. It wakes at once on an enqueue in the
/// same process and polls for work from other processes.
///
/// Graceful shutdown (or cancelling ``run()``, which shuts down without grace) stops claiming,
/// lets running jobs go on for ``Configuration/shutdownGracePeriod``, then stops the rest and
/// returns them to the queue: they are not failed and the attempt does not count.
///
/// A worker that serves (beside an HTTP server, in a daemon) runs without
/// ``Configuration/drain`` and returns only on shutdown. With `drain` set it returns by itself
/// once its work is done (see ``DrainMode``), and a service that returns ends a `ServiceGroup`
/// ("a service has finished unexpectedly") unless it was added with a termination behaviour:
///
/// <!-- sample: context=memory-store,handlers,logger -->
/// ```swift
/// let worker = Worker(store: store, handlers: handlers,
///                     configuration: .init(concurrency: 4, drain: .whenNothingQueued))
/// let group = ServiceGroup(configuration: .init(
///     services: [.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup)],
///     logger: logger))
/// try await group.run()   // returns once every job has run, retries included
/// ```
public final class Worker: Service {
    /// How this worker behaves.
    public let configuration: Configuration
    let store: any JobStore
    let handlers: JobHandlers
    let clock: any WallClock
    let logger: Logger
    let observer: (@Sendable (WorkerEvent) -> Void)?
    let shutdown = ShutdownRequest()
    let metrics: JobMetrics
    /// The tracer when one records (``Configuration/observability``).
    let tracer: (any Tracer)?

    /// Creates a worker.
    /// - Parameters:
    ///   - store: where jobs live.
    ///   - handlers: the handlers by kind; the worker claims only these kinds.
    ///   - configuration: capacity, leases, intervals, retry policy.
    ///   - clock: the source of time for timeouts, heartbeats, polling. Defaults to the system clock.
    ///   - logger: the worker adds `worker.id` and job metadata.
    ///   - observer: told of every ``WorkerEvent``; must return quickly. Defaults to none.
    public init(
        store: any JobStore, handlers: JobHandlers, configuration: Configuration = Configuration(),
        clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "jobcore.worker"),
        observer: (@Sendable (WorkerEvent) -> Void)? = nil
    ) {
        self.store = store
        self.handlers = handlers
        self.configuration = configuration
        self.clock = clock
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(configuration.workerID)"
        self.logger = logger
        self.observer = observer
        self.metrics = JobMetrics(configuration.observability)
        self.tracer = configuration.observability.activeTracer
    }

    /// Runs until graceful shutdown, cancellation, or (with ``Configuration/drain``) until
    /// nothing is left to do.
    ///
    /// A draining worker returns by itself: add it to a `ServiceGroup` with
    /// `successTerminationBehavior: .gracefullyShutdownGroup` (stop everything once drained) or
    /// `.ignore` (let the other services run on); with the default (`.cancelGroup`) its return
    /// ends the group with "a service has finished unexpectedly". See ``DrainMode``.
    /// - Throws: ``Worker/ConfigurationError`` when the configuration does not make sense
    ///   (``Configuration/validate()``); ``JobStoreError`` when the store cannot be validated or
    ///   reached at start.
    public func run() async throws {
        try configuration.validate()
        // The work runs in its own task so that cancelling run() becomes an orderly shutdown
        // (jobs returned to the queue) rather than cancelled store writes.
        let work = Task { try await self.runToCompletion() }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await work.value
            } onGracefulShutdown: {
                self.requestShutdown(grace: self.configuration.shutdownGracePeriod)
            }
        } onCancel: {
            self.requestShutdown(grace: .zero)
        }
    }

    /// Acts on what the registry asks: a drain stops claiming and lets running jobs finish,
    /// however long they take (a later shutdown can still set a deadline).
    func follow(_ directive: WorkerDirective) {
        guard directive == .drain, !shutdown.isRequested else { return }
        logger.notice("asked to drain: no new claims; exiting once running jobs have finished")
        emit(.drainRequested)
        shutdown.request(deadline: .distantFuture)
    }

    /// Asks the worker to shut down, as a graceful shutdown does, with the given grace period.
    public func requestShutdown(grace: Duration? = nil) {
        shutdown.request(deadline: clock.now.adding(grace ?? configuration.shutdownGracePeriod))
    }

    func emit(_ event: WorkerEvent) {
        observer?(event)
    }

    private func runToCompletion() async throws {
        if configuration.validateOnStart {
            let report = try await store.validate()
            if !report.isClean {
                logger.warning("store validation repaired records", metadata: [
                    "quarantined": "\(report.quarantined.map(\.id))", "orphan.runs": "\(report.orphanRunsRemoved)",
                    "orphan.events": "\(report.orphanEventsRemoved)", "orphan.logs": "\(report.orphanLogsRemoved)",
                ])
            }
        }
        let directive = try await store.announce(configuration.announcement(load: 0))
        logger.info("worker started", metadata: ["concurrency": "\(configuration.concurrency)", "queue": "\(configuration.queue)"])
        emit(.started)
        follow(directive)
        let running = RunningJobs()
        let start = clock.now
        let shutdown = self.shutdown, clock = self.clock
        let batcher = FinishBatcher(
            store: store, clock: clock, retryInterval: configuration.pollInterval, logger: logger, metrics: metrics, queue: configuration.queue,
            abandon: { shutdown.deadline.map { clock.now >= $0 } ?? false }
        ) { ids in
            running.remove(ids)
        }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.heartbeatLoop(running, from: start) }
            group.addTask { await self.reaperLoop(from: start) }
            group.addTask { await self.timeoutLoop(running) }
            await self.claimLoop(running, batcher, group: &group)
            emit(.shuttingDown)
            await self.stopRunning(running)
            group.cancelAll()
        }
        try? await store.withdraw(workerID: configuration.workerID)
        logger.info("worker stopped")
        emit(.stopped)
    }

    /// Claims while there is capacity; returns on shutdown, or when draining and drained.
    private func claimLoop(_ running: RunningJobs, _ batcher: FinishBatcher, group: inout DiscardingTaskGroup) async {
        let kinds = handlers.kinds
        while !shutdown.isRequested {
            let free = configuration.concurrency - running.count
            // Taken before the claim: a clock that moves meanwhile shortens the wait, never lengthens it.
            let deadline = clock.now.adding(configuration.pollInterval)
            let storeGeneration = store.signal.generation
            let runningGeneration = running.changed.generation
            let shutdownGeneration = shutdown.signal.generation
            var claimed: [JobRecord] = []
            var parents: [ServiceContext?] = []
            metrics.slots(queue: configuration.queue, running: running.count, concurrency: configuration.concurrency)
            if free > 0 {
                // Taken before the claim, so the guardian's deadline is never later than the lease.
                let claimStarted = ContinuousClock.now
                do {
                    let start = metrics.now, instant = tracerNow
                    claimed = try await store.claim(ClaimRequest(
                        workerID: configuration.workerID, limit: free, lease: configuration.lease,
                        keyLimit: configuration.keyLimit, queue: configuration.queue, kinds: kinds
                    ))
                    parents = observeClaim(claimed, since: start, at: instant)
                } catch {
                    logger.error("claim failed", metadata: ["error": "\(error)"])
                }
                for (job, parent) in zip(claimed, parents) {
                    let state = running.add(job, lease: configuration.attemptLease(requestedAt: claimStarted))
                    emit(.claimed(job.id, epoch: job.epoch))
                    group.addTask { await self.execute(job, parent: parent, state: state, running: running, batcher: batcher) }
                }
                if !claimed.isEmpty { running.added.notify() }
                if !claimed.isEmpty, claimed.count == free { continue }
                if let drain = configuration.drain, claimed.isEmpty, running.count == 0 {
                    // A dead worker's expired lease is work too: reap before deciding there is none,
                    // and claim again when that returned a job to the queue.
                    if await reapExpiredLeases() > 0 { continue }
                    if await isDrained(drain, kinds) { return }
                }
                emit(.idle)
            }
            let clock = self.clock
            let store = self.store
            let shutdown = self.shutdown
            await firstOf([
                { await store.signal.wait(after: storeGeneration) },
                { await running.changed.wait(after: runningGeneration) },
                { await shutdown.signal.wait(after: shutdownGeneration) },
                { try? await clock.sleep(until: deadline) },
            ])
        }
    }

    /// Whether nothing is left that `mode` waits for (in this worker's queue, of its kinds).
    private func isDrained(_ mode: DrainMode, _ kinds: Set<String>) async -> Bool {
        let (states, dueOnly) = mode.waitsFor
        let dueBy = dueOnly ? clock.now : nil
        for kind in kinds {
            let filter = JobFilter(states: states, kind: kind, queue: configuration.queue, dueBy: dueBy)
            guard let count = try? await store.count(filter), count == 0 else { return false }
        }
        return true
    }

    /// Lets running jobs go on until the shutdown deadline, then stops them (they return to the
    /// queue) and waits until every one has reported.
    private func stopRunning(_ running: RunningJobs) async {
        while running.count > 0 {
            let runningGeneration = running.changed.generation
            let shutdownGeneration = shutdown.signal.generation
            guard let deadline = shutdown.deadline, clock.now < deadline else {
                logger.info("stopping running jobs; they return to the queue", metadata: ["jobs": "\(running.count)"])
                running.stopAll(.shutdown)
                while running.count > 0 {
                    let generation = running.changed.generation
                    if running.count > 0 { await running.changed.wait(after: generation) }
                }
                return
            }
            let clock = self.clock
            let shutdown = self.shutdown
            await firstOf([
                { await running.changed.wait(after: runningGeneration) },
                { await shutdown.signal.wait(after: shutdownGeneration) },
                { try? await clock.sleep(until: deadline) },
            ])
        }
    }
}
