import Foundation
import Logging

extension Worker {
    /// Renews the leases of running jobs; delivers cancels and lost leases to their attempts.
    func heartbeatLoop(_ running: RunningJobs, from start: Date) async {
        var deadline = start.adding(configuration.heartbeatInterval)
        while !Task.isCancelled {
            do { try await clock.sleep(until: deadline) } catch { return }
            metrics.heartbeat(queue: configuration.queue, due: deadline, now: clock.now)
            deadline = nextTick(after: deadline, every: configuration.heartbeatInterval)
            let entries = running.snapshot()
            if let directive = try? await store.announce(configuration.announcement(load: entries.count)) { follow(directive) }
            if entries.isEmpty { continue }
            let beats = entries.map { JobHeartbeat(id: $0.job.id, epoch: $0.job.epoch, insights: $0.state.takeChangedInsights() ?? [:]) }
            // Taken before the renewal is sent: the store's new expiry is no earlier than this plus the lease.
            let renewalStarted = ContinuousClock.now
            do {
                let statuses = try await store.heartbeat(beats, workerID: configuration.workerID, lease: configuration.lease)
                let expiry = clock.now.adding(configuration.lease)
                for (entry, status) in zip(entries, statuses) {
                    switch status {
                    case .renewed:
                        running.renewed(entry.job.id, until: expiry)
                        entry.state.leaseRenewed(configuration.attemptLease(requestedAt: renewalStarted).deadline)
                    case .cancelRequested(let reason, let mode):
                        // The lease was renewed too: a graceful stop keeps its whole grace period.
                        running.renewed(entry.job.id, until: expiry)
                        entry.state.leaseRenewed(configuration.attemptLease(requestedAt: renewalStarted).deadline)
                        entry.state.stop(.cancelled(reason: reason, mode: mode))
                    case .lost, .gone:
                        if case .lost = status { metrics.staleEpoch(queue: entry.job.queue, operation: "heartbeat") }
                        entry.state.stop(.leaseLost)
                    }
                }
            } catch {
                logger.error("heartbeat failed", metadata: ["error": "\(error)"])
                // Without renewal another worker may take a job once its lease runs out: stop it first.
                let now = clock.now
                for entry in entries where entry.leaseExpiresAt <= now { entry.state.stop(.leaseLost) }
            }
        }
    }

    /// Returns expired leases (of any worker) to the queue, or fails their jobs when no
    /// attempt is left.
    func reaperLoop(from start: Date) async {
        var deadline = start.adding(configuration.reaperInterval)
        var pruneAt = start
        while !Task.isCancelled {
            do { try await clock.sleep(until: deadline) } catch { return }
            deadline = nextTick(after: deadline, every: configuration.reaperInterval)
            _ = await reapExpiredLeases()
            if clock.now >= pruneAt {
                pruneAt = clock.now.adding(Self.pruneInterval)
                await pruneGoneWorkers()
            }
        }
    }

    /// How often the reaper removes the records of workers gone longer than the retention.
    static let pruneInterval: Duration = .seconds(3600)

    /// Removes the registry's records of workers last seen longer than the retention ago.
    func pruneGoneWorkers() async {
        do {
            let pruned = try await store.pruneWorkers(seenBefore: clock.now.adding(.zero - configuration.workerRetention))
            if pruned > 0 { logger.info("gone workers removed from the registry", metadata: ["workers": "\(pruned)"]) }
        } catch {
            logger.error("pruning gone workers failed", metadata: ["error": "\(error)"])
        }
    }

    /// One pass of the reaper: returns every expired lease (of any worker) to the queue, or fails
    /// its job when no attempt is left.
    /// - Returns: how many jobs were reaped (0 when the store failed; the failure is logged).
    func reapExpiredLeases() async -> Int {
        var total = 0
        do {
            var reaped: [JobRecord]
            repeat {
                reaped = try await store.reapExpiredLeases(limit: 100)
                total += reaped.count
                metrics.reaped(reaped)
                for job in reaped {
                    logger.warning("expired lease reaped", metadata: ["job.id": "\(job.id)", "job.state": "\(job.state)"])
                }
            } while reaped.count == 100 && !Task.isCancelled
        } catch {
            logger.error("reaper failed", metadata: ["error": "\(error)"])
        }
        return total
    }

    /// Stops attempts that ran past their deadline, sleeping until the earliest one (or until
    /// jobs are added).
    func timeoutLoop(_ running: RunningJobs) async {
        while !Task.isCancelled {
            let generation = running.added.generation
            let now = clock.now
            var next: Date?
            for entry in running.snapshot() where entry.state.stopReason == nil {
                if entry.deadline <= now {
                    entry.state.stop(.timedOut)
                } else {
                    next = min(next ?? entry.deadline, entry.deadline)
                }
            }
            let clock = self.clock
            var waits: [@Sendable () async -> Void] = [{ await running.added.wait(after: generation) }]
            if let next { waits.append { try? await clock.sleep(until: next) } }
            await firstOf(waits)
        }
    }

    /// The next tick of a periodic loop. Ticks are counted from the worker's start, so a clock
    /// that moved before the loop went to sleep still wakes it at once; a loop that fell behind
    /// skips the ticks it missed.
    private func nextTick(after deadline: Date, every interval: Duration) -> Date {
        let next = deadline.adding(interval)
        let now = clock.now
        return next > now ? next : now.adding(interval)
    }
}
