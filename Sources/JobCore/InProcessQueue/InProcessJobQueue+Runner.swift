import Logging
import Synchronization

/// Runners, timers, and the effects the state machine asks for.
///
/// A runner is a detached task that runs one job, asks the state machine for the next (the key at
/// the front of the ring), and loops; it ends when there is nothing to start. So a busy queue runs
/// many jobs per task. To cancel a running operation the queue cancels its runner's task, and that
/// runner stops after the job, because a cancelled task stays cancelled.
extension InProcessJobQueue {
    /// What a job's run needs at its end.
    struct RunStart {
        let startedAt: ContinuousClock.Instant?
        let timer: Task<Void, Never>?
    }

    func spawnRunner(_ runner: QueueRunner, first job: QueuedJob) {
        let task = Task.detached { await self.work(runner, first: job) }
        if !withState({ $0.attachTask(task, to: runner) }) { task.cancel() }
    }

    /// Consecutive jobs a runner runs before it yields its thread, so that jobs which never
    /// suspend cannot hold a thread of the cooperative pool indefinitely.
    static let jobsBetweenYields = 64

    private func work(_ runner: QueueRunner, first: QueuedJob) async {
        var job = first
        var jobsSinceYield = 0
        while true {
            let effects = await job.run(on: self, runner: runner)
            perform(effects)
            guard let next = effects.next else { return }
            job = next
            jobsSinceYield += 1
            if jobsSinceYield == Self.jobsBetweenYields {
                jobsSinceYield = 0
                await Task.yield()
            }
        }
    }

    /// Called by a job's runner just before its operation runs.
    func jobStarted(_ job: QueuedJob) -> RunStart {
        RunStart(
            startedAt: metrics.recordStarted(enqueuedAt: job.enqueuedAt),
            timer: job.timeout.map { startTimeoutTimer(for: job, after: $0) })
    }

    /// Called by a job's runner when its operation has returned or thrown.
    /// - Returns: the effects to perform, and the error its callers get instead of the
    ///   operation's outcome when the queue stopped the job.
    func jobEnded(
        _ job: QueuedJob, on runner: QueueRunner, run: RunStart, failed: Bool, outcome: (any BoxedOutcome)?
    ) -> (QueueEffects, JobQueueError?) {
        run.timer?.cancel()
        let (effects, termination, cancelRequested) = withState {
            ($0.finish(job, on: runner, outcome: outcome), job.termination, job.cancelRequested)
        }
        switch termination {
        case nil:
            metrics.recordFinished(
                startedAt: run.startedAt, ending: failed ? .failed(cancelRequested ? .cancelled : .error) : nil)
            return (effects, nil)
        case .timedOut:
            let timeout = job.timeout ?? .zero
            logger.warning("job timed out", metadata: ["job.key": "\(job.key)", "job.timeout": "\(timeout)"])
            metrics.recordFinished(startedAt: run.startedAt, ending: .failed(.timeout))
            let error = JobQueueError(
                .timedOut, "the job ran longer than its timeout of \(timeout) and was cancelled",
                key: job.key, idempotencyKey: job.idempotencyKey)
            return (effects, error)
        case .shutDown:
            metrics.recordFinished(startedAt: run.startedAt, ending: .failed(.shutdown))
            let error = JobQueueError(
                .shuttingDown, "the job was cancelled when the shutdown grace period ended",
                key: job.key, idempotencyKey: job.idempotencyKey)
            return (effects, error)
        }
    }

    private func startTimeoutTimer(for job: QueuedJob, after timeout: Duration) -> Task<Void, Never> {
        Task.detached { [clock] in
            do { try await clock.sleep(for: timeout) } catch { return }
            self.perform(self.withState { $0.timeOut(job) })
        }
    }

    func startAdmissionTimer(for job: QueuedJob) {
        let wait = configuration.overflowPolicy.maximumWait
        let timer = Task.detached { [clock] in
            do { try await clock.sleep(for: wait) } catch { return }
            self.perform(self.withState { $0.expireAdmission(job) })
        }
        if !withState({ $0.attachAdmissionTimer(timer, to: job) }) { timer.cancel() }
    }

    /// Does, outside the lock, what the state machine asked for; `effects.next` is the runner's.
    func perform(_ effects: QueueEffects) {
        guard let more = effects.more else { return }
        for failure in more.failures {
            failure.job.resumeWaiters(throwing: failure.error)
            if let metric = failure.metric { metrics.record(metric) }
        }
        for caller in more.detached {
            caller.resume(throwing: CancellationError())
        }
        for task in more.tasksToCancel {
            task.cancel()
        }
        if more.admitted > 0 { metrics.recordEnqueued(count: more.admitted) }
        for start in more.starts {
            spawnRunner(start.runner, first: start.job)
        }
        for waiter in more.stopWaiters {
            waiter.resume()
        }
    }
}
