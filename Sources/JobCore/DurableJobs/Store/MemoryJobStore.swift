public import Foundation
import Synchronization

/// A ``JobStore`` in memory: for tests, examples and single-process use. Nothing survives the
/// process; everything else behaves as in the durable stores. As a `Service`, its ``run()``
/// has no background work: it waits for shutdown.
public final class MemoryJobStore: JobStore {
    public let signal = JobSignal()
    public let maxLogBytes: Int
    private let clock: any WallClock
    private let state = Mutex(State())

    /// Creates an empty store.
    /// - Parameters:
    ///   - clock: the source of time for leases, run-at and timestamps. Defaults to the system clock.
    ///   - maxLogBytes: the most output kept per job. Defaults to 1 MiB.
    public init(clock: any WallClock = SystemClock(), maxLogBytes: Int = MemoryJobStore.defaultMaxLogBytes) {
        self.clock = clock
        self.maxLogBytes = maxLogBytes
    }

    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult] {
        let now = clock.now
        let changes = try jobs.map { job throws(JobStoreError) in try JobLifecycle.enqueue(job, id: JobID.make(at: now), now: now) }
        let (results, wake) = state.withLock { state in
            var wake = false
            let results = changes.map { change -> EnqueueResult in
                if let key = change.after.idempotencyKey, let existing = state.idempotency[key], let job = state.jobs[existing] {
                    return EnqueueResult(job: job, created: false)
                }
                wake = state.apply(change, now: now) || wake
                return EnqueueResult(job: change.after, created: true)
            }
            return (results, wake)
        }
        if wake { signal.notify() }
        return results
    }

    public func claim(_ request: ClaimRequest) async throws -> [JobRecord] {
        guard request.limit > 0 else { return [] }
        let now = clock.now
        return try state.withLock { state throws(JobStoreError) in
            // Walk in claim order; after `bound` entries, return what was found (a claim takes up
            // to its limit). Only a walk that found nothing goes on (past busy keys) to the end.
            var bound = 64 + request.limit * 2
            var walked = 0
            var taken: [String: Int] = [:]
            var picked: [JobRecord] = []
            for entry in state.queued[state.head...] {
                walked += 1
                if walked > bound, !picked.isEmpty { break }
                guard entry.runAt <= now else { continue }
                guard let record = state.jobs[entry.id], record.queue == request.queue,
                      request.kinds?.contains(record.kind) ?? true else { continue }
                if let key = record.key {
                    guard (state.runningByKey[key] ?? 0) + (taken[key] ?? 0) < request.keyLimit else { continue }
                    taken[key, default: 0] += 1
                }
                picked.append(record)
                if picked.count == request.limit { break }
                if picked.count == 1 { bound = max(bound, walked + 64 + request.limit * 2) }
            }
            return try picked.map { record throws(JobStoreError) in
                let change = try JobLifecycle.claim(record, workerID: request.workerID, lease: request.lease, now: now)
                state.apply(change, now: now)
                return change.after
            }
        }
    }

    public func heartbeat(_ beats: [JobHeartbeat], workerID: String, lease: Duration) async throws -> [HeartbeatStatus] {
        let now = clock.now
        return state.withLock { state in
            beats.map { beat in
                guard let record = state.jobs[beat.id] else { return .gone }
                guard let change = try? JobLifecycle.heartbeat(record, beat, lease: lease, now: now) else { return .lost }
                state.apply(change, now: now)
                return record.cancelRequested ? .cancelRequested(reason: record.cancelReason) : .renewed
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
                    wake = state.apply(change, now: now) || wake
                    return change.after
                }
            }
            return (results, wake)
        }
        if wake { signal.notify() }
        return results
    }

    @discardableResult
    public func cancel(_ id: JobID, reason: String?) async throws -> JobRecord {
        try transition(id) { record, now throws(JobStoreError) in try JobLifecycle.cancel(record, now: now, reason: reason) }
    }

    @discardableResult
    public func retry(_ id: JobID) async throws -> JobRecord {
        try transition(id) { record, now throws(JobStoreError) in try JobLifecycle.retry(record, now: now) }
    }

    public func purge(_ ids: [JobID]) async throws -> Int {
        try state.withLock { state throws(JobStoreError) in
            for id in ids where state.jobs[id] == nil { throw JobStoreError.notFound(id) }
            let unique = Set(ids)
            unique.forEach { state.delete($0) }
            return unique.count
        }
    }

    public func purge(states: Set<JobState>) async throws -> Int {
        state.withLock { state in
            let ids = state.jobs.values.filter { states.contains($0.state) }.map(\.id)
            ids.forEach { state.delete($0) }
            return ids.count
        }
    }

    public func job(_ id: JobID) async throws -> JobRecord {
        try state.withLock { state throws(JobStoreError) in try state.record(id) }
    }

    public func list(_ filter: JobFilter, page: JobPage) async throws -> JobListing {
        guard page.limit > 0 else { throw JobStoreError(.invalidArgument, "the page limit must be positive") }
        let matching = state.withLock { state in
            state.jobs.values.filter { filter.matches($0) && page.isPastCursor($0.id) }
        }
        let sorted = matching.sorted { page.order == .oldestFirst ? $0.id < $1.id : $0.id > $1.id }
        let jobs = Array(sorted.prefix(page.limit))
        return JobListing(jobs: jobs, nextCursor: sorted.count > page.limit ? jobs.last?.id : nil)
    }

    public func count(_ filter: JobFilter) async throws -> Int {
        state.withLock { state in state.jobs.values.count { filter.matches($0) } }
    }

    public func runs(of id: JobID) async throws -> [JobRun] {
        try state.withLock { state throws(JobStoreError) in
            _ = try state.record(id)
            return state.runs[id] ?? []
        }
    }

    public func events(of id: JobID, after sequence: Int64?, limit: Int) async throws -> [JobEvent] {
        try state.withLock { state throws(JobStoreError) in
            _ = try state.record(id)
            let events = (state.events[id] ?? []).filter { $0.sequence > (sequence ?? 0) }
            return Array(events.prefix(limit))
        }
    }

    public func reapExpiredLeases(limit: Int) async throws -> [JobRecord] {
        let now = clock.now
        let (reaped, wake) = state.withLock { state in
            var wake = false
            let expired = state.jobs.values.filter { JobLifecycle.isExpired($0, now: now) }.sorted { $0.id < $1.id }.prefix(limit)
            let reaped = expired.compactMap { record -> JobRecord? in
                guard let change = try? JobLifecycle.expireLease(record, now: now) else { return nil }
                wake = state.apply(change, now: now) || wake
                return change.after
            }
            return (reaped, wake)
        }
        if wake { signal.notify() }
        return reaped
    }

    public func health(_ thresholds: HealthThresholds) async throws -> JobStoreHealth {
        let now = clock.now
        return state.withLock { state in
            var counts: [JobState: Int] = [:]
            var due = 0
            var running: [(id: JobID, startedAt: Date)] = []
            for record in state.jobs.values {
                counts[record.state, default: 0] += 1
                if record.state == .queued, record.runAt <= now { due += 1 }
                if record.state == .running { running.append((record.id, record.startedAt ?? record.updatedAt)) }
            }
            running.sort { $0.startedAt < $1.startedAt }
            let since = now.addingTimeInterval(-thresholds.workerWindow.timeInterval)
            let workers = state.workers.values.filter { $0.seenAt >= since }.map(\.capacity)
            return thresholds.snapshot(now: now, counts: counts, due: due, oldestRunning: running, workers: workers)
        }
    }

    public func announce(workerID: String, capacity: Int, queue: String) async throws {
        let presence = WorkerPresence(id: workerID, capacity: capacity, queue: queue, seenAt: clock.now)
        state.withLock { $0.workers[workerID] = presence }
    }

    public func withdraw(workerID: String) async throws {
        state.withLock { _ = $0.workers.removeValue(forKey: workerID) }
    }

    public func appendLog(_ id: JobID, epoch: Int64, _ data: Data) async throws -> JobLogAppend {
        try state.withLock { state throws(JobStoreError) in
            let record = try state.record(id)
            guard record.state == .running, record.epoch == epoch else { throw JobStoreError.staleEpoch(record, epoch: epoch) }
            var log = state.logs[id] ?? Log()
            let (kept, dropped) = JobLogAppend.fit(data, size: log.data.count, limit: maxLogBytes)
            log.data.append(kept)
            log.truncated = log.truncated || dropped
            state.logs[id] = log
            return JobLogAppend(accepted: kept.count, size: log.data.count, truncated: log.truncated)
        }
    }

    public func readLog(_ id: JobID, from offset: Int, maxBytes: Int) async throws -> JobLogChunk {
        try state.withLock { state throws(JobStoreError) in
            _ = try state.record(id)
            let log = state.logs[id] ?? Log()
            let start = min(max(0, offset), log.data.count)
            let end = min(log.data.count, start + max(0, maxBytes))
            let data = Data(log.data[log.data.startIndex + start ..< log.data.startIndex + end])
            return JobLogChunk(data: data, offset: start, size: log.data.count, truncated: log.truncated)
        }
    }

    /// Nothing in memory can be undecodable; removes nothing and reports a clean store.
    public func validate() async throws -> JobStoreValidation {
        JobStoreValidation()
    }

    public func quarantined() async throws -> [QuarantinedJob] { [] }

    private func transition(
        _ id: JobID, _ make: (JobRecord, Date) throws(JobStoreError) -> JobChange
    ) throws(JobStoreError) -> JobRecord {
        let now = clock.now
        let (record, wake) = try state.withLock { state throws(JobStoreError) in
            let change = try make(try state.record(id), now)
            return (change.after, state.apply(change, now: now))
        }
        if wake { signal.notify() }
        return record
    }
}
