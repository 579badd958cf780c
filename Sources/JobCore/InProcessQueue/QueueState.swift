import DequeModule

/// The state machine of an ``InProcessJobQueue``: keys, waiting and running jobs, the ring of
/// ready keys, room, idempotency, and the shutdown state. Every method runs under the queue's
/// mutex, does no I/O, and returns what must happen outside the lock.
///
/// Scheduling: a key is *ready* when it has waiting jobs and runs fewer than its limit. Ready
/// keys wait in a ring; a free global slot goes to the key at the front, which starts one job and
/// goes to the back if it is still ready. So keys are served round-robin, one job per turn,
/// however many jobs each has waiting. Invariant: while fewer than `globalLimit` jobs run, the
/// ring holds no ready key.
struct QueueState {
    enum Lifecycle {
        case accepting, draining, stopped
    }

    /// What `submit` did with a job.
    enum Submission {
        /// Started at once: spawn a runner for it.
        case started(QueueRunner)
        /// Waiting in its key's queue.
        case queued
        /// Waiting for room (overflow policy "wait"): start its timer.
        case waitingForRoom
        /// The caller follows a pending job with the same idempotency key.
        case following
        /// The boxed result of a finished job with the same idempotency key and result type
        /// (an `Outcome<T>`): it is the caller's result.
        case remembered(any BoxedOutcome)
        /// Not accepted.
        case rejected(JobQueueError, QueueMetrics.Ending)
        /// The caller's task was already cancelled.
        case cancelled
    }

    let globalLimit: Int
    let capacity: Int
    let maximumWait: Duration
    let defaultKeyLimit: Int
    let keyLimits: [String: Int]

    var keys: [ConcurrencyKey: KeyState] = [:]
    var ring = Deque<KeyState>()
    var staleRingEntries = 0
    var running = 0
    var waiting = 0
    /// Jobs waiting for room, FIFO; entries no longer `.admitting` are skipped.
    var admissions = Deque<QueuedJob>()
    var waitingForRoom = 0
    /// Callers waiting for a result: the sum of every live job's `waiterCount`.
    var callers = 0
    private var nextSequence: UInt64 = 0
    var idempotency: IdempotencyMemory
    var runningJobs = RunningJobList()
    var lifecycle = Lifecycle.accepting
    var stopWaiters: [CheckedContinuation<Void, Never>] = []
    var watchers: [Watcher] = []
    var nextWatcherID: UInt64 = 0

    init(configuration: InProcessJobQueue.Configuration) {
        precondition(configuration.globalLimit >= 1, "globalLimit must be at least 1")
        precondition(configuration.defaultKeyLimit >= 1, "defaultKeyLimit must be at least 1")
        precondition(configuration.keyLimits.values.allSatisfy { $0 >= 1 }, "key limits must be at least 1")
        precondition(configuration.capacity >= 0, "capacity must not be negative")
        globalLimit = configuration.globalLimit
        capacity = configuration.capacity
        maximumWait = configuration.overflowPolicy.maximumWait
        defaultKeyLimit = configuration.defaultKeyLimit
        keyLimits = configuration.keyLimits
        idempotency = IdempotencyMemory(limit: configuration.idempotencyMemory)
    }

    // MARK: Submitting

    /// Accepts a new job, or attaches its caller to a job with the same idempotency key.
    ///
    /// The caller has stored its continuation in `job`; on `.remembered`, `.rejected` and
    /// `.cancelled` it resumes it itself and drops the job.
    mutating func submit(_ job: QueuedJob, isCancelled: Bool) -> Submission {
        if isCancelled { return .cancelled }
        guard lifecycle == .accepting else {
            let error = JobQueueError(
                .shuttingDown, "the queue is shutting down and accepts no new jobs",
                key: job.key, idempotencyKey: job.idempotencyKey)
            return .rejected(error, .rejected(.shutdown))
        }
        if let idempotencyKey = job.idempotencyKey, let leader = idempotency.job(for: idempotencyKey) {
            guard job.hasResultType(of: leader) else {
                let error = JobQueueError(
                    .idempotencyTypeMismatch,
                    "the idempotency key belongs to a job returning \(leader.resultTypeName), not \(job.resultTypeName)",
                    key: job.key, idempotencyKey: idempotencyKey)
                return .rejected(error, .rejected(.idempotencyTypeMismatch))
            }
            if leader.phase == .finished {
                guard let outcome = leader.outcome else { preconditionFailure("a remembered job has an outcome") }
                return .remembered(outcome)
            }
            job.phase = .following
            job.leader = leader
            leader.addFollower(job)
            callers += 1
            return .following
        }

        nextSequence &+= 1
        job.sequence = nextSequence
        let key = keys[job.concurrencyKey]
        if running < globalLimit, key.map({ $0.waiting == 0 && $0.running < $0.limit }) ?? true {
            start(job, key: key ?? makeKeyState(job.concurrencyKey))
            let runner = QueueRunner()
            job.runner = runner
            idempotency.insertPending(job)
            callers += 1
            return .started(runner)
        }
        if waiting < capacity && waitingForRoom == 0 {
            insertWaiting(job, key: key ?? makeKeyState(job.concurrencyKey))
            idempotency.insertPending(job)
            callers += 1
            return .queued
        }
        guard maximumWait > .zero else {
            let error = JobQueueError(
                .full, "\(waiting) jobs are waiting, the capacity", key: job.key, idempotencyKey: job.idempotencyKey)
            return .rejected(error, .rejected(.full))
        }
        job.phase = .admitting
        admissions.append(job)
        waitingForRoom += 1
        idempotency.insertPending(job)
        callers += 1
        return .waitingForRoom
    }

    /// Keeps the timer of a job waiting for room. Returns `false` when the job no longer waits
    /// for room, so the timer must be cancelled.
    mutating func attachAdmissionTimer(_ timer: Task<Void, Never>, to job: QueuedJob) -> Bool {
        guard job.phase == .admitting else { return false }
        job.admissionTimer = timer
        return true
    }

    /// Keeps the task of a new runner. Returns `false` when its job was cancelled in the
    /// meantime, so the task must be cancelled.
    mutating func attachTask(_ task: Task<Void, Never>, to runner: QueueRunner) -> Bool {
        guard !runner.isDoomed else { return false }
        runner.task = task
        return true
    }

    // MARK: Finishing

    /// Records that `job`'s operation returned, and picks the runner's next job.
    /// - Parameter outcome: the job's result, boxed, kept for its idempotency key unless the job
    ///   was cancelled or timed out; `nil` for a job without one.
    mutating func finish(_ job: QueuedJob, on runner: QueueRunner, outcome: (any BoxedOutcome)?) -> QueueEffects {
        runningJobs.remove(job)
        callers -= job.waiterCount
        job.phase = .finished
        job.runner = nil
        guard let key = job.keyState else { preconditionFailure("a running job has a key") }
        job.keyState = nil
        key.running -= 1
        running -= 1
        if key.isReady {
            markReady(key)
        } else if key.isIdle {
            drop(key)
        }
        if job.idempotencyKey != nil {
            if job.termination == nil && !job.cancelRequested {
                job.outcome = outcome
                idempotency.remember(job)
            } else {
                idempotency.forget(job)
            }
        }

        var effects = QueueEffects()
        if !runner.isDoomed, let next = takeNext() {
            next.runner = runner
            effects.next = next
        }
        schedule(&effects)
        if lifecycle == .draining && running == 0 { stop(&effects) }
        return effects
    }

    /// The statistics of ``InProcessJobQueue``.
    var statistics: InProcessJobQueue.Statistics {
        InProcessJobQueue.Statistics(
            waiting: waiting,
            running: running,
            waitingForRoom: waitingForRoom,
            trackedKeys: keys.count,
            rememberedResults: idempotency.rememberedCount,
            callers: callers,
            isAccepting: lifecycle == .accepting)
    }

    // MARK: Scheduling

    /// Admits jobs waiting for room while there is room, and starts jobs on new runners while
    /// there are free global slots.
    mutating func schedule(_ effects: inout QueueEffects) {
        admit(&effects)
        while let job = takeNext() {
            let runner = QueueRunner()
            job.runner = runner
            effects.start(job, on: runner)
            admit(&effects)
        }
    }

    /// Removes the next job from the ring and marks it running, if a global slot is free.
    mutating func takeNext() -> QueuedJob? {
        while running < globalLimit, let key = ring.popFirst() {
            let membership = key.ring
            key.ring = .out
            if membership == .stale {
                staleRingEntries -= 1
                continue
            }
            guard let job = key.queue.popWaiting() else { continue }
            key.waiting -= 1
            waiting -= 1
            start(job, key: key)
            if key.isReady { markReady(key) }
            return job
        }
        return nil
    }

    mutating func admit(_ effects: inout QueueEffects) {
        while waitingForRoom > 0 && waiting < capacity, let job = admissions.popFirst() {
            guard job.phase == .admitting else { continue }
            waitingForRoom -= 1
            if let timer = job.admissionTimer {
                effects.cancel(timer)
                job.admissionTimer = nil
            }
            insertWaiting(job, key: keys[job.concurrencyKey] ?? makeKeyState(job.concurrencyKey))
            effects.countAdmitted()
        }
    }

    mutating func start(_ job: QueuedJob, key: KeyState) {
        job.phase = .running
        job.keyState = key
        key.running += 1
        running += 1
        runningJobs.insert(job)
    }

    mutating func insertWaiting(_ job: QueuedJob, key: KeyState) {
        job.phase = .waiting
        job.keyState = key
        key.queue.append(job)
        key.waiting += 1
        waiting += 1
        if key.running < key.limit { markReady(key) }
    }

    mutating func makeKeyState(_ key: ConcurrencyKey) -> KeyState {
        let state = KeyState(key: key, limit: keyLimits[key.name] ?? defaultKeyLimit)
        keys[key] = state
        return state
    }

    mutating func markReady(_ key: KeyState) {
        switch key.ring {
        case .out:
            key.ring = .live
            ring.append(key)
        case .stale:
            key.ring = .live
            staleRingEntries -= 1
        case .live:
            break
        }
    }
}
