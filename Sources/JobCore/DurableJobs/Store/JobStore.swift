public import Foundation
public import ServiceLifecycle

/// Durable storage for jobs: the one place where job state lives.
///
/// Users enqueue (through ``DurableJobQueue``), look (``job(_:)``, ``list(_:page:)``,
/// ``count(_:)``, ``runs(of:)``, ``events(of:after:limit:)``, ``readLog(_:from:maxBytes:)``,
/// ``health(_:)``) and operate (``cancel(_:reason:mode:)``, ``retry(_:)``, ``purge(_:)``,
/// ``validate()``). Those are the public requirements.
///
/// What only workers and stores need — claiming, heartbeats, finishing attempts, output of an
/// attempt, reaping expired leases, worker presence, the wake-up signal, and writing a
/// transition computed by `JobLifecycle` — is behind `@_spi(JobStoreImplementation)`, together
/// with the types that come with it (`JobLifecycle`, `JobChange`, `ClaimRequest`,
/// `JobHeartbeat`, `HeartbeatStatus`, `JobFinish`, `JobSignal`, `JobRecord`'s memberwise
/// initialiser). A store author writes `@_spi(JobStoreImplementation) import JobCore`, computes
/// every transition with `JobLifecycle`, and writes each one (record, run, events, per-key
/// counts) atomically; ``cancel(_:reason:mode:)`` and ``retry(_:)`` come for free from
/// `transition(_:_:)`. Writes for an attempt carry the lease epoch returned by `claim`; a store
/// refuses a stale epoch with ``JobStoreError/Code/staleEpoch`` and leaves the job untouched.
/// Per-key limits hold across every process that shares the store. Operations throw
/// ``JobStoreError``. Every store must pass `JobStoreConformance` (in `JobCoreTesting`).
///
/// Every store is a swift-service-lifecycle `Service`: run it in the `ServiceGroup` of its
/// workers. ``run()`` does the store's background work (a connection pool, wake-ups, retention)
/// until graceful shutdown or cancellation; a store with no background work just waits.
public protocol JobStore: Service, Sendable {
    // MARK: What users call

    /// The most output bytes kept per job; later output is dropped and the log marked truncated.
    var maxLogBytes: Int { get }

    /// Enqueues jobs in one transaction. A job whose idempotency key is already used by a
    /// stored job is not created: the existing job is returned with `created == false`.
    func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult]

    /// Deletes jobs with their runs, events and logs. Throws `notFound` (and deletes nothing)
    /// when an id is unknown. A running job's worker learns at its next heartbeat and stops it.
    /// Returns the number of jobs deleted.
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

    /// Reads at most `maxBytes` of a job's log from `offset`. Throws `notFound`.
    func readLog(_ id: JobID, from offset: Int, maxBytes: Int) async throws -> JobLogChunk

    /// Counts, capacity, oldest running age and alerts.
    func health(_ thresholds: HealthThresholds) async throws -> JobStoreHealth

    /// Start-up validation (every worker runs it): moves undecodable records to quarantine with
    /// the reason and removes runs, events and logs whose job is gone. Returns what it did.
    func validate() async throws -> JobStoreValidation

    /// Records in quarantine.
    func quarantined() async throws -> [QuarantinedJob]

    // MARK: What stores implement for workers

    /// Fired when this process makes jobs claimable, so local workers wake at once.
    @_spi(JobStoreImplementation)
    var signal: JobSignal { get }

    /// Atomically claims up to `request.limit` due queued jobs in claim order
    /// (`JobLifecycle.ClaimOrder`), without exceeding `request.keyLimit` running jobs per key.
    /// Each claimed job is `running` with a new epoch and a lease held by `request.workerID`. To
    /// bound its work a claim may return fewer than `limit` jobs while more are eligible
    /// (`JobLifecycle.ClaimScan`), but it returns at least one whenever one is eligible.
    @_spi(JobStoreImplementation)
    func claim(_ request: ClaimRequest) async throws -> [JobRecord]

    /// Renews leases; one status per heartbeat, in order (`JobLifecycle.heartbeat`).
    @_spi(JobStoreImplementation)
    func heartbeat(_ beats: [JobHeartbeat], workerID: String, lease: Duration) async throws -> [HeartbeatStatus]

    /// Ends attempts; one result per report, in order. A report with a stale epoch gets
    /// `staleEpoch` (and an unknown job `notFound`) and changes nothing.
    @_spi(JobStoreImplementation)
    func finish(_ reports: [JobFinish]) async throws -> [Result<JobRecord, JobStoreError>]

    /// Writes one transition of one job: `change` computes it (with `JobLifecycle`) from the
    /// stored record and the store's time, and the store writes it atomically with its run,
    /// events and per-key counts. Throws `notFound`, or what `change` throws.
    @_spi(JobStoreImplementation)
    func transition(_ id: JobID, _ change: @escaping JobLifecycle.Transition) async throws -> JobRecord

    /// Ends attempts whose lease expired (`JobLifecycle.expireLease`). Returns the affected jobs.
    @_spi(JobStoreImplementation)
    func reapExpiredLeases(limit: Int) async throws -> [JobRecord]

    /// Records a worker in the registry, or renews its record (last seen, load): a worker calls
    /// it when it starts and at every heartbeat. A record whose host or pid differ, or that was
    /// withdrawn, starts anew (active, started now); a draining one stays draining.
    /// - Returns: ``WorkerDirective/drain`` when the worker was asked to drain.
    @_spi(JobStoreImplementation)
    func announce(_ worker: WorkerAnnouncement) async throws -> WorkerDirective

    /// Marks a worker that stopped as gone (its record stays until ``pruneWorkers(seenBefore:)``).
    @_spi(JobStoreImplementation)
    func withdraw(workerID: String) async throws

    /// A job with its runs and its children's counts, read together (a default implementation
    /// reads them one after the other).
    func detail(_ id: JobID) async throws -> JobDetail

    /// The workers of the registry, by id, gone ones included (their state as of now).
    func workers() async throws -> [WorkerRecord]

    /// Asks a worker to drain: it learns at its next heartbeat, stops claiming, finishes what it
    /// runs and exits. Draining a draining worker changes nothing.
    /// - Throws: `notFound` for an unknown id; `invalidState` for a worker that is gone.
    func drainWorker(_ id: String) async throws -> WorkerRecord

    /// Removes the records of workers last seen before `date` (gone long ago). Returns how many.
    func pruneWorkers(seenBefore date: Date) async throws -> Int

    /// Appends output to a job's log for the attempt with `epoch`; output past ``maxLogBytes``
    /// is dropped and the log marked truncated. Throws `staleEpoch` for a stale attempt
    /// (`JobLifecycle.checkEpoch`).
    @_spi(JobStoreImplementation)
    func appendLog(_ id: JobID, epoch: Int64, _ data: Data) async throws -> JobLogAppend
}

extension JobStore {
    /// Waits for graceful shutdown or cancellation: the `run()` of a store with no background
    /// work, so that it can sit in a `ServiceGroup` like any other service.
    public func run() async throws {
        try? await gracefulShutdown()
    }

    /// Cancels a job: queued → cancelled at once; running → cancel requested, and its worker
    /// stops the attempt at its next heartbeat, as `mode` says (asking again changes nothing).
    /// The job keeps the reason and the mode.
    /// - Parameters:
    ///   - id: the job.
    ///   - reason: why, recorded on the job and in its events; the handler sees it in
    ///     ``JobContext/stopReason``. Defaults to none.
    ///   - mode: how a running attempt is stopped. Defaults to ``JobStopMode/graceful``.
    /// - Throws: ``JobStoreError`` with `invalidState` for a finished job, `notFound` for an
    ///   unknown id.
    @discardableResult
    public func cancel(_ id: JobID, reason: String? = nil, mode: JobStopMode = .graceful) async throws -> JobRecord {
        try await transition(id) { record, now throws(JobStoreError) in
            try JobLifecycle.cancel(record, reason: reason, mode: mode, now: now)
        }
    }

    /// Queues a finished job again with a fresh round of attempts.
    /// - Throws: ``JobStoreError`` with `invalidState` when the job has not finished, `notFound`
    ///   for an unknown id.
    @discardableResult
    public func retry(_ id: JobID) async throws -> JobRecord {
        try await transition(id) { record, now throws(JobStoreError) in try JobLifecycle.retry(record, now: now) }
    }

    /// Enqueues one job (see ``enqueue(_:)``).
    public func enqueue(_ job: NewJob) async throws -> EnqueueResult {
        try await enqueue([job])[0]
    }

    /// All events of a job.
    public func events(of id: JobID) async throws -> [JobEvent] {
        try await events(of: id, after: nil, limit: Int.max)
    }

    /// The default log limit: 1 MiB per job.
    public static var defaultMaxLogBytes: Int { 1 << 20 }
}

@_spi(JobStoreImplementation)
extension JobStore {
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
}
