public import Foundation
public import ServiceLifecycle

/// Durable storage for jobs: the one place where job state lives.
///
/// Every transition is computed by ``JobLifecycle`` and written atomically with its run record
/// and events. Writes for an attempt carry the lease epoch returned by ``claim(_:)``; a store
/// refuses a stale epoch with ``JobStoreError/Code/staleEpoch`` and leaves the job untouched.
/// Per-key limits hold across every process that shares the store. Operations throw
/// ``JobStoreError``. Every store must pass `JobStoreConformance` (in `JobCoreTesting`).
///
/// Every store is a swift-service-lifecycle `Service`: run it in the `ServiceGroup` of its
/// workers. ``run()`` does the store's background work (a connection pool, wake-ups, retention)
/// until graceful shutdown or cancellation; a store with no background work just waits.
public protocol JobStore: Service, Sendable {
    /// Fired when this process makes jobs claimable, so local workers wake at once.
    var signal: JobSignal { get }

    /// The most output bytes kept per job; later output is dropped and the log marked truncated.
    var maxLogBytes: Int { get }

    /// Enqueues jobs in one transaction. A job whose idempotency key is already used by a
    /// stored job is not created: the existing job is returned with `created == false`.
    func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult]

    /// Atomically claims up to `request.limit` due queued jobs, by priority (higher first), then
    /// run-at, then id, without exceeding `request.keyLimit` running jobs per key. Each claimed
    /// job is `running` with a new epoch and a lease held by `request.workerID`. To bound its
    /// work a claim may return fewer than `limit` jobs while more are eligible, but it returns
    /// at least one whenever one is eligible.
    func claim(_ request: ClaimRequest) async throws -> [JobRecord]

    /// Renews leases; one status per heartbeat, in order.
    func heartbeat(_ beats: [JobHeartbeat], workerID: String, lease: Duration) async throws -> [HeartbeatStatus]

    /// Ends attempts; one result per report, in order. A report with a stale epoch gets
    /// `staleEpoch` (and an unknown job `notFound`) and changes nothing.
    func finish(_ reports: [JobFinish]) async throws -> [Result<JobRecord, JobStoreError>]

    /// Cancels a job: queued → cancelled; running → cancel requested (its worker stops it at its
    /// next heartbeat). Throws `invalidState` for a finished job, `notFound` for an unknown id.
    @discardableResult
    func cancel(_ id: JobID, reason: String?) async throws -> JobRecord

    /// Queues a finished job again with a fresh round of attempts. Throws `invalidState` when
    /// the job has not finished.
    @discardableResult
    func retry(_ id: JobID) async throws -> JobRecord

    /// Deletes jobs with their runs, events and logs. Throws `notFound` (and deletes nothing)
    /// when an id is unknown. A running job's worker learns at its next heartbeat
    /// (``HeartbeatStatus/gone``) and stops it. Returns the number of jobs deleted.
    func purge(_ ids: [JobID]) async throws -> Int

    /// Deletes every job in one of `states`, as ``purge(_:)`` does. Returns the number deleted.
    func purge(states: Set<JobState>) async throws -> Int

    /// The job with this id. Throws `notFound`.
    func job(_ id: JobID) async throws -> JobRecord

    /// A page of jobs matching `filter`, in id order.
    func list(_ filter: JobFilter, page: JobPage) async throws -> JobListing

    /// The number of jobs matching `filter`.
    func count(_ filter: JobFilter) async throws -> Int

    /// The job's runs, oldest first. Throws `notFound`.
    func runs(of id: JobID) async throws -> [JobRun]

    /// The job's events after `sequence` (all when `nil`), oldest first, at most `limit`.
    /// Throws `notFound`.
    func events(of id: JobID, after sequence: Int64?, limit: Int) async throws -> [JobEvent]

    /// Ends attempts whose lease expired: back to the queue with attempts left, otherwise failed
    /// (cancelled when a cancel was pending). Returns the affected jobs.
    func reapExpiredLeases(limit: Int) async throws -> [JobRecord]

    /// Counts, capacity, oldest running age and alerts.
    func health(_ thresholds: HealthThresholds) async throws -> JobStoreHealth

    /// Records that a worker with `capacity` slots is alive (for health's capacity).
    func announce(workerID: String, capacity: Int, queue: String) async throws

    /// Forgets a worker that stopped.
    func withdraw(workerID: String) async throws

    /// Appends output to a job's log for the attempt with `epoch`; output past ``maxLogBytes``
    /// is dropped and the log marked truncated. Throws `staleEpoch` for a stale attempt.
    func appendLog(_ id: JobID, epoch: Int64, _ data: Data) async throws -> JobLogAppend

    /// Reads at most `maxBytes` of a job's log from `offset`. Throws `notFound`.
    func readLog(_ id: JobID, from offset: Int, maxBytes: Int) async throws -> JobLogChunk

    /// Start-up validation: moves undecodable records to quarantine with the reason and removes
    /// runs, events and logs whose job is gone. Returns what it did.
    func validate() async throws -> JobStoreValidation

    /// Records in quarantine.
    func quarantined() async throws -> [QuarantinedJob]
}

extension JobStore {
    /// Waits for graceful shutdown or cancellation: the `run()` of a store with no background
    /// work, so that it can sit in a `ServiceGroup` like any other service.
    public func run() async throws {
        try? await gracefulShutdown()
    }

    /// Enqueues one job (see ``enqueue(_:)``).
    public func enqueue(_ job: NewJob) async throws -> EnqueueResult {
        try await enqueue([job])[0]
    }

    /// Ends one attempt (see ``finish(_:)``).
    /// - Throws: ``JobStoreError`` (`staleEpoch`, `notFound`).
    @discardableResult
    public func finish(_ report: JobFinish) async throws -> JobRecord {
        try await finish([report])[0].get()
    }

    /// Reports success of the attempt with `epoch`.
    @discardableResult
    public func complete(_ id: JobID, epoch: Int64, result: Data? = nil) async throws -> JobRecord {
        try await finish(JobFinish(id: id, epoch: epoch, outcome: .succeeded(result: result)))
    }

    /// Reports failure of the attempt with `epoch`; with `retryAt` the job is retried then if it
    /// has attempts left.
    @discardableResult
    public func fail(_ id: JobID, epoch: Int64, error: String, retryAt: Date? = nil) async throws -> JobRecord {
        try await finish(JobFinish(id: id, epoch: epoch, outcome: .failed(error: error, retryAt: retryAt)))
    }

    /// Renews one lease.
    public func heartbeat(_ beat: JobHeartbeat, workerID: String, lease: Duration) async throws -> HeartbeatStatus {
        try await heartbeat([beat], workerID: workerID, lease: lease)[0]
    }

    /// Cancels a job without a reason.
    @discardableResult
    public func cancel(_ id: JobID) async throws -> JobRecord {
        try await cancel(id, reason: nil)
    }

    /// All events of a job.
    public func events(of id: JobID) async throws -> [JobEvent] {
        try await events(of: id, after: nil, limit: Int.max)
    }

    /// The default log limit: 1 MiB per job.
    public static var defaultMaxLogBytes: Int { 1 << 20 }
}
