public import Foundation

/// The job state machine, in one place: every store computes every transition here and writes
/// the resulting ``JobChange`` atomically. The rules stores share live here too: the epoch check
/// that fences an attempt's writes, the claim order and how far a claim looks
/// (`JobLifecycle+Claim.swift`), what a heartbeat answers, and how a store reports a record it
/// had to quarantine.
///
/// ```
/// queued ──claim──▶ running ──succeeded──▶ succeeded
///   ▲  │               │ ├──failed, attempts left──▶ queued (run-at = back-off)
///   │  │               │ ├──failed / timed out─────▶ failed
///   │  └─cancel──▶ cancelled ◀──cancel (requested, then confirmed or lease expired)
///   └──────────────────┴──released (shutdown) / lease expired, attempts left
/// ```
/// Terminal jobs go back to `queued` only by a manual ``retry(_:now:)``. A job with
/// dependencies starts `waiting` and becomes `queued` (``dependencyEnded(_:dependency:outcome:now:note:)``)
/// or `cancelled` in the transaction that ends its last dependency (`JobLifecycle+Dependencies.swift`).
@_spi(JobStoreImplementation)
public enum JobLifecycle {
    /// A transition of a stored job, computed from its record and the store's time (for
    /// `JobStore.transition(_:_:)`).
    public typealias Transition = @Sendable (JobRecord, Date) throws(JobStoreError) -> JobChange

    /// A new job: queued, or waiting for its dependencies (see
    /// ``enqueue(_:id:now:dependencies:)``).
    /// - Throws: `invalidArgument` for an empty kind, a queue name or key longer than
    ///   ``JobOptions/maximumKeyLength`` bytes, an idempotency key longer than
    ///   ``JobOptions/maximumIdempotencyKeyLength``, fewer than one attempt or more than
    ///   ``JobOptions/maximumAttempts``, a timeout that is not positive or longer than
    ///   ``JobOptions/maximumTimeout``, a run-at more than ``JobOptions/maximumDelay`` from now,
    ///   more than ``JobOptions/maximumDependencies`` dependencies.
    /// `children` is how many children later jobs of the same batch add to it.
    public static func enqueue(_ job: NewJob, id: JobID, now: Date, children: Int = 0) throws(JobStoreError) -> JobChange {
        let options = job.options
        guard !job.kind.isEmpty else { throw JobStoreError(.invalidArgument, "a job needs a kind") }
        guard options.queue.utf8.count <= JobOptions.maximumKeyLength else {
            throw JobStoreError(.invalidArgument, "the queue name is longer than \(JobOptions.maximumKeyLength) bytes")
        }
        guard (options.key?.utf8.count ?? 0) <= JobOptions.maximumKeyLength else {
            throw JobStoreError(.invalidArgument, "the key is longer than \(JobOptions.maximumKeyLength) bytes")
        }
        guard (options.idempotencyKey?.utf8.count ?? 0) <= JobOptions.maximumIdempotencyKeyLength else {
            throw JobStoreError(.invalidArgument, "the idempotency key is longer than \(JobOptions.maximumIdempotencyKeyLength) bytes")
        }
        guard options.maxAttempts >= 1 else { throw JobStoreError(.invalidArgument, "maxAttempts must be at least 1") }
        guard options.maxAttempts <= JobOptions.maximumAttempts else {
            throw JobStoreError(.invalidArgument, "maxAttempts must be at most \(JobOptions.maximumAttempts)")
        }
        guard options.timeout > .zero else { throw JobStoreError(.invalidArgument, "timeout must be positive") }
        guard options.timeout <= JobOptions.maximumTimeout else {
            throw JobStoreError(.invalidArgument, "timeout must be at most \(DurationParser.format(JobOptions.maximumTimeout))")
        }
        guard job.traceContext.reduce(0, { $0 + $1.key.utf8.count + $1.value.utf8.count }) <= NewJob.maximumTraceContextSize else {
            throw JobStoreError(.invalidArgument, "the trace context is larger than \(NewJob.maximumTraceContextSize) bytes")
        }
        guard job.traceContext.allSatisfy({ TraceContextText.isValid(name: $0.key, value: $0.value) }) else {
            throw JobStoreError(.invalidArgument, "a trace context field has an empty name, a ':' in its name or a line break")
        }
        if let runAt = options.runAt {
            guard runAt.timeIntervalSince(now) <= JobOptions.maximumDelay.timeInterval,
                  runAt.timeIntervalSince(now) >= -JobOptions.maximumDelay.timeInterval else {
                throw JobStoreError(.invalidArgument, "runAt must be within \(DurationParser.format(JobOptions.maximumDelay)) of now")
            }
        }
        guard options.dependsOn.count <= JobOptions.maximumDependencies else {
            throw JobStoreError(.invalidArgument, "a job may depend on at most \(JobOptions.maximumDependencies) jobs")
        }
        let record = JobRecord(
            id: id, queue: options.queue, key: options.key, kind: job.kind, payload: job.payload,
            state: .queued, priority: options.priority, runAt: options.runAt ?? now, attempt: 0,
            maxAttempts: options.maxAttempts, timeout: options.timeout,
            idempotencyKey: options.idempotencyKey, leaseHolder: nil, leaseExpiresAt: nil, epoch: 0,
            cancelRequested: false, createdAt: now, startedAt: nil, finishedAt: nil, updatedAt: now,
            lastError: nil, result: nil, version: 1, traceContext: job.traceContext,
            dependsOn: uniqued(options.dependsOn), dependencyMode: options.dependencyMode,
            parentID: job.parent?.id, pendingChildren: children
        )
        guard !record.isGroup else {
            // A group is never claimed: it waits for its children from the start.
            var group = record
            group.state = .waiting
            let children = children == 1 ? "1 child" : "\(children) children"
            return JobChange(before: nil, after: group, run: nil, events: [event(.enqueued, group, message: "a group of \(children)")])
        }
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

    /// Checks that a write for the attempt with `epoch` may go ahead: the job runs at that epoch.
    /// Every write of an attempt (heartbeat, output, finish) passes this check.
    /// - Throws: `staleEpoch` when the job no longer runs at that epoch.
    public static func checkEpoch(_ record: JobRecord, _ epoch: Int64) throws(JobStoreError) {
        guard record.state == .running, record.epoch == epoch else {
            throw JobStoreError.staleEpoch(record, epoch: epoch)
        }
    }

    /// Renews the lease of a running attempt, and says what its worker must do: go on, stop for
    /// a cancel, or stop because the lease is lost (stale epoch) or the job is gone (`record` is
    /// `nil`). The change is `nil` when nothing is written.
    public static func heartbeat(
        _ record: JobRecord?, _ beat: JobHeartbeat, lease: Duration, now: Date
    ) -> (status: HeartbeatStatus, change: JobChange?) {
        guard let record else { return (.gone, nil) }
        do { try checkEpoch(record, beat.epoch) } catch { return (.lost, nil) }
        var after = touched(record, now)
        after.leaseExpiresAt = now.adding(lease)
        let run: JobChange.RunChange? = beat.insights.isEmpty ? nil : .insights(epoch: beat.epoch, beat.insights)
        let status: HeartbeatStatus = record.cancelRequested
            ? .cancelRequested(reason: record.cancelReason, mode: record.cancelMode ?? .graceful)
            : .renewed
        return (status, JobChange(before: record, after: after, run: run, events: []))
    }

    /// The run outcome of an attempt that ended as its worker reports.
    public static func runOutcome(_ outcome: JobFinish.Outcome) -> JobRun.Outcome {
        switch outcome {
        case .succeeded: .succeeded
        case .failed: .failed
        case .timedOut: .timedOut
        case .cancelled: .cancelled
        case .released: .released
        }
    }

    /// Ends a running attempt as its worker reports it.
    /// - Throws: `staleEpoch` when the job no longer runs at the report's epoch (nothing changes).
    public static func finish(_ record: JobRecord, _ report: JobFinish, now: Date) throws(JobStoreError) -> JobChange {
        try checkEpoch(record, report.epoch)
        var after = touched(record, now)
        var error: String?
        var events: [JobChange.Event] = []
        switch report.outcome {
        case .succeeded(let result):
            after.result = result
            if record.pendingChildren > 0 || record.failedChildren > 0 {
                var ended = attemptSucceeded(&after, now: now)
                ended.epoch = report.epoch
                events.append(ended)
            } else {
                after.state = .succeeded
                events.append(event(.succeeded, after, epoch: report.epoch))
            }
        case .failed(let message, let retryAt):
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
            error = message
            after.lastError = message
            after.state = .failed
            events.append(event(.timedOut, after, epoch: report.epoch, message: message))
        case .cancelled(let reason):
            error = reason
            after.state = .cancelled
            after.cancelReason = record.cancelReason ?? reason
            events.append(event(.cancelled, after, epoch: report.epoch, message: reason))
        case .released:
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
        endAttempt(&after, now: now)
        let run = JobChange.RunChange.finish(
            epoch: report.epoch, outcome: runOutcome(report.outcome), at: now, error: error, exitCode: report.exitCode,
            insights: report.insights
        )
        return JobChange(before: record, after: after, run: run, events: events)
    }

    /// Cancels a job: a queued job is cancelled at once; a running one gets a cancel request
    /// that its worker sees at its next heartbeat (asking again changes nothing). The job keeps
    /// the reason and the stop mode.
    /// - Throws: `invalidState` for a job that has finished.
    public static func cancel(
        _ record: JobRecord, reason: String?, mode: JobStopMode = .graceful, now: Date
    ) throws(JobStoreError) -> JobChange {
        switch record.state {
        case .waiting, .queued:
            var after = touched(record, now)
            after.state = .cancelled
            after.finishedAt = now
            after.cancelReason = reason
            after.cancelMode = mode
            return JobChange(before: record, after: after, run: nil, events: [event(.cancelled, after, message: reason)])
        case .running:
            guard !record.cancelRequested else { return JobChange(before: record, after: record, run: nil, events: []) }
            var after = touched(record, now)
            after.cancelRequested = true
            after.cancelReason = reason
            after.cancelMode = mode
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
        var after = touched(record, now)
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
        endAttempt(&after, now: now)
        let run = JobChange.RunChange.finish(
            epoch: record.epoch, outcome: .leaseExpired, at: now, error: message, exitCode: nil, insights: [:]
        )
        return JobChange(before: record, after: after, run: run, events: events)
    }

    /// Queues a finished job again by hand, with a fresh round of attempts (the failures of
    /// its earlier children are forgotten).
    /// - Throws: `invalidState` when the job has not finished, or is a group (retry its children).
    public static func retry(_ record: JobRecord, now: Date) throws(JobStoreError) -> JobChange {
        guard record.state.isTerminal else {
            throw JobStoreError(.invalidState, "only a finished job can be retried", jobID: record.id, state: record.state)
        }
        guard !record.isGroup else {
            throw JobStoreError(.invalidState, "a group has no attempt of its own: retry its children", jobID: record.id, state: record.state)
        }
        var after = touched(record, now)
        after.state = .queued
        after.attempt = 0
        after.runAt = now
        after.finishedAt = nil
        after.cancelRequested = false
        after.cancelReason = nil
        after.cancelMode = nil
        after.result = nil
        after.failedChildren = 0
        after.failedChildIDs = []
        return JobChange(before: record, after: after, run: nil, events: [event(.retried, after)])
    }

    /// The error a store reports for a stored record it could not decode and moved to quarantine.
    public static func quarantined(_ id: JobID, reason: String) -> JobStoreError {
        JobStoreError(.corruptRecord, "the stored record cannot be decoded (\(reason)); it was moved to quarantine", jobID: id)
    }

    // MARK: - Helpers

    static func touched(_ record: JobRecord, _ now: Date) -> JobRecord {
        var after = record
        after.version += 1
        after.updatedAt = now
        return after
    }

    /// Clears the attempt's lease and cancel request once it ended; a job that ended cancelled
    /// keeps the cancel's reason and stop mode (the request was granted), any other forgets them.
    private static func endAttempt(_ record: inout JobRecord, now: Date) {
        record.leaseHolder = nil
        record.leaseExpiresAt = nil
        record.cancelRequested = false
        if record.state == .cancelled {
            record.cancelMode = record.cancelMode ?? .graceful
        } else {
            record.cancelReason = nil
            record.cancelMode = nil
        }
        if record.state.isTerminal { record.finishedAt = now }
    }

    static func event(
        _ kind: JobEvent.Kind, _ record: JobRecord, epoch: Int64? = nil, message: String? = nil
    ) -> JobChange.Event {
        JobChange.Event(kind: kind, state: record.state, epoch: epoch, message: message)
    }
}
