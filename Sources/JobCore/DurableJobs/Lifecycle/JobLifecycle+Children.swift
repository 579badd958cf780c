public import Foundation

/// Parent and child jobs (``NewJob/parent``), and how a job's end travels through the graph.
///
/// A store enqueues children with their parent's count of pending children raised in the same
/// transaction: for a parent of the same batch through the `children` count of
/// ``enqueue(_:id:now:children:)``, for a stored parent through ``childrenAdded(_:count:epoch:now:)``,
/// which checks the running attempt's epoch. Then, whenever it writes a change, it follows
/// ``graphStep(_:)``: a job that ends is passed on to its waiting dependents and to its parent
/// (``childEnded(_:child:outcome:now:note:)``), a job that comes back by a manual retry is
/// counted again by its parent (``childRetried(_:child:previous:now:)``), and a job with
/// unfinished children that is cancelled cancels them (``cancelledWithParent(_:reason:mode:now:)``),
/// each change written in the same transaction and followed in turn, until nothing is left.
@_spi(JobStoreImplementation)
extension JobLifecycle {
    /// What a written change asks a store to do to other jobs of the graph.
    public struct GraphStep: Sendable {
        /// The job that changed.
        public var id: JobID
        /// How the job ended, when it ended (or was purged before ending: `cancelled`).
        public var ended: JobState?
        /// How to describe the end to others, e.g. "was purged".
        public var note: String?
        /// Whether jobs depend on it (``JobRecord/hasDependents``).
        public var hasDependents: Bool
        /// Its parent, if any.
        public var parentID: JobID?
        /// The end a manual retry brought the job back from: its parent counts it again.
        public var revived: JobState?
        /// The reason and stop mode with which its unfinished children are to be cancelled.
        public var cancelChildren: (reason: String, mode: JobStopMode)?

        /// Whether the dependents must be told of the end.
        public var passesToDependents: Bool { ended != nil && hasDependents }
        /// Whether the parent must be told of an end or a retry.
        public var passesToParent: Bool { parentID != nil && (ended != nil || revived != nil) }
    }

    /// What a written change asks of the rest of the graph; `nil` when nothing (always so for
    /// a job with no dependents, parent or children).
    public static func graphStep(_ change: JobChange) -> GraphStep? {
        graphStep(from: change.before, to: change.after)
    }

    /// What a job going from `before` (`nil` when it is new) to `after` asks of the graph.
    public static func graphStep(from before: JobRecord?, to after: JobRecord) -> GraphStep? {
        guard after.hasDependents || after.parentID != nil || after.pendingChildren > 0 else { return nil }
        var step = GraphStep(id: after.id, hasDependents: after.hasDependents, parentID: after.parentID)
        if after.state.isTerminal, !(before?.state.isTerminal ?? false) { step.ended = after.state }
        if let before, before.state.isTerminal, !after.state.isTerminal { step.revived = before.state }
        if after.pendingChildren > 0 {
            let cancelled = after.state == .cancelled && before?.state != .cancelled
            let requested = after.cancelRequested && before?.cancelRequested != true
            if cancelled || requested { step.cancelChildren = ("parent \(after.id) cancelled", after.cancelMode ?? .graceful) }
        }
        guard step.ended != nil || step.revived != nil || step.cancelChildren != nil else { return nil }
        return step
    }

    /// What purging `record` asks of the rest of the graph: a job that had not ended passes on
    /// as `cancelled` ("was purged"), and its unfinished children are cancelled.
    public static func purgeStep(_ record: JobRecord) -> GraphStep? {
        var step = GraphStep(id: record.id, hasDependents: record.hasDependents, parentID: record.parentID)
        if !record.state.isTerminal {
            step.ended = .cancelled
            step.note = "was purged"
        }
        if record.pendingChildren > 0 { step.cancelChildren = ("parent \(record.id) was purged", .graceful) }
        guard step.passesToDependents || step.passesToParent || step.cancelChildren != nil else { return nil }
        return step
    }

    /// The number of children each job of a batch gets from later jobs of the batch
    /// (``NewJob/parentEntry``), by index.
    public static func batchChildCounts(_ jobs: [NewJob]) -> [Int] {
        var counts = Array(repeating: 0, count: jobs.count)
        for job in jobs {
            if let entry = job.parentEntry, counts.indices.contains(entry) { counts[entry] += 1 }
        }
        return counts
    }

    /// The change of a stored parent to which a batch adds `count` children: only its attempt
    /// running at `epoch` may add them.
    /// - Throws: `staleEpoch` when the parent no longer runs at that epoch; `invalidArgument`
    ///   without an epoch.
    public static func childrenAdded(_ parent: JobRecord, count: Int, epoch: Int64?, now: Date) throws(JobStoreError) -> JobChange {
        guard let epoch else {
            throw JobStoreError(.invalidArgument, "children can be added to a stored job only by its running attempt (with its epoch)", jobID: parent.id)
        }
        try checkEpoch(parent, epoch)
        var after = touched(parent, now)
        after.pendingChildren += count
        return JobChange(before: parent, after: after, run: nil, events: [])
    }

    /// A child of `parent` ended as `outcome` (a purged child as `cancelled`): one fewer to wait
    /// for, and a failure to name when it did not succeed. A parent waiting only for its
    /// children ends once none is left: `succeeded` when none failed, else `failed` naming them.
    /// `nil` when the parent has ended (nothing to write).
    public static func childEnded(_ parent: JobRecord, child: JobID, outcome: JobState, now: Date, note: String? = nil) -> JobChange? {
        guard !parent.state.isTerminal else { return nil }
        var after = touched(parent, now)
        after.pendingChildren = max(0, parent.pendingChildren - 1)
        if outcome != .succeeded {
            after.failedChildren += 1
            if after.failedChildIDs.count < JobRecord.maximumNamedChildren { after.failedChildIDs.append(child) }
        }
        guard isWaitingForChildren(parent), after.pendingChildren == 0 else {
            return JobChange(before: parent, after: after, run: nil, events: [])
        }
        let ended = endWithChildren(&after, now: now, last: "child \(child) \(note ?? outcome.rawValue), the last it waited for")
        return JobChange(before: parent, after: after, run: nil, events: [ended])
    }

    /// A child of `parent` was queued again by a manual retry after ending as `previous`: the
    /// parent, while it has not ended, waits for it again (and no longer counts its failure).
    /// `nil` when the parent has ended.
    public static func childRetried(_ parent: JobRecord, child: JobID, previous: JobState, now: Date) -> JobChange? {
        guard !parent.state.isTerminal else { return nil }
        var after = touched(parent, now)
        after.pendingChildren += 1
        if previous != .succeeded {
            after.failedChildren = max(0, parent.failedChildren - 1)
            after.failedChildIDs.removeAll { $0 == child }
        }
        return JobChange(before: parent, after: after, run: nil, events: [])
    }

    /// A child cancelled because its parent was cancelled or purged; `nil` when it has ended
    /// or its cancel is already requested.
    public static func cancelledWithParent(_ child: JobRecord, reason: String, mode: JobStopMode, now: Date) -> JobChange? {
        guard !child.state.isTerminal, !child.cancelRequested else { return nil }
        return try? cancel(child, reason: reason, mode: mode, now: now)
    }

    /// Whether a `waiting` job waits only for its children: its dependencies have ended, and it
    /// is a group or its own attempt has succeeded.
    static func isWaitingForChildren(_ record: JobRecord) -> Bool {
        record.state == .waiting && record.pendingDependencies == 0
    }

    /// Ends a job whose children have all ended: `succeeded` when none failed, else `failed`
    /// naming them. Returns the event.
    static func endWithChildren(_ record: inout JobRecord, now: Date, last: String? = nil) -> JobChange.Event {
        record.finishedAt = now
        guard record.failedChildren > 0 else {
            record.state = .succeeded
            return event(.succeeded, record, message: last.map { "its children all succeeded (\($0))" } ?? "its children all succeeded")
        }
        let named = record.failedChildIDs.map(\.rawValue).joined(separator: ", ")
        let more = record.failedChildren - record.failedChildIDs.count
        let children = record.failedChildren == 1 ? "1 child" : "\(record.failedChildren) children"
        record.state = .failed
        record.lastError = "\(children) did not succeed: \(named)\(more > 0 ? " and \(more) more" : "")"
        return event(.failed, record, message: record.lastError)
    }

    /// An attempt of a job with children succeeded: it waits for the children still running,
    /// else ends with them. Returns the event.
    static func attemptSucceeded(_ record: inout JobRecord, now: Date) -> JobChange.Event {
        guard record.pendingChildren > 0 else { return endWithChildren(&record, now: now) }
        record.state = .waiting
        let children = record.pendingChildren == 1 ? "1 child" : "\(record.pendingChildren) children"
        return event(.succeeded, record, message: "the attempt succeeded; waiting for \(children)")
    }
}
