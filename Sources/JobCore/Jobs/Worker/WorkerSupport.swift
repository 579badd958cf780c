import Foundation
import Synchronization

/// The jobs a worker runs now, and a signal fired whenever one ends.
final class RunningJobs: Sendable {
    struct Entry {
        var job: JobRecord
        let state: JobAttemptState
        var leaseExpiresAt: Date
        /// When the attempt times out: its start (by the store's clock) plus the job's timeout.
        let deadline: Date
    }

    private let entries = Mutex<[JobID: Entry]>([:])
    /// Fired when a job ends (a slot frees).
    let changed = JobSignal()
    /// Fired when jobs were added (new timeouts to watch).
    let added = JobSignal()

    var count: Int { entries.withLock { $0.count } }

    func add(_ job: JobRecord) -> JobAttemptState {
        let state = JobAttemptState()
        let deadline = (job.startedAt ?? Date()).adding(job.timeout)
        entries.withLock { $0[job.id] = Entry(job: job, state: state, leaseExpiresAt: job.leaseExpiresAt ?? .distantPast, deadline: deadline) }
        return state
    }

    func remove(_ ids: [JobID]) {
        entries.withLock { entries in
            for id in ids { entries.removeValue(forKey: id) }
        }
        changed.notify()
    }

    func snapshot() -> [Entry] { entries.withLock { Array($0.values) } }

    func renewed(_ id: JobID, until expiry: Date) {
        entries.withLock { $0[id]?.leaseExpiresAt = expiry }
    }

    func stopAll(_ reason: JobContext.StopReason) {
        snapshot().forEach { $0.state.stop(reason) }
    }
}

/// A shutdown request: whether one was made and until when running jobs may go on.
final class ShutdownRequest: Sendable {
    private let state = Mutex<Date?>(nil)
    let signal = JobSignal()

    var isRequested: Bool { state.withLock { $0 != nil } }
    var deadline: Date? { state.withLock { $0 } }

    /// Requests shutdown; a second request can only bring the deadline closer.
    func request(deadline: Date) {
        state.withLock { current in current = min(current ?? deadline, deadline) }
        signal.notify()
    }
}

/// A value delivered once, awaited by one task.
final class Promise<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiter: CheckedContinuation<Value, Never>?)>((nil, nil))

    func fulfill(_ value: Value) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, Never>? in
            state.value = value
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }

    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Value? in
                    if let value = state.value { return value }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}

/// Runs the operations concurrently and returns when the first one returns, cancelling the rest.
func firstOf(_ operations: [@Sendable () async -> Void]) async {
    await withTaskGroup(of: Void.self) { group in
        for operation in operations { group.addTask(operation: operation) }
        await group.next()
        group.cancelAll()
    }
}

extension WallClock {
    /// Sleeps until `deadline`; returns at once when it has passed (also when the clock moved
    /// before the sleep began).
    func sleep(until deadline: Date) async throws {
        let remaining = deadline.timeIntervalSince(now)
        if remaining > 0 { try await sleep(for: .seconds(remaining)) }
    }
}
