/// What must happen after the state machine of an ``InProcessJobQueue`` changed state: the work
/// done outside the lock (resuming continuations, spawning runners, cancelling tasks).
///
/// The common case is only `next`; everything else is boxed in `more`, which stays `nil`, so a
/// finishing job costs no array traffic.
struct QueueEffects {
    /// A job that ends without running to completion, and how it ends.
    struct Failure {
        let job: QueuedJob
        let error: any Error
        /// How the job is counted; `nil` for a caller that followed another job.
        let metric: QueueMetrics.Ending?
    }

    struct More {
        /// Jobs started on new runners.
        var starts: [(job: QueuedJob, runner: QueueRunner)] = []
        /// Jobs whose callers are all resumed with an error.
        var failures: [Failure] = []
        /// Callers detached from a job that runs on for others, resumed with `CancellationError`.
        var detached: [any DetachedCaller] = []
        /// Tasks to cancel: runners of jobs being cancelled, timers no longer needed.
        var tasksToCancel: [Task<Void, Never>] = []
        /// Jobs accepted after waiting for room.
        var admitted = 0
        /// Callers of `run()` waiting for the queue to stop.
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The job the finishing runner runs next.
    var next: QueuedJob?
    var more: More?

    mutating func start(_ job: QueuedJob, on runner: QueueRunner) {
        withMore { $0.starts.append((job, runner)) }
    }

    mutating func fail(_ job: QueuedJob, _ error: any Error, _ metric: QueueMetrics.Ending?) {
        withMore { $0.failures.append(Failure(job: job, error: error, metric: metric)) }
    }

    mutating func detach(_ caller: any DetachedCaller) {
        withMore { $0.detached.append(caller) }
    }

    mutating func cancel(_ task: Task<Void, Never>) {
        withMore { $0.tasksToCancel.append(task) }
    }

    mutating func countAdmitted() {
        withMore { $0.admitted += 1 }
    }

    mutating func resumeWhenStopped(_ waiters: [CheckedContinuation<Void, Never>]) {
        guard !waiters.isEmpty else { return }
        withMore { $0.stopWaiters += waiters }
    }

    private mutating func withMore(_ body: (inout More) -> Void) {
        var more = self.more ?? More()
        self.more = nil  // so that the arrays are uniquely referenced while they grow
        body(&more)
        self.more = more
    }
}
