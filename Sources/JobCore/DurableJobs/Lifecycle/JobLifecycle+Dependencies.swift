public import Foundation

/// Dependencies between jobs (``JobOptions/dependsOn``).
///
/// A store enqueues a job with dependencies through ``enqueue(_:id:now:dependencies:)``, given
/// the records of its dependencies read in the same transaction (every one must exist), and
/// marks each of them ``JobRecord/hasDependents``. Whenever it writes a change that ends a job
/// with dependents (``endsJob(_:)``), it passes the end on in the same transaction: each
/// `waiting` dependent gets ``dependencyEnded(_:dependency:outcome:now:note:)``, and a dependent that
/// this cancels passes its own end on in turn, down the graph. A manual retry of a job with
/// dependencies waits again for those that have not ended (``rewait(_:dependencies:now:)``).
@_spi(JobStoreImplementation)
extension JobLifecycle {
    /// A new job with its dependencies' current records: `queued` when all have ended as its
    /// mode requires, `waiting` while some have not ended, `cancelled` at once when its mode is
    /// ``DependencyMode/succeeded`` and one has already failed or been cancelled.
    /// - Throws: what ``enqueue(_:id:now:)`` throws; `notFound` naming a dependency missing
    ///   from `dependencies`.
    ///
    /// `parent` is the record of a parent enqueued in the same batch: a child of a parent
    /// created cancelled is created cancelled too.
    public static func enqueue(
        _ job: NewJob, id: JobID, now: Date, dependencies: [JobRecord], children: Int = 0, parent: JobRecord? = nil
    ) throws(JobStoreError) -> JobChange {
        var change = try enqueue(job, id: id, now: now, children: children)
        if let parent, parent.state == .cancelled {
            var after = change.after
            after.state = .cancelled
            after.finishedAt = now
            after.cancelReason = "parent \(parent.id) cancelled"
            after.cancelMode = .graceful
            return JobChange(before: nil, after: after, run: nil, events: [event(.cancelled, after, message: "enqueued after \(after.cancelReason ?? "")")])
        }
        guard !change.after.dependsOn.isEmpty else { return change }
        let byID = Dictionary(dependencies.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var records: [JobRecord] = []
        for dependency in change.after.dependsOn {
            guard let record = byID[dependency] else {
                throw JobStoreError(.notFound, "dependency \(dependency) does not exist (a job can depend only on jobs enqueued before it)", jobID: dependency)
            }
            records.append(record)
        }
        var after = change.after
        let mode = after.dependencyMode
        if mode == .succeeded, let failed = records.first(where: { $0.state.isTerminal && $0.state != .succeeded }) {
            after.state = .cancelled
            after.finishedAt = now
            after.cancelReason = "dependency \(failed.id) \(failed.state)"
            after.cancelMode = .graceful
            change.after = after
            // One event, as for every enqueue: created cancelled.
            change.events = [event(.cancelled, after, message: "enqueued after \(after.cancelReason ?? "")")]
            return change
        }
        after.pendingDependencies = records.count { !$0.state.isTerminal }
        if after.pendingDependencies > 0 { after.state = .waiting }
        change.after = after
        let waiting = after.pendingDependencies > 0 ? "waiting for \(after.pendingDependencies) of \(records.count) dependencies"
            + (after.isGroup ? ", then for its children" : "") : nil
        change.events = [event(.enqueued, after, message: waiting ?? change.events.first?.message)]
        return change
    }

    /// Whether `change` ends a job (it becomes terminal), so a store must pass the end on to
    /// the job's dependents (when ``JobRecord/hasDependents``).
    public static func endsJob(_ change: JobChange) -> Bool {
        change.after.state.isTerminal && !(change.before?.state.isTerminal ?? false)
    }

    /// A dependency of a waiting job ended as `outcome` (a purged dependency ends as
    /// `cancelled`): the job is cancelled when its mode is ``DependencyMode/succeeded`` and the
    /// dependency did not succeed; else it waits for one fewer, and is queued (due now) when
    /// none is left. `nil` when the job is not waiting (nothing to write).
    public static func dependencyEnded(
        _ record: JobRecord, dependency: JobID, outcome: JobState, now: Date, note: String? = nil
    ) -> JobChange? {
        guard record.state == .waiting else { return nil }
        var after = touched(record, now)
        let ended = "dependency \(dependency) \(note ?? outcome.rawValue)"
        if record.dependencyMode == .succeeded, outcome != .succeeded {
            after.state = .cancelled
            after.finishedAt = now
            after.cancelReason = ended
            after.cancelMode = .graceful
            return JobChange(before: record, after: after, run: nil, events: [event(.cancelled, after, message: ended)])
        }
        after.pendingDependencies = max(0, record.pendingDependencies - 1)
        guard after.pendingDependencies == 0 else { return JobChange(before: record, after: after, run: nil, events: []) }
        if record.isGroup {
            // A group has no attempt: it goes on waiting for its children, or ends with them.
            guard after.pendingChildren == 0 else {
                return JobChange(before: record, after: after, run: nil, events: [event(.unblocked, after, message: "\(ended), the last it waited for; waiting for its children")])
            }
            let end = endWithChildren(&after, now: now, last: ended)
            return JobChange(before: record, after: after, run: nil, events: [end])
        }
        after.state = .queued
        after.runAt = max(record.runAt, now)
        return JobChange(before: record, after: after, run: nil, events: [event(.unblocked, after, message: "\(ended), the last it waited for")])
    }

    /// A job with dependencies queued again by hand (``retry(_:now:)``) waits again for those
    /// that have not ended (given their current records); `change` is returned as it is
    /// otherwise.
    public static func rewait(_ change: JobChange, dependencies: [JobRecord], now: Date) -> JobChange {
        guard change.after.state == .queued, change.before?.state.isTerminal == true, !change.after.dependsOn.isEmpty else { return change }
        let pending = dependencies.count { !$0.state.isTerminal }
        guard pending > 0 else { return change }
        var change = change
        change.after.state = .waiting
        change.after.pendingDependencies = pending
        change.events = change.events.map { event in
            var event = event
            event.state = .waiting
            event.message = "waiting for \(pending) of \(dependencies.count) dependencies"
            return event
        }
        return change
    }

    /// The batch's jobs with ``NewJob/dependsOnEarlierEntries`` turned into the ids the store
    /// gives the batch (`ids`, in order) and added to their dependencies, and
    /// ``NewJob/parentEntry`` turned into their ``NewJob/parent``. A child created with its
    /// parent also depends on the parent's dependencies, so that it cannot run before them.
    /// - Throws: `invalidArgument` for an index that is not of an earlier job of the batch, that
    ///   names a job with an idempotency key (which may stand for another, stored job), a child
    ///   with an idempotency key or with two parents, a group without children.
    public static func resolveEarlierEntries(_ jobs: [NewJob], ids: [JobID]) throws(JobStoreError) -> [NewJob] {
        guard jobs.contains(where: { !$0.dependsOnEarlierEntries.isEmpty || $0.parentEntry != nil || $0.kind == NewJob.groupKind }) else {
            return jobs
        }
        var resolved = jobs
        for (index, job) in jobs.enumerated() {
            for entry in job.dependsOnEarlierEntries + (job.parentEntry.map { [$0] } ?? []) {
                guard (0..<index).contains(entry) else {
                    throw JobStoreError(.invalidArgument, "job \(index) of the batch refers to entry \(entry), which is not an earlier job of the batch")
                }
                guard jobs[entry].options.idempotencyKey == nil else {
                    throw JobStoreError(.invalidArgument, "job \(entry) of the batch has an idempotency key, so a later job of the batch cannot depend on it or be its child")
                }
                if entry != job.parentEntry { resolved[index].options.dependsOn.append(ids[entry]) }
            }
            resolved[index].dependsOnEarlierEntries = []
            if let entry = job.parentEntry {
                guard job.parent == nil else {
                    throw JobStoreError(.invalidArgument, "job \(index) of the batch has both a parent and a parent entry")
                }
                guard job.options.idempotencyKey == nil else {
                    throw JobStoreError(.invalidArgument, "job \(index) of the batch is created with its parent, so it cannot have an idempotency key")
                }
                resolved[index].parent = NewJob.Parent(id: ids[entry], epoch: nil)
                resolved[index].options.dependsOn = uniqued(resolved[entry].options.dependsOn + resolved[index].options.dependsOn)
            }
            if job.kind == NewJob.groupKind, !jobs[(index + 1)...].contains(where: { $0.parentEntry == index }) {
                throw JobStoreError(.invalidArgument, "job \(index) of the batch is a group without children (a group's children are enqueued with it)")
            }
        }
        return resolved
    }

    /// `ids` without repeats, in their first order.
    public static func uniqued(_ ids: [JobID]) -> [JobID] {
        var seen = Set<JobID>()
        return ids.filter { seen.insert($0).inserted }
    }
}
