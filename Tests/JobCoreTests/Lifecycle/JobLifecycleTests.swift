import Foundation
@_spi(JobStoreImplementation) import JobCore
import Testing

/// The job state machine on its own, table-driven: each row is a state before, an event, and
/// the state, events, run change and fields expected after, or the refusal expected.
@Suite struct JobLifecycleTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let now = start.addingTimeInterval(100)
    static let lease = Duration.seconds(30)

    /// A job in `state`: attempt 1 of 3 at epoch 1 unless told otherwise; a running one holds a
    /// lease until `leaseUntil` (default: not expired); `cancel` is a pending cancel (running)
    /// or the cancel that ended it (cancelled).
    static func job(
        _ state: JobState, attempt: Int = 1, maxAttempts: Int = 3, epoch: Int64 = 1, runAt: Date = start,
        leaseUntil: Date? = nil, cancel: (reason: String?, mode: JobStopMode)? = nil
    ) -> JobRecord {
        let running = state == .running
        return JobRecord(
            id: JobID("01JCZ8Y3T6K4P2M9Q7R5S1V0WX"), queue: "default", key: "k", kind: "test", payload: Data("{}".utf8),
            state: state, priority: 0, runAt: runAt, attempt: state == .queued ? attempt - 1 : attempt,
            maxAttempts: maxAttempts, timeout: .seconds(3600), idempotencyKey: nil,
            leaseHolder: running ? "w" : nil, leaseExpiresAt: running ? (leaseUntil ?? now.adding(lease)) : nil, epoch: epoch,
            cancelRequested: running && cancel != nil, cancelReason: cancel?.reason, cancelMode: cancel?.mode,
            createdAt: start, startedAt: state == .queued ? nil : start, finishedAt: state.isTerminal ? start : nil,
            updatedAt: start, lastError: nil, result: nil, version: 7
        )
    }

    // MARK: - Transitions of stored jobs

    enum Event: Sendable, CustomStringConvertible {
        case claim
        case heartbeat(epoch: Int64 = 1, insights: [String: Double] = [:])
        case finish(JobFinish.Outcome, epoch: Int64 = 1)
        case cancel(String?, JobStopMode)
        case expireLease
        case retry

        var description: String {
            switch self {
            case .claim: "claim"
            case .heartbeat(let epoch, _): "heartbeat at epoch \(epoch)"
            case .finish(let outcome, let epoch): "finish \(outcome) at epoch \(epoch)"
            case .cancel(let reason, let mode): "cancel (\(reason ?? "no reason"), \(mode))"
            case .expireLease: "lease expiry"
            case .retry: "retry"
            }
        }
    }

    /// The run change expected.
    enum Run: Sendable, Equatable {
        case none, start, insights, finish(JobRun.Outcome)
    }

    struct Expected: Sendable {
        var state: JobState
        var events: [JobEvent.Kind]
        var run = Run.none
        var attempt = 1
        var epoch: Int64 = 1
        /// The pending or granted cancel after the event: reason, mode.
        var cancel: (reason: String?, mode: JobStopMode)?
        var runAt: Date?
        var lastError: String?
        /// What a heartbeat answers.
        var status: HeartbeatStatus?
        /// Whether the record is written (a repeated cancel writes nothing).
        var written = true
    }

    enum Outcome: Sendable {
        case becomes(Expected)
        case refused(JobStoreError.Code)
        /// A heartbeat that writes nothing: the worker is told to stop.
        case answers(HeartbeatStatus)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var before: JobRecord
        var event: Event
        var outcome: Outcome
        var testDescription: String { "\(before.state) + \(event)" }

        init(_ before: JobRecord, _ event: Event, _ outcome: Outcome) {
            self.before = before
            self.event = event
            self.outcome = outcome
        }
    }

    static let later = now.addingTimeInterval(60)
    static let earlier = now.addingTimeInterval(-60)
    static let expired = now.addingTimeInterval(-1)

    static let rows: [Row] = [
        // claim
        Row(job(.queued), .claim, .becomes(.init(state: .running, events: [.claimed], run: .start, epoch: 2))),
        Row(job(.queued, runAt: later), .claim, .refused(.invalidState)),
        Row(job(.running), .claim, .refused(.invalidState)),
        Row(job(.succeeded), .claim, .refused(.invalidState)),
        Row(job(.failed), .claim, .refused(.invalidState)),
        Row(job(.cancelled), .claim, .refused(.invalidState)),
        // heartbeat
        Row(job(.running), .heartbeat(), .becomes(.init(state: .running, events: [], status: .renewed))),
        Row(job(.running), .heartbeat(insights: ["tokens": 5]), .becomes(.init(state: .running, events: [], run: .insights, status: .renewed))),
        Row(job(.running, cancel: ("stop", .graceful)), .heartbeat(), .becomes(.init(
            state: .running, events: [], cancel: ("stop", .graceful), status: .cancelRequested(reason: "stop", mode: .graceful)))),
        Row(job(.running, cancel: (nil, .immediate)), .heartbeat(), .becomes(.init(
            state: .running, events: [], cancel: (nil, .immediate), status: .cancelRequested(reason: nil, mode: .immediate)))),
        Row(job(.running, epoch: 2), .heartbeat(epoch: 1), .answers(.lost)),
        Row(job(.queued), .heartbeat(), .answers(.lost)),
        Row(job(.succeeded), .heartbeat(), .answers(.lost)),
        // finish
        Row(job(.running), .finish(.succeeded(result: Data("42".utf8))), .becomes(.init(state: .succeeded, events: [.succeeded], run: .finish(.succeeded)))),
        Row(job(.running), .finish(.failed(error: "flaky", retryAt: later)), .becomes(.init(
            state: .queued, events: [.retryScheduled], run: .finish(.failed), runAt: later, lastError: "flaky"))),
        Row(job(.running), .finish(.failed(error: "flaky", retryAt: earlier)), .becomes(.init(
            state: .queued, events: [.retryScheduled], run: .finish(.failed), runAt: now, lastError: "flaky"))),
        Row(job(.running, attempt: 3), .finish(.failed(error: "flaky", retryAt: later)), .becomes(.init(
            state: .failed, events: [.failed], run: .finish(.failed), attempt: 3, lastError: "flaky"))),
        Row(job(.running), .finish(.failed(error: "bad input", retryAt: nil)), .becomes(.init(
            state: .failed, events: [.failed], run: .finish(.failed), lastError: "bad input"))),
        Row(job(.running, cancel: ("stop", .graceful)), .finish(.failed(error: "interrupted", retryAt: later)), .becomes(.init(
            state: .failed, events: [.failed], run: .finish(.failed), lastError: "interrupted"))),
        Row(job(.running), .finish(.timedOut(error: "timed out after 1h")), .becomes(.init(
            state: .failed, events: [.timedOut], run: .finish(.timedOut), lastError: "timed out after 1h"))),
        Row(job(.running, cancel: ("kill", .immediate)), .finish(.cancelled(reason: "kill")), .becomes(.init(
            state: .cancelled, events: [.cancelled], run: .finish(.cancelled), cancel: ("kill", .immediate)))),
        Row(job(.running), .finish(.cancelled(reason: "cancelled")), .becomes(.init(
            state: .cancelled, events: [.cancelled], run: .finish(.cancelled), cancel: ("cancelled", .graceful)))),
        Row(job(.running, attempt: 3), .finish(.released), .becomes(.init(
            state: .queued, events: [.released], run: .finish(.released), attempt: 2, runAt: now))),
        Row(job(.running, cancel: ("stop", .graceful)), .finish(.released), .becomes(.init(
            state: .cancelled, events: [.cancelled], run: .finish(.released), cancel: ("stop", .graceful)))),
        Row(job(.running, epoch: 2), .finish(.succeeded(result: nil), epoch: 1), .refused(.staleEpoch)),
        Row(job(.queued), .finish(.succeeded(result: nil)), .refused(.staleEpoch)),
        Row(job(.succeeded), .finish(.succeeded(result: nil)), .refused(.staleEpoch)),
        Row(job(.cancelled), .finish(.cancelled(reason: nil)), .refused(.staleEpoch)),
        // cancel
        Row(job(.queued), .cancel("not needed", .graceful), .becomes(.init(state: .cancelled, events: [.cancelled], attempt: 0, cancel: ("not needed", .graceful)))),
        Row(job(.queued), .cancel(nil, .immediate), .becomes(.init(state: .cancelled, events: [.cancelled], attempt: 0, cancel: (nil, .immediate)))),
        Row(job(.running), .cancel("stop", .graceful), .becomes(.init(state: .running, events: [.cancelRequested], cancel: ("stop", .graceful)))),
        Row(job(.running), .cancel("kill", .immediate), .becomes(.init(state: .running, events: [.cancelRequested], cancel: ("kill", .immediate)))),
        Row(job(.running, cancel: ("stop", .graceful)), .cancel("again", .immediate), .becomes(.init(
            state: .running, events: [], cancel: ("stop", .graceful), written: false))),
        Row(job(.succeeded), .cancel(nil, .graceful), .refused(.invalidState)),
        Row(job(.failed), .cancel(nil, .graceful), .refused(.invalidState)),
        Row(job(.cancelled), .cancel(nil, .immediate), .refused(.invalidState)),
        // lease expiry
        Row(job(.running, leaseUntil: expired), .expireLease, .becomes(.init(
            state: .queued, events: [.leaseExpired], run: .finish(.leaseExpired), runAt: now,
            lastError: "lease of worker w expired at epoch 1"))),
        Row(job(.running, attempt: 3, leaseUntil: expired), .expireLease, .becomes(.init(
            state: .failed, events: [.leaseExpired, .failed], run: .finish(.leaseExpired), attempt: 3,
            lastError: "lease of worker w expired at epoch 1"))),
        Row(job(.running, leaseUntil: expired, cancel: ("stop", .immediate)), .expireLease, .becomes(.init(
            state: .cancelled, events: [.leaseExpired, .cancelled], run: .finish(.leaseExpired), cancel: ("stop", .immediate)))),
        Row(job(.running), .expireLease, .refused(.invalidState)),
        Row(job(.running, leaseUntil: now), .expireLease, .refused(.invalidState)),
        Row(job(.queued), .expireLease, .refused(.invalidState)),
        Row(job(.failed), .expireLease, .refused(.invalidState)),
        // retry
        Row(job(.succeeded), .retry, .becomes(.init(state: .queued, events: [.retried], attempt: 0, runAt: now))),
        Row(job(.failed, attempt: 3), .retry, .becomes(.init(state: .queued, events: [.retried], attempt: 0, runAt: now))),
        Row(job(.cancelled, cancel: ("stop", .immediate)), .retry, .becomes(.init(state: .queued, events: [.retried], attempt: 0, runAt: now))),
        Row(job(.queued), .retry, .refused(.invalidState)),
        Row(job(.running), .retry, .refused(.invalidState)),
    ]

    @Test(arguments: rows)
    func transition(_ row: Row) throws {
        let before = row.before
        let result: Result<(JobChange?, HeartbeatStatus?), JobStoreError>
        do throws(JobStoreError) {
            result = .success(try Self.apply(row.event, to: before))
        } catch {
            result = .failure(error)
        }
        switch (row.outcome, result) {
        case (.refused(let code), .failure(let error)):
            #expect(error.code == code)
            #expect(error.jobID == before.id)
        case (.answers(let expected), .success((let change, let status))):
            #expect(change == nil, "nothing is written")
            #expect(status == expected)
        case (.becomes(let expected), .success((let change?, let status))):
            let after = change.after
            #expect(change.before == before)
            #expect(after.state == expected.state)
            #expect(change.events.map(\.kind) == expected.events)
            #expect(change.events.allSatisfy { $0.state == after.state }, "events carry the state after")
            #expect(Self.run(change.run) == expected.run)
            #expect(status == expected.status)
            #expect(after.attempt == expected.attempt)
            #expect(after.epoch == expected.epoch)
            #expect(after.cancelRequested == (after.state == .running && expected.cancel != nil))
            #expect(after.cancelReason == expected.cancel?.reason)
            #expect(after.cancelMode == expected.cancel?.mode)
            #expect(after.lastError == expected.lastError)
            if let runAt = expected.runAt { #expect(after.runAt == runAt) }
            // What holds after every transition.
            #expect(after.version == before.version + (expected.written ? 1 : 0))
            #expect(after.updatedAt == (expected.written ? Self.now : before.updatedAt))
            #expect((after.leaseHolder != nil) == (after.state == .running), "a lease exactly while running")
            #expect((after.leaseExpiresAt != nil) == (after.state == .running))
            #expect(after.finishedAt == (after.state.isTerminal ? Self.now : nil), "finished exactly when terminal")
            #expect(change.runningDelta == (after.state == .running ? 1 : 0) - (before.state == .running ? 1 : 0))
        default:
            Issue.record("expected \(row.outcome), got \(result)")
        }
    }

    static func apply(_ event: Event, to record: JobRecord) throws(JobStoreError) -> (JobChange?, HeartbeatStatus?) {
        switch event {
        case .claim:
            return (try JobLifecycle.claim(record, workerID: "w2", lease: lease, now: now), nil)
        case .heartbeat(let epoch, let insights):
            let (status, change) = JobLifecycle.heartbeat(record, JobHeartbeat(id: record.id, epoch: epoch, insights: insights), lease: lease, now: now)
            return (change, status)
        case .finish(let outcome, let epoch):
            return (try JobLifecycle.finish(record, JobFinish(id: record.id, epoch: epoch, outcome: outcome), now: now), nil)
        case .cancel(let reason, let mode):
            return (try JobLifecycle.cancel(record, reason: reason, mode: mode, now: now), nil)
        case .expireLease:
            return (try JobLifecycle.expireLease(record, now: now), nil)
        case .retry:
            return (try JobLifecycle.retry(record, now: now), nil)
        }
    }

    static func run(_ change: JobChange.RunChange?) -> Run {
        switch change {
        case nil: .none
        case .start?: .start
        case .insights?: .insights
        case .finish(_, let outcome, _, _, _, _)?: .finish(outcome)
        }
    }

    // MARK: - Details of single transitions

    @Test func aClaimStartsARunWithANewEpochAndLease() throws {
        let change = try JobLifecycle.claim(Self.job(.queued), workerID: "w2", lease: Self.lease, now: Self.now)
        #expect(change.after.epoch == 2 && change.after.attempt == 1)
        #expect(change.after.leaseHolder == "w2" && change.after.leaseExpiresAt == Self.now.adding(Self.lease))
        #expect(change.after.startedAt == Self.now)
        #expect(change.run == .start(JobRun(jobID: change.after.id, epoch: 2, attempt: 1, workerID: "w2", startedAt: Self.now)))
        #expect(change.events.map(\.epoch) == [2] && change.events.map(\.message) == ["w2"])
    }

    @Test func aHeartbeatOfAMissingJobSaysGone() {
        let (status, change) = JobLifecycle.heartbeat(nil, JobHeartbeat(id: JobID("x"), epoch: 1), lease: Self.lease, now: Self.now)
        #expect(status == .gone)
        #expect(change == nil)
    }

    @Test func aFinishRecordsTheRunWithExitCodeAndInsights() throws {
        let report = JobFinish(id: Self.job(.running).id, epoch: 1, outcome: .failed(error: "boom", retryAt: nil), exitCode: 3, insights: ["cost": 1])
        let change = try JobLifecycle.finish(Self.job(.running), report, now: Self.now)
        #expect(change.run == .finish(epoch: 1, outcome: .failed, at: Self.now, error: "boom", exitCode: 3, insights: ["cost": 1]))
    }

    @Test(arguments: [
        (JobFinish.Outcome.succeeded(result: nil), JobRun.Outcome.succeeded),
        (.failed(error: "x", retryAt: nil), .failed),
        (.timedOut(error: "x"), .timedOut),
        (.cancelled(reason: nil), .cancelled),
        (.released, .released),
    ])
    func finishOutcomesMapToRunOutcomes(_ outcome: JobFinish.Outcome, _ run: JobRun.Outcome) {
        #expect(JobLifecycle.runOutcome(outcome) == run)
    }

    // MARK: - Enqueue

    // MARK: - Shared rules

    /// The fence of every write of an attempt: the job's state, the epoch written with, accepted.
    @Test(arguments: [
        (JobState.running, Int64(4), true),
        (.running, 3, false),
        (.running, 5, false),
        (.queued, 4, false),
        (.succeeded, 4, false),
        (.failed, 4, false),
        (.cancelled, 4, false),
    ])
    func epochCheckAcceptsOnlyTheRunningAttempt(_ state: JobState, _ epoch: Int64, _ accepted: Bool) {
        let record = Self.job(state, epoch: 4)
        if accepted {
            #expect(throws: Never.self) { try JobLifecycle.checkEpoch(record, epoch) }
        } else {
            #expect { try JobLifecycle.checkEpoch(record, epoch) } throws: {
                let error = $0 as? JobStoreError
                return error?.code == .staleEpoch && error?.state == state
            }
        }
    }

    @Test func quarantinedRecordsAreReportedAsCorrupt() {
        let error = JobLifecycle.quarantined(JobID("x"), reason: "state 'exploded' is not a job state")
        #expect(error.code == .corruptRecord && error.jobID == JobID("x"))
        #expect(error.message.contains("state 'exploded' is not a job state") && error.message.contains("quarantine"))
    }
}
