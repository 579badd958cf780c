import DequeModule

/// Cancellation, timeouts, expiry of the wait for room, shutdown, and introspection.
extension QueueState {
    // MARK: Callers cancelled

    /// The caller holding `ticket` was cancelled.
    ///
    /// A caller that shares a job with others leaves it at once with `CancellationError`. When the
    /// last caller of a job is cancelled, a waiting job is removed (the caller gets
    /// `CancellationError`) and a running job's operation is cancelled (the caller gets what the
    /// operation then returns or throws).
    mutating func cancel(_ ticket: QueuedJob) -> QueueEffects {
        var effects = QueueEffects()
        switch ticket.phase {
        case .new, .finished:
            break
        case .following:
            guard let leader = ticket.leader, leader.phase != .finished else { break }
            if leader.phase == .running && leader.waiterCount == 1 {
                cancelJob(leader, &effects)
                break
            }
            leader.removeFollower(ticket)
            ticket.phase = .finished
            ticket.leader = nil
            fail(ticket, CancellationError(), nil, &effects)
            if leader.waiterCount == 0 { cancelJob(leader, &effects) }
        case .admitting, .waiting, .running:
            if ticket.waiterCount > 1, let caller = ticket.detachOwnCaller() {
                callers -= 1
                effects.detach(caller)
            } else {
                cancelJob(ticket, &effects)
            }
        }
        return effects
    }

    /// Cancels a job nobody else waits for.
    private mutating func cancelJob(_ job: QueuedJob, _ effects: inout QueueEffects) {
        switch job.phase {
        case .admitting:
            removeAdmission(job, &effects)
            fail(job, CancellationError(), .rejected(.cancelled), &effects)
        case .waiting:
            removeWaiting(job)
            idempotency.forget(job)
            fail(job, CancellationError(), .failed(.cancelled), &effects)
            schedule(&effects)
        case .running:
            guard !job.cancelRequested else { return }
            job.cancelRequested = true
            idempotency.forget(job)
            doom(job.runner, &effects)
        case .new, .following, .finished:
            break
        }
    }

    // MARK: Timers

    /// The timeout of a running job expired: cancel its operation.
    mutating func timeOut(_ job: QueuedJob) -> QueueEffects {
        var effects = QueueEffects()
        guard job.phase == .running, job.termination == nil else { return effects }
        job.termination = .timedOut
        idempotency.forget(job)
        doom(job.runner, &effects)
        return effects
    }

    /// The wait of a job for room expired: reject it.
    mutating func expireAdmission(_ job: QueuedJob) -> QueueEffects {
        var effects = QueueEffects()
        guard job.phase == .admitting else { return effects }
        removeAdmission(job, &effects)
        let error = JobQueueError(
            .full, "no room among \(capacity) waiting jobs within \(maximumWait)", key: job.key, idempotencyKey: job.idempotencyKey)
        fail(job, error, .rejected(.full), &effects)
        return effects
    }

    // MARK: Shutdown

    /// Stops accepting jobs and rejects the waiting ones; with `cancelRunning`, also cancels the
    /// running ones. Can be called again to cancel after a graceful start.
    mutating func shutDown(cancelRunning: Bool) -> QueueEffects {
        var effects = QueueEffects()
        if lifecycle == .accepting {
            lifecycle = .draining
            for key in keys.values {
                for job in key.queue.removeAllWaiting() {
                    job.phase = .finished
                    job.keyState = nil
                    fail(job, shutdownError(job, "it had not started"), .failed(.shutdown), &effects)
                }
                key.waiting = 0
                key.ring = .out
            }
            keys = keys.filter { $0.value.running > 0 }
            ring.removeAll()
            staleRingEntries = 0
            waiting = 0
            for job in admissions where job.phase == .admitting {
                removeAdmission(job, &effects)
                fail(job, shutdownError(job, "it was waiting for room"), .rejected(.shutdown), &effects)
            }
            admissions.removeAll()
            idempotency.removeAll()
        }
        if cancelRunning {
            runningJobs.forEach { job in
                if job.termination == nil { job.termination = .shutDown }
                doom(job.runner, &effects)
            }
        }
        if lifecycle == .draining && running == 0 { stop(&effects) }
        return effects
    }

    /// Registers a caller to resume when the queue has stopped. Returns `false` when it already
    /// has, so the caller must not wait.
    mutating func addStopWaiter(_ waiter: CheckedContinuation<Void, Never>) -> Bool {
        guard lifecycle != .stopped else { return false }
        stopWaiters.append(waiter)
        return true
    }

    mutating func stop(_ effects: inout QueueEffects) {
        lifecycle = .stopped
        effects.resumeWhenStopped(stopWaiters)
        stopWaiters = []
    }

    // MARK: Introspection

    var counts: JobQueueCounts { JobQueueCounts(waiting: waiting, running: running) }

    func counts(forKey key: String) -> JobQueueCounts {
        keys[ConcurrencyKey(key)].map { JobQueueCounts(waiting: $0.waiting, running: $0.running) } ?? JobQueueCounts()
    }

    // MARK: Helpers

    mutating func removeWaiting(_ job: QueuedJob) {
        guard let key = job.keyState else { preconditionFailure("a waiting job has a key") }
        job.phase = .finished
        job.keyState = nil
        key.waiting -= 1
        waiting -= 1
        if key.waiting == 0 && key.ring == .live {
            key.ring = .stale
            staleRingEntries += 1
            if staleRingEntries > 32 && staleRingEntries * 2 > ring.count {
                ring.removeAll { key in
                    guard key.ring == .stale else { return false }
                    key.ring = .out
                    return true
                }
                staleRingEntries = 0
            }
        }
        let removed = key.queue.count - key.waiting
        if removed > 32 && removed > key.waiting { key.queue.removeFinished() }
        if key.isIdle { drop(key) }
    }

    private mutating func removeAdmission(_ job: QueuedJob, _ effects: inout QueueEffects) {
        job.phase = .finished
        waitingForRoom -= 1
        if let timer = job.admissionTimer {
            effects.cancel(timer)
            job.admissionTimer = nil
        }
        idempotency.forget(job)
        if admissions.count > 32 && admissions.count > 2 * waitingForRoom {
            admissions.removeAll { $0.phase != .admitting }
        }
    }

    /// Ends a job that did not run to completion: all its callers get `error`.
    private mutating func fail(
        _ job: QueuedJob, _ error: any Error, _ metric: QueueMetrics.Ending?, _ effects: inout QueueEffects
    ) {
        callers -= job.waiterCount
        effects.fail(job, error, metric)
    }

    mutating func drop(_ key: KeyState) {
        keys[key.key] = nil
        key.queue = KeyQueue()
    }

    private func doom(_ runner: QueueRunner?, _ effects: inout QueueEffects) {
        guard let runner, !runner.isDoomed else { return }
        runner.isDoomed = true
        if let task = runner.task { effects.cancel(task) }
    }

    private func shutdownError(_ job: QueuedJob, _ reason: String) -> JobQueueError {
        JobQueueError(.shuttingDown, "the queue is shutting down; \(reason)", key: job.key, idempotencyKey: job.idempotencyKey)
    }
}
