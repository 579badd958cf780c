import Foundation
@_spi(JobStoreImplementation) import JobCore

/// A store whose database cannot be reached: every operation throws `unavailable`, with a
/// connection string holding a password in the message, as a careless driver might.
struct UnavailableStore: JobStore {
    static let secret = "hunter2-secret"
    var error: JobStoreError { JobStoreError(.unavailable, "connection refused: postgres://jobs:\(Self.secret)@db.internal/jobs") }

    var maxLogBytes: Int { 1 << 20 }
    let signal = JobSignal()

    func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult] { throw error }
    func purge(_ ids: [JobID]) async throws -> Int { throw error }
    func purge(states: Set<JobState>) async throws -> Int { throw error }
    func job(_ id: JobID) async throws -> JobRecord { throw error }
    func list(_ filter: JobFilter, page: JobPage) async throws -> JobListing { throw error }
    func count(_ filter: JobFilter) async throws -> Int { throw error }
    func runs(of id: JobID) async throws -> [JobRun] { throw error }
    func events(of id: JobID, after sequence: Int64?, limit: Int) async throws -> [JobEvent] { throw error }
    func readLog(_ id: JobID, from offset: Int, maxBytes: Int) async throws -> JobLogChunk { throw error }
    func health(_ thresholds: HealthThresholds) async throws -> JobStoreHealth { throw error }
    func validate() async throws -> JobStoreValidation { throw error }
    func quarantined() async throws -> [QuarantinedJob] { throw error }
    func claim(_ request: ClaimRequest) async throws -> [JobRecord] { throw error }
    func heartbeat(_ beats: [JobHeartbeat], workerID: String, lease: Duration) async throws -> [HeartbeatStatus] { throw error }
    func finish(_ reports: [JobFinish]) async throws -> [Result<JobRecord, JobStoreError>] { throw error }
    func transition(_ id: JobID, _ change: @escaping JobLifecycle.Transition) async throws -> JobRecord { throw error }
    func reapExpiredLeases(limit: Int) async throws -> [JobRecord] { throw error }
    func announce(_ worker: WorkerAnnouncement) async throws -> WorkerDirective { throw error }
    func withdraw(workerID: String) async throws { throw error }
    func workers() async throws -> [WorkerRecord] { throw error }
    func drainWorker(_ id: String) async throws -> WorkerRecord { throw error }
    func pruneWorkers(seenBefore date: Date) async throws -> Int { throw error }
    func appendLog(_ id: JobID, epoch: Int64, _ data: Data) async throws -> JobLogAppend { throw error }
}
