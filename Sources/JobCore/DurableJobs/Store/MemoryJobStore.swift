import Foundation
public import Logging
import Synchronization

/// A ``JobStore`` in memory: for tests, examples and single-process use. Nothing survives the
/// process; everything else behaves as in the durable stores. As a `Service`, its ``run()``
/// has no background work: it waits for shutdown.
public final class MemoryJobStore: JobStore {
    /// How the memory store behaves.
    public struct Configuration: Sendable {
        /// The most output bytes kept per job. Defaults to 1 MiB.
        public var maxLogBytes: Int

        /// Creates a configuration; every parameter has the documented default.
        public init(maxLogBytes: Int = MemoryJobStore.defaultMaxLogBytes) {
            self.maxLogBytes = maxLogBytes
        }
    }

    @_spi(JobStoreImplementation) public let signal = JobSignal()
    /// How the store behaves.
    public let configuration: Configuration
    let clock: any WallClock
    let logger: Logger
    let state = Mutex(State())

    public var maxLogBytes: Int { configuration.maxLogBytes }

    /// Creates an empty store.
    /// - Parameters:
    ///   - configuration: limits. Defaults to ``Configuration/init(maxLogBytes:)``.
    ///   - clock: the source of time for leases, run-at and timestamps. Defaults to the system clock.
    ///   - logger: where transitions are traced (at `trace` level). Defaults to `jobcore.memory`.
    public init(
        configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "jobcore.memory")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult] {
        let now = clock.now
        let ids = jobs.map { _ in JobID.make(at: now) }
        let jobs = try JobLifecycle.resolveEarlierEntries(jobs, ids: ids)
        let children = JobLifecycle.batchChildCounts(jobs)
        let changes = try jobs.indices.map { index throws(JobStoreError) in
            try JobLifecycle.enqueue(jobs[index], id: ids[index], now: now, children: children[index])
        }
        let (results, wake) = try state.withLock { state throws(JobStoreError) in
            // Every dependency and parent must exist (or come earlier in the batch), and a stored
            // parent must run at the child's epoch, before anything is created.
            let batch = Set(ids)
            for (index, job) in jobs.enumerated() {
                let earlier = Set(ids[..<index])
                for dependency in job.options.dependsOn where state.jobs[dependency] == nil && !earlier.contains(dependency) {
                    throw JobStoreError(.notFound, "dependency \(dependency) does not exist", jobID: dependency)
                }
                if let parent = job.parent, !batch.contains(parent.id) { try state.checkParent(parent, now: now) }
            }
            var wake = false
            let results = try jobs.indices.map { index throws(JobStoreError) -> EnqueueResult in
                let (job, change) = (jobs[index], changes[index])
                if let key = change.after.idempotencyKey, let existing = state.idempotency[key], let job = state.jobs[existing] {
                    return EnqueueResult(job: job, created: false)
                }
                if job.options.dependsOn.isEmpty, job.parent == nil {
                    wake = apply(change, to: &state, now: now) || wake
                    return EnqueueResult(job: change.after, created: true)
                }
                let parentInBatch = job.parent.map { batch.contains($0.id) } ?? false
                let (written, claimable) = try state.enqueue(job, id: ids[index], now: now, children: children[index], parentInBatch: parentInBatch)
                wake = claimable || wake
                return EnqueueResult(job: state.jobs[written.after.id] ?? written.after, created: true)
            }
            return (results, wake)
        }
        if wake { signal.notify() }
        return results
    }

    public func purge(_ ids: [JobID]) async throws -> Int {
        let (count, wake) = try state.withLock { state throws(JobStoreError) in
            for id in ids where state.jobs[id] == nil { throw JobStoreError.notFound(id) }
            let unique = Set(ids)
            let now = clock.now
            let wake = unique.reduce(false) { wake, id in state.delete(id, now: now) || wake }
            return (unique.count, wake)
        }
        if wake { signal.notify() }
        return count
    }

    public func purge(states: Set<JobState>) async throws -> Int {
        let (count, wake) = state.withLock { state in
            let ids = state.jobs.values.filter { states.contains($0.state) }.map(\.id)
            let now = clock.now
            let wake = ids.reduce(false) { wake, id in state.delete(id, now: now) || wake }
            return (ids.count, wake)
        }
        if wake { signal.notify() }
        return count
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

    public func detail(_ id: JobID) async throws -> JobDetail {
        try state.withLock { state throws(JobStoreError) in
            let record = try state.record(id)
            var counts: [JobState: Int] = [:]
            for child in state.children[id] ?? [] {
                if let state = state.jobs[child]?.state { counts[state, default: 0] += 1 }
            }
            return JobDetail(record: record, runs: state.runs[id] ?? [], childCounts: counts)
        }
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

    public func health(_ thresholds: HealthThresholds) async throws -> JobStoreHealth {
        let now = clock.now
        return state.withLock { state in
            struct Pair: Hashable { var queue: String, state: JobState }
            var tallies: [Pair: HealthTally] = [:]
            var running: [(id: JobID, startedAt: Date)] = []
            for record in state.jobs.values {
                let pair = Pair(queue: record.queue, state: record.state)
                var tally = tallies[pair] ?? HealthTally(queue: record.queue, state: record.state, count: 0)
                tally.count += 1
                if record.state == .queued, record.runAt <= now {
                    tally.due += 1
                    tally.oldestDue = min(tally.oldestDue ?? record.runAt, record.runAt)
                }
                tallies[pair] = tally
                if record.state == .running { running.append((record.id, record.startedAt ?? record.updatedAt)) }
            }
            running.sort { $0.startedAt < $1.startedAt }
            var holders: [String: Int] = [:]
            for record in state.jobs.values where record.state == .running {
                if let holder = record.leaseHolder { holders[holder, default: 0] += 1 }
            }
            let workers = state.workers.values.map { $0.observed(at: now) }
            return thresholds.snapshot(now: now, tallies: Array(tallies.values), oldestRunning: running, workers: workers, leaseHolders: holders)
        }
    }

    /// Nothing in memory can be undecodable; removes nothing and reports a clean store.
    public func validate() async throws -> JobStoreValidation {
        JobStoreValidation()
    }

    public func quarantined() async throws -> [QuarantinedJob] { [] }

    /// Writes a transition under the lock, tracing it. Returns whether the job became claimable.
    func apply(_ change: JobChange, to state: inout State, now: Date) -> Bool {
        logger.trace("job transition", metadata: [
            "job.id": "\(change.after.id)", "job.state": "\(change.after.state)",
            "events": "\(change.events.map(\.kind.rawValue))",
        ])
        return state.apply(change, now: now)
    }
}
