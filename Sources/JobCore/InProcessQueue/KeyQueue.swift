import DequeModule
import HeapModule

/// The waiting jobs of one key: highest priority first, FIFO within a priority.
///
/// While every job has the same priority (the common case) it is a plain FIFO `Deque`; the first
/// job with another priority turns it into a `Heap` until it is empty again. Jobs removed while
/// waiting stay in place (their phase is no longer `.waiting`) and are skipped when reached;
/// ``removeFinished()`` compacts them away.
struct KeyQueue {
    private struct Entry: Comparable {
        let priority: Int
        let sequence: UInt64
        let job: QueuedJob

        init(_ job: QueuedJob) {
            priority = job.priority
            sequence = job.sequence
            self.job = job
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.priority == rhs.priority && lhs.sequence == rhs.sequence
        }

        /// The maximum is the job to run next: highest priority, then lowest sequence.
        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.priority != rhs.priority ? lhs.priority < rhs.priority : lhs.sequence > rhs.sequence
        }
    }

    private var fifo = Deque<QueuedJob>()
    private var heap: Heap<Entry>?

    /// Entries, including removed jobs not yet skipped.
    var count: Int { heap?.count ?? fifo.count }

    mutating func append(_ job: QueuedJob) {
        if heap != nil {
            heap!.insert(Entry(job))
        } else if let first = fifo.first, first.priority != job.priority {
            var heap = Heap(fifo.lazy.map(Entry.init))
            heap.insert(Entry(job))
            fifo.removeAll()
            self.heap = heap
        } else {
            fifo.append(job)
        }
    }

    /// Removes and returns the next job that is still waiting.
    mutating func popWaiting() -> QueuedJob? {
        if heap != nil {
            while let entry = heap!.popMax() {
                if entry.job.phase == .waiting {
                    if heap!.isEmpty { heap = nil }
                    return entry.job
                }
            }
            heap = nil
            return nil
        }
        while let job = fifo.popFirst() {
            if job.phase == .waiting { return job }
        }
        return nil
    }

    /// Removes every entry and returns the jobs that were still waiting.
    mutating func removeAllWaiting() -> [QueuedJob] {
        let jobs = heap.map { $0.unordered.map(\.job) } ?? Array(fifo)
        heap = nil
        fifo = []
        return jobs.filter { $0.phase == .waiting }
    }

    /// Drops the entries of jobs that are no longer waiting.
    mutating func removeFinished() {
        if let current = heap {
            let kept = current.unordered.filter { $0.job.phase == .waiting }
            heap = kept.isEmpty ? nil : Heap(kept)
        } else {
            fifo.removeAll { $0.phase != .waiting }
        }
    }
}
