/// What must happen after the state machine of an ``InProcessJobQueue`` changed state: the work
/// done outside the lock (resuming continuations, spawning workers, cancelling tasks).
struct QueueEffects {
    /// A job that ends without running to completion, and how it ends.
    struct Failure {
        let job: QueuedJob
        let error: any Error
        /// How the job is counted; `nil` for a caller that followed another job.
        let metric: QueueMetrics.Ending?
    }

    /// The job the finishing worker runs next.
    var next: QueuedJob?
    /// Jobs started on new workers.
    var starts: [(job: QueuedJob, worker: QueueWorker)] = []
    /// Jobs whose callers are all resumed with an error.
    var failures: [Failure] = []
    /// Callers detached from a job that runs on for others, resumed with `CancellationError`.
    var detached: [any DetachedCaller] = []
    /// Tasks to cancel: workers of jobs being cancelled, timers no longer needed.
    var tasksToCancel: [Task<Void, Never>] = []
    /// Jobs accepted after waiting for room.
    var admitted = 0
    /// Callers of `run()` waiting for the queue to stop.
    var stopWaiters: [CheckedContinuation<Void, Never>] = []
}
