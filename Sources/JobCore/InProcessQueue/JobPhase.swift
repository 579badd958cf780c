/// Where a job of an ``InProcessJobQueue`` is in its life.
enum JobPhase {
    /// Created, not yet seen by the state machine.
    case new
    /// Waiting for room in the queue (overflow policy "wait").
    case admitting
    /// Accepted, waiting in its key's queue.
    case waiting
    /// Its operation runs on a runner.
    case running
    /// A caller's ticket that shares another job's result (same idempotency key).
    case following
    /// Done: finished, rejected or removed. Its waiters are being or have been resumed.
    case finished
}
