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

    func add(_ job: JobRecord, lease: AttemptLease) -> JobAttemptState {
        let state = JobAttemptState(lease: lease)
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
