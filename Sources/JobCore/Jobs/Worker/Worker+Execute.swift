import Foundation
import Logging

extension Worker {
    private enum Race: Sendable {
        case handler(Result<Data?, any Error>)
        case timeout
        case stop(JobContext.StopReason)
    }

    /// Runs one attempt: the handler against its timeout and stop requests, then reports the end
    /// with the attempt's epoch.
    func execute(_ job: JobRecord, state: JobAttemptState, running: RunningJobs, batcher: FinishBatcher) async {
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.kind"] = "\(job.kind)"
        logger[metadataKey: "job.attempt"] = "\(job.attempt)"
        let context = JobContext(job: job, workerID: configuration.workerID, logger: logger, store: store, state: state)
        let deadline = (job.startedAt ?? clock.now).adding(job.timeout)
        let handler = handlers[kind: job.kind]
        let clock = self.clock
        var handlerResult: Result<Data?, any Error> = .failure(JobFailure.permanent("no handler for kind '\(job.kind)'"))
        await withTaskGroup(of: Race?.self) { group in
            group.addTask {
                guard let handler else { return .handler(.failure(JobFailure.permanent("no handler for kind '\(job.kind)'"))) }
                do { return .handler(.success(try await handler(job.payload, context))) } catch { return .handler(.failure(error)) }
            }
            group.addTask {
                do { try await clock.sleep(until: deadline) } catch { return nil }
                return .timeout
            }
            group.addTask { await state.waitForStop().map(Race.stop) }
            var decided = false
            for await race in group {
                switch race {
                case .handler(let result): handlerResult = result
                case .timeout: state.stop(.timedOut)
                case .stop, nil: break
                }
                if race != nil, !decided {
                    decided = true
                    group.cancelAll()
                }
            }
        }
        let outcome = self.outcome(of: job, handlerResult, stop: state.stopReason, logger: logger)
        var recorded: JobRun.Outcome?
        if let outcome {
            let exitCode = (try? handlerResult.get()) == nil ? ((handlerResult.error as? JobFailure)?.exitCode ?? state.exitCode) : state.exitCode
            let report = JobFinish(id: job.id, epoch: job.epoch, outcome: outcome, exitCode: exitCode, insights: state.insights)
            // The batcher frees the slot once the batch is written.
            switch await batcher.submit(report) {
            case .success:
                recorded = Self.runOutcome(outcome)
            case .failure(let error):
                logger.warning("the end of the attempt was not recorded", metadata: ["error": "\(error)"])
            }
        } else {
            logger.warning("lease lost; the attempt was stopped without reporting")
            running.remove([job.id])
        }
        emit(.finished(job.id, recorded))
    }

    /// The end to report; `nil` when the lease was lost (the attempt belongs to no one now).
    private func outcome(
        of job: JobRecord, _ result: Result<Data?, any Error>, stop: JobContext.StopReason?, logger: Logger
    ) -> JobFinish.Outcome? {
        switch (result, stop) {
        case (.success(let data), _):
            // A handler that returned did its work: report it (fencing decides if it still counts).
            return .succeeded(result: data)
        case (.failure, .cancelled(let reason)?):
            return .cancelled(reason: reason ?? "cancelled")
        case (.failure, .timedOut?):
            return .timedOut(error: "timed out after \(DurationParser.format(job.timeout))")
        case (.failure, .shutdown?):
            return .released
        case (.failure, .leaseLost?):
            return nil
        case (.failure(let error), nil):
            let message = String(describing: error)
            logger.info("attempt failed", metadata: ["error": "\(message)"])
            if let failure = error as? JobFailure, !failure.retryable { return .failed(error: message, retryAt: nil) }
            let delay = configuration.retry.delay(afterAttempt: job.attempt)
            return .failed(error: message, retryAt: clock.now.adding(delay))
        }
    }

    static func runOutcome(_ outcome: JobFinish.Outcome) -> JobRun.Outcome {
        switch outcome {
        case .succeeded: .succeeded
        case .failed: .failed
        case .timedOut: .timedOut
        case .cancelled: .cancelled
        case .released: .released
        }
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
