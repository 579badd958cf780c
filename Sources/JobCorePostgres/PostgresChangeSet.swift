import Foundation
@_spi(JobStoreImplementation) import JobCore

/// Transitions computed by `JobLifecycle` inside one transaction, merged per job so that a
/// batch touching a job twice (two heartbeats of one attempt) writes each row once.
struct PostgresChangeSet {
    /// What a batch does to one run record.
    struct RunUpdate {
        var jobID: JobID
        var epoch: Int64
        /// The end of the attempt, when it ended.
        var finish: (at: Date, outcome: JobRun.Outcome, error: String?, exitCode: Int32?)?
        /// Insights to merge into the run's.
        var insights: [String: Double] = [:]
    }

    struct Entry {
        var before: JobRecord
        var after: JobRecord
    }

    private(set) var order: [JobID] = []
    private(set) var entries: [JobID: Entry] = [:]
    private(set) var runUpdates: [RunUpdate] = []
    private(set) var events: [(jobID: JobID, event: JobChange.Event)] = []
    private(set) var keyDeltas: [String: Int] = [:]
    /// Whether a job entered the queue (other workers may want to claim it).
    private(set) var wakes = false
    /// The queues of jobs that entered the queue due now.
    private(set) var wakeQueues: Set<String> = []

    var isEmpty: Bool { order.isEmpty }

    /// The job as the batch has left it so far, if the batch touched it.
    func current(_ id: JobID) -> JobRecord? { entries[id]?.after }

    /// Adds a transition of an existing job (claims are written by `PostgresClaim`).
    mutating func add(_ change: JobChange, now: Date) {
        guard let before = change.before else {
            preconditionFailure("PostgresChangeSet writes transitions of stored jobs; enqueues have their own statement")
        }
        let id = change.after.id
        if entries[id] == nil {
            order.append(id)
            entries[id] = Entry(before: before, after: change.after)
        } else {
            entries[id]?.after = change.after
        }
        events += change.events.map { (id, $0) }
        if let key = change.after.key, change.runningDelta != 0 { keyDeltas[key, default: 0] += change.runningDelta }
        if change.after.state == .queued, before.state != .queued {
            wakes = true
            if change.after.runAt <= now { wakeQueues.insert(change.after.queue) }
        }
        switch change.run {
        case .start?:
            preconditionFailure("claims are written by PostgresClaim")
        case .insights(let epoch, let insights)?:
            update(id, epoch) { $0.insights.merge(insights) { $1 } }
        case .finish(let epoch, let outcome, let at, let error, let exitCode, let insights)?:
            update(id, epoch) { run in
                run.finish = (at, outcome, error, exitCode)
                run.insights.merge(insights) { $1 }
            }
        case nil:
            break
        }
    }

    /// The jobs whose final record differs from the stored one (a repeated cancel changes nothing).
    var changedJobs: [Entry] {
        order.compactMap { entries[$0] }.filter { $0.before != $0.after }
    }

    private mutating func update(_ id: JobID, _ epoch: Int64, _ body: (inout RunUpdate) -> Void) {
        if let index = runUpdates.firstIndex(where: { $0.jobID == id && $0.epoch == epoch }) {
            body(&runUpdates[index])
        } else {
            var run = RunUpdate(jobID: id, epoch: epoch)
            body(&run)
            runUpdates.append(run)
        }
    }
}
