/// An intrusive doubly linked list of the running jobs, so that shutdown can find them without
/// a per-job allocation or hashing. It does not retain them: their runners do.
struct RunningJobList {
    private unowned(unsafe) var head: QueuedJob?

    mutating func insert(_ job: QueuedJob) {
        job.nextRunning = head
        job.previousRunning = nil
        head?.previousRunning = job
        head = job
    }

    mutating func remove(_ job: QueuedJob) {
        if let previous = job.previousRunning {
            previous.nextRunning = job.nextRunning
        } else {
            head = job.nextRunning
        }
        job.nextRunning?.previousRunning = job.previousRunning
        job.nextRunning = nil
        job.previousRunning = nil
    }

    func forEach(_ body: (QueuedJob) -> Void) {
        var current = head
        while let job = current {
            body(job)
            current = job.nextRunning
        }
    }
}
