public import Foundation
import Synchronization

@_spi(JobStoreImplementation)
extension MemoryJobStore {
    public func claim(_ request: ClaimRequest) async throws -> [JobRecord] {
        guard request.limit > 0 else { return [] }
        let now = clock.now
        return try state.withLock { state throws(JobStoreError) in
            // Walk the claim index; without a per-key index a walk that met only busy keys goes
            // on to the end.
            var scan = JobLifecycle.ClaimScan(request)
            var picked: [JobRecord] = []
            for entry in state.queued[state.head...] {
                if scan.isDone { break }
                guard entry.runAt <= now, let record = state.jobs[entry.id], record.queue == request.queue else { continue }
                if scan.take(kind: record.kind, key: record.key, running: { state.runningByKey[$0] ?? 0 }) {
                    picked.append(record)
                }
            }
            return try picked.map { record throws(JobStoreError) in
                let change = try JobLifecycle.claim(record, workerID: request.workerID, lease: request.lease, now: now)
                _ = apply(change, to: &state, now: now)
                return change.after
            }
        }
    }

    public func heartbeat(_ beats: [JobHeartbeat], workerID: String, lease: Duration) async throws -> [HeartbeatStatus] {
        let now = clock.now
        return state.withLock { state in
            beats.map { beat in
                let (status, change) = JobLifecycle.heartbeat(state.jobs[beat.id], beat, lease: lease, now: now)
                if let change { _ = apply(change, to: &state, now: now) }
                return status
            }
        }
    }

    public func finish(_ reports: [JobFinish]) async throws -> [Result<JobRecord, JobStoreError>] {
        let now = clock.now
        let (results, wake) = state.withLock { state in
            var wake = false
            let results = reports.map { report in
                Result { () throws(JobStoreError) -> JobRecord in
                    let change = try JobLifecycle.finish(try state.record(report.id), report, now: now)
                    wake = apply(change, to: &state, now: now) || wake
                    return change.after
                }
            }
            return (results, wake)
        }
        if wake { signal.notify() }
        return results
    }

    public func transition(_ id: JobID, _ change: @escaping JobLifecycle.Transition) async throws -> JobRecord {
        let now = clock.now
        let (record, wake) = try state.withLock { state throws(JobStoreError) in
            let record = try state.record(id)
            let computed = JobLifecycle.rewait(try change(record, now), dependencies: state.dependencies(of: record), now: now)
            return (computed.after, apply(computed, to: &state, now: now))
        }
        if wake { signal.notify() }
        return record
    }

    public func reapExpiredLeases(limit: Int) async throws -> [JobRecord] {
        let now = clock.now
        let (reaped, wake) = state.withLock { state in
            var wake = false
            let expired = state.jobs.values.filter { JobLifecycle.isExpired($0, now: now) }.sorted { $0.id < $1.id }.prefix(limit)
            let reaped = expired.compactMap { record -> JobRecord? in
                guard let change = try? JobLifecycle.expireLease(record, now: now) else { return nil }
                wake = apply(change, to: &state, now: now) || wake
                return change.after
            }
            return (reaped, wake)
        }
        if wake { signal.notify() }
        return reaped
    }

    public func announce(_ worker: WorkerAnnouncement) async throws -> WorkerDirective {
        let now = clock.now
        let record = state.withLock { state in
            let record = WorkerRecord.announced(worker, previous: state.workers[worker.id], now: now)
            state.workers[worker.id] = record
            return record
        }
        return record.state == .draining ? .drain : .run
    }

    public func withdraw(workerID: String) async throws {
        let now = clock.now
        state.withLock { state in
            guard var record = state.workers[workerID] else { return }
            record.state = .gone
            record.load = 0
            record.lastSeenAt = now
            state.workers[workerID] = record
        }
    }

    public func workers() async throws -> [WorkerRecord] {
        let now = clock.now
        return state.withLock { state in state.workers.values.map { $0.observed(at: now) }.sorted { $0.id < $1.id } }
    }

    public func drainWorker(_ id: String) async throws -> WorkerRecord {
        let now = clock.now
        return try state.withLock { state throws(JobStoreError) in
            guard var record = state.workers[id]?.observed(at: now) else { throw JobStoreError.unknownWorker(id) }
            guard record.state != .gone else { throw JobStoreError.goneWorker(record) }
            record.state = .draining
            state.workers[id]?.state = .draining
            return record
        }
    }

    public func pruneWorkers(seenBefore date: Date) async throws -> Int {
        state.withLock { state in
            let old = state.workers.values.filter { $0.lastSeenAt < date }.map(\.id)
            for id in old { state.workers.removeValue(forKey: id) }
            return old.count
        }
    }

    public func appendLog(_ id: JobID, epoch: Int64, _ data: Data) async throws -> JobLogAppend {
        let limit = maxLogBytes
        return try state.withLock { state throws(JobStoreError) in
            try JobLifecycle.checkEpoch(try state.record(id), epoch)
            var log = state.logs[id] ?? Log()
            let (kept, dropped) = JobLogAppend.fit(data, size: log.data.count, limit: limit)
            log.data.append(kept)
            log.truncated = log.truncated || dropped
            state.logs[id] = log
            return JobLogAppend(accepted: kept.count, size: log.data.count, truncated: log.truncated)
        }
    }
}
