import Logging
import Synchronization

/// Workers, timers, and the effects the state machine asks for.
///
/// A worker is a detached task that runs one job, asks the state machine for the next (the key at
/// the front of the ring), and loops; it ends when there is nothing to start. So a busy queue runs
/// many jobs per task. To cancel a running operation the queue cancels its worker's task, and that
/// worker stops after the job, because a cancelled task stays cancelled.
extension InProcessJobQueue {
    func spawnWorker(_ worker: QueueWorker, first job: QueuedJob) {
        let task = Task.detached { await self.work(worker, first: job) }
        if !withState({ $0.attachTask(task, to: worker) }) { task.cancel() }
    }

    private func work(_ worker: QueueWorker, first: QueuedJob) async {
        var job = first
        while true {
            let startedAt = ContinuousClock.now
            metrics.recordStarted(waited: startedAt - job.enqueuedAt)
            let timer = job.timeout.map { startTimeoutTimer(for: job, after: $0) }
            let succeeded = await job.execute()
            timer?.cancel()
            let (effects, termination, cancelRequested) = withState {
                ($0.finish(job, on: worker), job.termination, job.cancelRequested)
            }
            switch termination {
            case nil:
                job.resumeWaiters(error: nil)
                metrics.recordFinished(
                    ran: .now - startedAt,
                    ending: succeeded ? nil : .failed(cancelRequested ? .cancelled : .error))
            case .timedOut:
                let timeout = job.timeout ?? .zero
                logger.warning("job timed out", metadata: ["job.key": "\(job.key)", "job.timeout": "\(timeout)"])
                job.resumeWaiters(error: JobQueueError(
                    code: .timedOut, key: job.key, idempotencyKey: job.idempotencyKey,
                    message: "the job ran longer than its timeout of \(timeout) and was cancelled"))
                metrics.recordFinished(ran: .now - startedAt, ending: .failed(.timeout))
            case .shutDown:
                job.resumeWaiters(error: JobQueueError(
                    code: .shuttingDown, key: job.key, idempotencyKey: job.idempotencyKey,
                    message: "the job was cancelled when the shutdown grace period ended"))
                metrics.recordFinished(ran: .now - startedAt, ending: .failed(.shutdown))
            }
            perform(effects)
            guard let next = effects.next else { return }
            job = next
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

    /// Does, outside the lock, what the state machine asked for; `effects.next` is the caller's.
    func perform(_ effects: QueueEffects) {
        for failure in effects.failures {
            failure.job.resumeWaiters(error: failure.error)
            if let metric = failure.metric { metrics.record(metric) }
        }
        for caller in effects.detached {
            caller.resume(throwing: CancellationError())
        }
        for task in effects.tasksToCancel {
            task.cancel()
        }
        if effects.admitted > 0 { metrics.recordEnqueued(count: effects.admitted) }
        for start in effects.starts {
            spawnWorker(start.worker, first: start.job)
        }
        for waiter in effects.stopWaiters {
            waiter.resume()
        }
    }
}
