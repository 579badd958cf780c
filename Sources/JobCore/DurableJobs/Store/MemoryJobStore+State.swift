import Foundation

extension MemoryJobStore {
    struct Log {
        var data = Data()
        var truncated = false
    }

    /// Everything the memory store holds, guarded by one mutex.
    struct State {
        var jobs: [JobID: JobRecord] = [:]
        var queued: [JobLifecycle.ClaimOrder] = []
        var head = 0
        var runningByKey: [String: Int] = [:]
        var idempotency: [String: JobID] = [:]
        var runs: [JobID: [JobRun]] = [:]
        var events: [JobID: [JobEvent]] = [:]
        var logs: [JobID: Log] = [:]
        /// The worker registry by id, with stored states (``WorkerRecord/observed(at:)`` derives gone).
        var workers: [String: WorkerRecord] = [:]
        var nextSequence: Int64 = 0
        /// The jobs that depend on each job (only jobs that have some).
        var dependents: [JobID: [JobID]] = [:]
        /// The children of each job (only jobs that have some).
        var children: [JobID: [JobID]] = [:]
        /// Access tokens by id (``AccessTokenStore``).
        var accessTokens: [String: AccessTokenRecord] = [:]

        func record(_ id: JobID) throws(JobStoreError) -> JobRecord {
            guard let record = jobs[id] else { throw JobStoreError.notFound(id) }
            return record
        }

        /// Writes a transition, and follows it through the graph (``JobLifecycle/graphStep(_:)``):
        /// dependents, parents and children it changes are written too. Returns whether a job
        /// became claimable.
        @discardableResult
        mutating func apply(_ change: JobChange, now: Date) -> Bool {
            let claimable = write(change, now: now)
            guard let step = JobLifecycle.graphStep(change) else { return claimable }
            return follow([step], now: now) || claimable
        }

        /// Carries steps through the graph until none is left. Returns whether a job became claimable.
        mutating func follow(_ steps: [JobLifecycle.GraphStep], now: Date) -> Bool {
            var steps = steps
            var claimable = false
            while let step = steps.popLast() {
                var next: [JobChange] = []
                if let outcome = step.ended {
                    if step.hasDependents {
                        next += (dependents[step.id] ?? []).compactMap { dependent in
                            jobs[dependent].flatMap { JobLifecycle.dependencyEnded($0, dependency: step.id, outcome: outcome, now: now, note: step.note) }
                        }
                    }
                    if let parent = step.parentID.flatMap({ jobs[$0] }),
                       let change = JobLifecycle.childEnded(parent, child: step.id, outcome: outcome, now: now, note: step.note) {
                        next.append(change)
                    }
                }
                if let previous = step.revived, let parent = step.parentID.flatMap({ jobs[$0] }),
                   let change = JobLifecycle.childRetried(parent, child: step.id, previous: previous, now: now) {
                    next.append(change)
                }
                if let (reason, mode) = step.cancelChildren {
                    next += (children[step.id] ?? []).compactMap { child in
                        jobs[child].flatMap { JobLifecycle.cancelledWithParent($0, reason: reason, mode: mode, now: now) }
                    }
                }
                for change in next {
                    // A job changed twice in one pass is written from its latest record.
                    guard let current = jobs[change.after.id], current.version == change.before?.version else { continue }
                    claimable = write(change, now: now) || claimable
                    if let step = JobLifecycle.graphStep(change) { steps.append(step) }
                }
            }
            return claimable
        }

        /// The current records of a job's dependencies (those not purged).
        func dependencies(of record: JobRecord) -> [JobRecord] {
            record.dependsOn.compactMap { jobs[$0] }
        }

        /// Enqueues a job: the change from `JobLifecycle` given its dependencies' records (which
        /// then know they have a dependent), `children` later jobs of its batch add to it, and
        /// its stored parent counts it (checked by `checkParent` first). Returns whether it
        /// became claimable.
        mutating func enqueue(_ job: NewJob, id: JobID, now: Date, children: Int, parentInBatch: Bool) throws(JobStoreError) -> (JobChange, Bool) {
            let change = try JobLifecycle.enqueue(
                job, id: id, now: now, dependencies: job.options.dependsOn.compactMap { jobs[$0] }, children: children,
                parent: parentInBatch ? job.parent.flatMap { jobs[$0.id] } : nil
            )
            for dependency in change.after.dependsOn {
                jobs[dependency]?.hasDependents = true
                dependents[dependency, default: []].append(id)
            }
            var claimable = false
            if let parent = job.parent {
                if !parentInBatch {
                    let added = try JobLifecycle.childrenAdded(try record(parent.id), count: 1, epoch: parent.epoch, now: now)
                    claimable = apply(added, now: now)
                }
                self.children[parent.id, default: []].append(id)
            }
            return (change, apply(change, now: now) || claimable)
        }

        /// Checks that a child's stored parent exists and runs at the child's epoch.
        func checkParent(_ parent: NewJob.Parent, now: Date) throws(JobStoreError) {
            guard let record = jobs[parent.id] else {
                throw JobStoreError(.notFound, "parent \(parent.id) does not exist", jobID: parent.id)
            }
            _ = try JobLifecycle.childrenAdded(record, count: 1, epoch: parent.epoch, now: now)
        }

        /// Writes one transition: record, claim index, per-key counts, run, events.
        /// Returns whether the job became claimable.
        private mutating func write(_ change: JobChange, now: Date) -> Bool {
            let after = change.after
            if let before = change.before, before.state == .queued { removeQueued(JobLifecycle.ClaimOrder(before)) }
            if after.state == .queued { insertQueued(JobLifecycle.ClaimOrder(after)) }
            if let key = after.key, change.runningDelta != 0 {
                let count = (runningByKey[key] ?? 0) + change.runningDelta
                runningByKey[key] = count > 0 ? count : nil
            }
            if change.before == nil, let key = after.idempotencyKey { idempotency[key] = after.id }
            jobs[after.id] = after
            switch change.run {
            case .start(let run):
                runs[after.id, default: []].append(run)
            case .insights(let epoch, let insights):
                updateRun(after.id, epoch) { $0.insights.merge(insights) { $1 } }
            case .finish(let epoch, let outcome, let at, let error, let exitCode, let insights):
                updateRun(after.id, epoch) { run in
                    run.finishedAt = at
                    run.outcome = outcome
                    run.error = error
                    run.exitCode = exitCode
                    run.insights.merge(insights) { $1 }
                }
            case nil:
                break
            }
            for event in change.events {
                nextSequence += 1
                events[after.id, default: []].append(event.event(jobID: after.id, sequence: nextSequence, at: now))
            }
            return after.state == .queued && change.before?.state != .queued
        }

        /// Deletes a job; the jobs waiting for it take it as cancelled, and its unfinished
        /// children are cancelled. Returns whether a job became claimable.
        @discardableResult
        mutating func delete(_ id: JobID, now: Date) -> Bool {
            guard let purged = jobs[id] else { return false }
            let claimable = JobLifecycle.purgeStep(purged).map { follow([$0], now: now) } ?? false
            let record = jobs[id] ?? purged
            jobs[id] = nil
            dependents[id] = nil
            for dependency in record.dependsOn {
                dependents[dependency]?.removeAll { $0 == id }
            }
            children[id] = nil
            if let parent = record.parentID { children[parent]?.removeAll { $0 == id } }
            if record.state == .queued { removeQueued(JobLifecycle.ClaimOrder(record)) }
            if record.state == .running, let key = record.key {
                let count = (runningByKey[key] ?? 0) - 1
                runningByKey[key] = count > 0 ? count : nil
            }
            if let key = record.idempotencyKey, idempotency[key] == id { idempotency[key] = nil }
            runs[id] = nil
            events[id] = nil
            logs[id] = nil
            return claimable
        }

        private mutating func updateRun(_ id: JobID, _ epoch: Int64, _ update: (inout JobRun) -> Void) {
            guard let index = runs[id]?.lastIndex(where: { $0.epoch == epoch }) else { return }
            update(&runs[id]![index])
        }

        private func queuedIndex(_ entry: JobLifecycle.ClaimOrder) -> Int {
            var low = head
            var high = queued.count
            while low < high {
                let middle = (low + high) / 2
                if queued[middle] < entry { low = middle + 1 } else { high = middle }
            }
            return low
        }

        // The claim index is a sorted array whose live part starts at `head`; insertions and
        // removals shift whichever side is shorter, so work near the front (claims) is cheap.
        private mutating func insertQueued(_ entry: JobLifecycle.ClaimOrder) {
            if queued.count == head || queued[queued.count - 1] < entry {
                queued.append(entry)
                return
            }
            let index = queuedIndex(entry)
            if head > 0, index - head < queued.count - index {
                head -= 1
                for position in head..<(index - 1) { queued[position] = queued[position + 1] }
                queued[index - 1] = entry
            } else {
                queued.insert(entry, at: index)
            }
        }

        private mutating func removeQueued(_ entry: JobLifecycle.ClaimOrder) {
            let index = queuedIndex(entry)
            guard index < queued.count, queued[index] == entry else { return }
            if index - head < queued.count - index {
                var position = index
                while position > head {
                    queued[position] = queued[position - 1]
                    position -= 1
                }
                head += 1
                if head > 1024, head * 2 > queued.count {
                    queued.removeFirst(head)
                    head = 0
                }
            } else {
                queued.remove(at: index)
            }
        }
    }
}
