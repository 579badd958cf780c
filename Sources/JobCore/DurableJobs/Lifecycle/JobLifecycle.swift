public import Foundation

/// The job state machine, in one place: every store computes every transition here and writes
/// the resulting ``JobChange`` atomically.
///
/// ```
/// queued ──claim──▶ running ──succeeded──▶ succeeded
///   ▲  │               │ ├──failed, attempts left──▶ queued (run-at = back-off)
///   │  │               │ ├──failed / timed out─────▶ failed
///   │  └─cancel──▶ cancelled ◀──cancel (requested, then confirmed or lease expired)
///   └──────────────────┴──released (shutdown) / lease expired, attempts left
/// ```
/// Terminal jobs go back to `queued` only by a manual ``retry(_:now:)``.
public enum JobLifecycle {
    /// A new queued job.
    /// - Throws: `invalidArgument` for an empty kind, fewer than one attempt or a non-positive timeout.
    public static func enqueue(_ job: NewJob, id: JobID, now: Date) throws(JobStoreError) -> JobChange {
        let options = job.options
        guard !job.kind.isEmpty else { throw JobStoreError(.invalidArgument, "a job needs a kind") }
        guard options.maxAttempts >= 1 else { throw JobStoreError(.invalidArgument, "maxAttempts must be at least 1") }
        guard options.timeout > .zero else { throw JobStoreError(.invalidArgument, "timeout must be positive") }
        let record = JobRecord(
            id: id, queue: options.queue, key: options.key, kind: job.kind, payload: job.payload,
            state: .queued, priority: options.priority, runAt: options.runAt ?? now, attempt: 0,
            maxAttempts: options.maxAttempts, timeout: options.timeout,
            idempotencyKey: options.idempotencyKey, leaseHolder: nil, leaseExpiresAt: nil, epoch: 0,
            cancelRequested: false, createdAt: now, startedAt: nil, finishedAt: nil, updatedAt: now,
            lastError: nil, result: nil, version: 1
        )
        let scheduled = record.runAt > now ? "scheduled for \(record.runAt.formatted(.iso8601))" : nil
        return JobChange(before: nil, after: record, run: nil, events: [event(.enqueued, record, message: scheduled)])
    }

    /// Whether a claim may take the job now (ignoring per-key limits, which the store counts).
    public static func isClaimable(_ record: JobRecord, now: Date) -> Bool {
        record.state == .queued && record.runAt <= now
    }

    /// Claims a queued job: running, a new epoch, a lease, a new run.
    /// - Throws: `invalidState` when the job is not queued or not due.
    public static func claim(_ record: JobRecord, workerID: String, lease: Duration, now: Date) throws(JobStoreError) -> JobChange {
        guard isClaimable(record, now: now) else {
            throw JobStoreError(.invalidState, "only a due queued job can be claimed", jobID: record.id, state: record.state)
        }
        var after = touched(record, now)
        after.state = .running
        after.epoch += 1
        after.attempt += 1
        after.leaseHolder = workerID
        after.leaseExpiresAt = now.adding(lease)
        after.startedAt = now
        let run = JobRun(jobID: record.id, epoch: after.epoch, attempt: after.attempt, workerID: workerID, startedAt: now)
        return JobChange(before: record, after: after, run: .start(run), events: [event(.claimed, after, epoch: after.epoch, message: workerID)])
    }

    /// Renews the lease of a running attempt.
    /// - Throws: `staleEpoch` when the job no longer runs at that epoch.
    public static func heartbeat(_ record: JobRecord, _ beat: JobHeartbeat, lease: Duration, now: Date) throws(JobStoreError) -> JobChange {
        try checkEpoch(record, beat.epoch)
        var after = touched(record, now)
        after.leaseExpiresAt = now.adding(lease)
        let run: JobChange.RunChange? = beat.insights.isEmpty ? nil : .insights(epoch: beat.epoch, beat.insights)
        return JobChange(before: record, after: after, run: run, events: [])
    }

    /// Ends a running attempt as its worker reports it.
    /// - Throws: `staleEpoch` when the job no longer runs at the report's epoch (nothing changes).
    public static func finish(_ record: JobRecord, _ report: JobFinish, now: Date) throws(JobStoreError) -> JobChange {
        try checkEpoch(record, report.epoch)
        var after = endAttempt(touched(record, now))
        let outcome: JobRun.Outcome
        var error: String?
        var events: [JobChange.Event] = []
        switch report.outcome {
        case .succeeded(let result):
            outcome = .succeeded
            after.result = result
            after.state = .succeeded
            events.append(event(.succeeded, after, epoch: report.epoch))
        case .failed(let message, let retryAt):
            outcome = .failed
            error = message
            after.lastError = message
            if let retryAt, record.hasAttemptsLeft, !record.cancelRequested {
                after.state = .queued
                after.runAt = max(retryAt, now)
                events.append(event(.retryScheduled, after, epoch: report.epoch, message: message))
            } else {
                after.state = .failed
                events.append(event(.failed, after, epoch: report.epoch, message: message))
            }
        case .timedOut(let message):
            outcome = .timedOut
            error = message
            after.lastError = message
            after.state = .failed
            events.append(event(.timedOut, after, epoch: report.epoch, message: message))
        case .cancelled(let reason):
            outcome = .cancelled
            error = reason
            after.state = .cancelled
            events.append(event(.cancelled, after, epoch: report.epoch, message: reason))
        case .released:
            outcome = .released
            if record.cancelRequested {
                after.state = .cancelled
                events.append(event(.cancelled, after, epoch: report.epoch, message: "cancelled while the worker shut down"))
            } else {
                after.state = .queued
                after.attempt -= 1
                after.runAt = now
                events.append(event(.released, after, epoch: report.epoch, message: record.leaseHolder))
            }
        }
        if after.state.isTerminal { after.finishedAt = now }
        let run = JobChange.RunChange.finish(
            epoch: report.epoch, outcome: outcome, at: now, error: error, exitCode: report.exitCode,
            insights: report.insights
        )
        return JobChange(before: record, after: after, run: run, events: events)
    }

    /// Cancels a job: a queued job is cancelled at once; a running one gets a cancel request
    /// that its worker sees at its next heartbeat (asking again changes nothing).
    /// - Throws: `invalidState` for a job that has finished.
    public static func cancel(_ record: JobRecord, now: Date, reason: String? = nil) throws(JobStoreError) -> JobChange {
        switch record.state {
        case .queued:
            var after = touched(record, now)
            after.state = .cancelled
            after.finishedAt = now
            return JobChange(before: record, after: after, run: nil, events: [event(.cancelled, after, message: reason)])
        case .running:
            guard !record.cancelRequested else { return JobChange(before: record, after: record, run: nil, events: []) }
            var after = touched(record, now)
            after.cancelRequested = true
            after.cancelReason = reason
            return JobChange(before: record, after: after, run: nil, events: [event(.cancelRequested, after, epoch: record.epoch, message: reason)])
        case .succeeded, .failed, .cancelled:
            throw JobStoreError(.invalidState, "a finished job cannot be cancelled", jobID: record.id, state: record.state)
        }
    }

    /// Whether the reaper should end the job's attempt: running with a lease that has run out.
    public static func isExpired(_ record: JobRecord, now: Date) -> Bool {
        guard record.state == .running, let expiry = record.leaseExpiresAt else { return false }
        return expiry < now
    }

    /// Ends an attempt whose lease expired: back to the queue when attempts are left, else
    /// failed; cancelled when a cancel was requested.
    /// - Throws: `invalidState` when the lease has not expired.
    public static func expireLease(_ record: JobRecord, now: Date) throws(JobStoreError) -> JobChange {
        guard isExpired(record, now: now) else {
            throw JobStoreError(.invalidState, "the lease has not expired", jobID: record.id, state: record.state)
        }
        let message = "lease of worker \(record.leaseHolder ?? "?") expired at epoch \(record.epoch)"
        var after = endAttempt(touched(record, now))
        var events = [event(.leaseExpired, after, epoch: record.epoch, message: message)]
        if record.cancelRequested {
            after.state = .cancelled
            events.append(event(.cancelled, after, epoch: record.epoch, message: "cancel requested before the lease expired"))
        } else if record.hasAttemptsLeft {
            after.state = .queued
            after.runAt = now
            after.lastError = message
        } else {
            after.state = .failed
            after.lastError = message
            events.append(event(.failed, after, epoch: record.epoch, message: "no attempt left"))
        }
        events[0].state = after.state
        if after.state.isTerminal { after.finishedAt = now }
        let run = JobChange.RunChange.finish(
            epoch: record.epoch, outcome: .leaseExpired, at: now, error: message, exitCode: nil, insights: [:]
        )
        return JobChange(before: record, after: after, run: run, events: events)
    }

    /// Queues a finished job again by hand, with a fresh round of attempts.
    /// - Throws: `invalidState` when the job has not finished.
    public static func retry(_ record: JobRecord, now: Date) throws(JobStoreError) -> JobChange {
        guard record.state.isTerminal else {
            throw JobStoreError(.invalidState, "only a finished job can be retried", jobID: record.id, state: record.state)
        }
        var after = touched(record, now)
        after.state = .queued
        after.attempt = 0
        after.runAt = now
        after.finishedAt = nil
        after.cancelRequested = false
        after.cancelReason = nil
        after.result = nil
        return JobChange(before: record, after: after, run: nil, events: [event(.retried, after)])
    }

    // MARK: - Helpers

    private static func checkEpoch(_ record: JobRecord, _ epoch: Int64) throws(JobStoreError) {
        guard record.state == .running, record.epoch == epoch else {
            throw JobStoreError.staleEpoch(record, epoch: epoch)
        }
    }

    private static func touched(_ record: JobRecord, _ now: Date) -> JobRecord {
        var after = record
        after.version += 1
        after.updatedAt = now
        return after
    }

    private static func endAttempt(_ record: JobRecord) -> JobRecord {
        var after = record
        after.leaseHolder = nil
        after.leaseExpiresAt = nil
        after.cancelRequested = false
        after.cancelReason = nil
        return after
    }

    private static func event(
        _ kind: JobEvent.Kind, _ record: JobRecord, epoch: Int64? = nil, message: String? = nil
    ) -> JobChange.Event {
        JobChange.Event(kind: kind, state: record.state, epoch: epoch, message: message)
    }
}
