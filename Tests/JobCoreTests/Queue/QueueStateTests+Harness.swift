@testable import JobCore

extension QueueStateTests {
    /// Drives a ``QueueState`` as ``InProcessJobQueue`` does, and records what it answers and
    /// asks for. Every job gets a caller (a parked continuation), resumed as the queue would.
    final class Harness {
        var state: QueueState
        private var jobs: [String: QueuedJob] = [:]
        private var names: [ObjectIdentifier: String] = [:]
        private var runners: [String: QueueRunner] = [:]
        private var tasks: [Task<Void, Never>: String] = [:]

        init(_ state: QueueState) {
            self.state = state
        }

        func perform(_ step: Step) async -> [Action] {
            let wasStopped = state.lifecycle == .stopped
            var actions: [Action]
            switch step {
            case .submit(let name, let key, let priority, let idempotencyKey, let returns, let callerCancelled):
                let job: QueuedJob = switch returns {
                case .int: await Self.job(Int.self, key: key, priority: priority, idempotencyKey: idempotencyKey)
                case .string: await Self.job(String.self, key: key, priority: priority, idempotencyKey: idempotencyKey)
                }
                jobs[name] = job
                names[ObjectIdentifier(job)] = name
                actions = submitted(name, job, state.submit(job, isCancelled: callerCancelled))
            case .finish(let name):
                let job = jobs[name]!
                let runner = runners[name]!
                let outcome: (any BoxedOutcome)? = job.idempotencyKey == nil ? nil : Outcome<Int>(.success(1))
                let effects = state.finish(job, on: runner, outcome: outcome)
                job.resumeWaiters(throwing: CancellationError())
                actions = perform(effects, runner: runner)
            case .cancel(let name):
                actions = perform(state.cancel(jobs[name]!), runner: nil, detaching: name)
            case .timeOut(let name):
                actions = perform(state.timeOut(jobs[name]!), runner: nil)
            case .expireAdmission(let name):
                actions = perform(state.expireAdmission(jobs[name]!), runner: nil)
            case .shutDown(let cancelRunning):
                actions = perform(state.shutDown(cancelRunning: cancelRunning), runner: nil)
            }
            if !wasStopped, state.lifecycle == .stopped { actions.append(.stopped) }
            return actions
        }

        /// Resumes every caller still waiting, so no task is left suspended.
        func releaseCallers() {
            for job in jobs.values { job.resumeWaiters(throwing: CancellationError()) }
        }

        private func submitted(_ name: String, _ job: QueuedJob, _ submission: QueueState.Submission) -> [Action] {
            switch submission {
            case .started(let runner):
                attach(runner, startedWith: name)
                return [.started(name)]
            case .queued:
                return [.queued(name)]
            case .waitingForRoom:
                let timer = Task<Void, Never> {}
                tasks[timer] = "timer \(name)"
                _ = state.attachAdmissionTimer(timer, to: job)
                return [.waitingForRoom(name)]
            case .following:
                return [.following(name)]
            case .remembered:
                job.resumeWaiters(throwing: CancellationError())
                return [.remembered(name)]
            case .rejected(let error, _):
                job.resumeWaiters(throwing: error)
                return [.rejected(name, error.code)]
            case .cancelled:
                job.resumeWaiters(throwing: CancellationError())
                return [.cancelled(name)]
            }
        }

        private func attach(_ runner: QueueRunner, startedWith name: String) {
            let task = Task<Void, Never> {}
            tasks[task] = "runner \(name)"
            runners[name] = runner
            _ = state.attachTask(task, to: runner)
        }

        private func perform(_ effects: QueueEffects, runner: QueueRunner?, detaching name: String? = nil) -> [Action] {
            var actions: [Action] = []
            if let next = effects.next {
                let nextName = names[ObjectIdentifier(next)]!
                runners[nextName] = runner
                actions.append(.next(nextName))
            }
            guard let more = effects.more else { return actions }
            for (job, runner) in more.starts {
                let started = names[ObjectIdentifier(job)]!
                attach(runner, startedWith: started)
                actions.append(.start(started))
            }
            for failure in more.failures {
                actions.append(.fail(
                    names[ObjectIdentifier(failure.job)]!, (failure.error as? JobQueueError)?.code,
                    counted: Self.describe(failure.metric)))
                failure.job.resumeWaiters(throwing: failure.error)
            }
            for caller in more.detached {
                actions.append(.detach(name ?? "?"))
                caller.resume(throwing: CancellationError())
            }
            for task in more.tasksToCancel { actions.append(.cancelTask(tasks[task] ?? "an unknown task")) }
            if more.admitted > 0 { actions.append(.admitted(more.admitted)) }
            return actions
        }

        private static func describe(_ metric: QueueMetrics.Ending?) -> String {
            switch metric {
            case .failed(let reason)?: "failed \(reason.rawValue)"
            case .rejected(let reason)?: "rejected \(reason.rawValue)"
            case nil: "follower"
            }
        }

        /// A job whose caller waits on a parked continuation, as `enqueue`'s caller does.
        private static func job<T: Sendable>(_: T.Type, key: String, priority: Int, idempotencyKey: String?) async -> TypedJob<T> {
            let job = TypedJob<T>(key: key, priority: priority, idempotencyKey: idempotencyKey, timeout: nil, enqueuedAt: nil) {
                preconditionFailure("the state machine never runs operations")
            }
            job.continuation = await withCheckedContinuation { (parked: CheckedContinuation<UnsafeContinuation<T, any Error>, Never>) in
                Task {
                    _ = try? await withUnsafeThrowingContinuation { (caller: UnsafeContinuation<T, any Error>) in
                        parked.resume(returning: caller)
                    }
                }
            }
            return job
        }
    }
}
