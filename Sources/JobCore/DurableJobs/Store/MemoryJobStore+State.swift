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
        var workers: [String: WorkerPresence] = [:]
        var nextSequence: Int64 = 0
        /// The jobs that depend on each job (only jobs that have some).
        var dependents: [JobID: [JobID]] = [:]

        func record(_ id: JobID) throws(JobStoreError) -> JobRecord {
            guard let record = jobs[id] else { throw JobStoreError.notFound(id) }
            return record
        }

        /// Writes a transition, and passes a job's end on to the jobs waiting for it, down the
        /// graph. Returns whether a job became claimable.
        @discardableResult
        mutating func apply(_ change: JobChange, now: Date) -> Bool {
            var claimable = write(change, now: now)
            var ended: [(id: JobID, outcome: JobState, note: String?)] = []
            if JobLifecycle.endsJob(change), change.after.hasDependents { ended.append((change.after.id, change.after.state, nil)) }
            while let (id, outcome, note) = ended.popLast() {
                for dependent in dependents[id] ?? [] {
                    guard let record = jobs[dependent],
                          let next = JobLifecycle.dependencyEnded(record, dependency: id, outcome: outcome, now: now, note: note) else { continue }
                    claimable = write(next, now: now) || claimable
                    if JobLifecycle.endsJob(next), next.after.hasDependents { ended.append((dependent, next.after.state, nil)) }
                }
            }
            return claimable
        }

        /// The current records of a job's dependencies (those not purged).
        func dependencies(of record: JobRecord) -> [JobRecord] {
            record.dependsOn.compactMap { jobs[$0] }
        }

        /// Enqueues a job: the change from `JobLifecycle` given its dependencies' records, which
        /// then know they have a dependent. Returns whether it became claimable.
        mutating func enqueue(_ job: NewJob, id: JobID, now: Date) throws(JobStoreError) -> (JobChange, Bool) {
            let change = try JobLifecycle.enqueue(job, id: id, now: now, dependencies: job.options.dependsOn.compactMap { jobs[$0] })
            for dependency in change.after.dependsOn {
                jobs[dependency]?.hasDependents = true
                dependents[dependency, default: []].append(id)
            }
            return (change, apply(change, now: now))
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

        /// Deletes a job; the jobs waiting for it take it as cancelled. Returns whether a job
        /// became claimable.
        @discardableResult
        mutating func delete(_ id: JobID, now: Date) -> Bool {
            guard let record = jobs.removeValue(forKey: id) else { return false }
            var claimable = false
            if !record.state.isTerminal, record.hasDependents {
                for dependent in dependents[id] ?? [] {
                    guard let waiting = jobs[dependent],
                          let next = JobLifecycle.dependencyEnded(waiting, dependency: id, outcome: .cancelled, now: now, note: "was purged")
                    else { continue }
                    claimable = apply(next, now: now) || claimable
                }
            }
            dependents[id] = nil
            for dependency in record.dependsOn {
                dependents[dependency]?.removeAll { $0 == id }
            }
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
