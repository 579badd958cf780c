import DequeModule

/// The jobs known by idempotency key: every pending one (waiting, running, or waiting for room),
/// and up to `limit` finished ones, oldest forgotten first.
///
/// Only the queue's state machine touches it, under the queue's mutex.
struct IdempotencyMemory {
    let limit: Int
    private var jobs: [String: QueuedJob] = [:]
    /// The remembered finished jobs, oldest first.
    private var finished = Deque<QueuedJob>()

    init(limit: Int) {
        self.limit = max(limit, 0)
    }

    /// The number of finished results remembered.
    var rememberedCount: Int { finished.count }

    /// The number of jobs known, pending or finished.
    var count: Int { jobs.count }

    func job(for idempotencyKey: String) -> QueuedJob? {
        jobs[idempotencyKey]
    }

    /// Records a pending job under its idempotency key.
    mutating func insertPending(_ job: QueuedJob) {
        guard let idempotencyKey = job.idempotencyKey else { return }
        jobs[idempotencyKey] = job
    }

    /// Forgets `job`, if it is the one known under its idempotency key.
    mutating func forget(_ job: QueuedJob) {
        guard let idempotencyKey = job.idempotencyKey, jobs[idempotencyKey] === job else { return }
        jobs[idempotencyKey] = nil
    }

    /// Keeps the result of the finished `job`, forgetting the oldest results beyond the limit.
    mutating func remember(_ job: QueuedJob) {
        guard let idempotencyKey = job.idempotencyKey, jobs[idempotencyKey] === job else { return }
        guard limit > 0 else {
            jobs[idempotencyKey] = nil
            return
        }
        finished.append(job)
        while finished.count > limit, let oldest = finished.popFirst() {
            forget(oldest)
        }
    }

    /// Forgets everything.
    mutating func removeAll() {
        jobs = [:]
        finished = []
    }
}
