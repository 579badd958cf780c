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

        func record(_ id: JobID) throws(JobStoreError) -> JobRecord {
            guard let record = jobs[id] else { throw JobStoreError.notFound(id) }
            return record
        }

        /// Writes a transition: record, claim index, per-key counts, run, events.
        /// Returns whether the job became claimable.
        @discardableResult
        mutating func apply(_ change: JobChange, now: Date) -> Bool {
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

        mutating func delete(_ id: JobID) {
            guard let record = jobs.removeValue(forKey: id) else { return }
            if record.state == .queued { removeQueued(JobLifecycle.ClaimOrder(record)) }
            if record.state == .running, let key = record.key {
                let count = (runningByKey[key] ?? 0) - 1
                runningByKey[key] = count > 0 ? count : nil
            }
            if let key = record.idempotencyKey, idempotency[key] == id { idempotency[key] = nil }
            runs[id] = nil
            events[id] = nil
            logs[id] = nil
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
