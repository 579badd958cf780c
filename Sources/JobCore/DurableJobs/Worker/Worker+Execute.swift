import Foundation
import Logging
import Tracing

extension Worker {
    /// Runs one attempt: the handler (stopped through its task when the attempt is cancelled,
    /// times out, loses its lease or is shut down), then reports the end with the epoch.
    /// `parent`: the context the attempt's span descends from, when a tracer records.
    func execute(_ job: JobRecord, parent: ServiceContext?, state: JobAttemptState, running: RunningJobs, batcher: FinishBatcher) async {
        let start = metrics.now
        await withAttemptSpan(job, parent: parent) { span in
            await runAttempt(job, state: state, running: running, batcher: batcher, since: start, span: span)
        }
    }

    private func runAttempt(
        _ job: JobRecord, state: JobAttemptState, running: RunningJobs, batcher: FinishBatcher,
        since start: ContinuousClock.Instant?, span: (any Span)?
    ) async {
        var attemptContext = JobContext(job: job, workerID: configuration.workerID, workerLogger: logger, store: store, state: state)
        if let metadata = configuration.jobLogMetadata { attemptContext.extraMetadata = metadata(job) }
        let context = attemptContext
        let handler = handlers[kind: job.kind]
        let task = Task<Data?, any Error> {
            guard let handler else { throw JobFailure.permanent("no handler for kind '\(job.kind)'") }
            return try await handler(job.payload, context)
        }
        state.attach { task.cancel() }
        let handlerResult = await withTaskCancellationHandler {
            await task.result
        } onCancel: {
            task.cancel()
        }
        let outcome = self.outcome(of: job, handlerResult, stop: state.stopReason, context: context)
        var recorded: JobRun.Outcome?
        var answer: FinishBatcher.Answer?
        if let outcome {
            let exitCode = (try? handlerResult.get()) == nil ? ((handlerResult.error as? JobFailure)?.exitCode ?? state.exitCode) : state.exitCode
            let report = JobFinish(id: job.id, epoch: job.epoch, outcome: outcome, exitCode: exitCode, insights: state.insights)
            // The batcher frees the slot once the batch is written.
            answer = await batcher.submit(report)
            switch answer {
            case .success?:
                recorded = JobLifecycle.runOutcome(outcome)
            case .failure(let error)?:
                context.logger.warning("the end of the attempt was not recorded", metadata: ["error": "\(error)"])
            case nil:
                break
            }
        } else {
            context.logger.warning("lease lost; the attempt was stopped without reporting")
            running.remove([job.id])
        }
        observeEnd(job, reported: recorded == nil ? nil : outcome, answer: answer, since: start, span: span)
        emit(.finished(job.id, recorded))
    }

    /// The end to report; `nil` when the lease was lost (the attempt belongs to no one now).
    private func outcome(
        of job: JobRecord, _ result: Result<Data?, any Error>, stop: JobContext.StopReason?, context: JobContext
    ) -> JobFinish.Outcome? {
        switch (result, stop) {
        case (.success(let data), _):
            // A handler that returned did its work: report it (fencing decides if it still counts).
            return .succeeded(result: data)
        case (.failure, .cancelled(let reason, _)?):
            return .cancelled(reason: reason ?? "cancelled")
        case (.failure, .timedOut?):
            return .timedOut(error: "timed out after \(DurationParser.format(job.timeout))")
        case (.failure, .shutdown?):
            return .released
        case (.failure, .leaseLost?):
            return nil
        case (.failure(let error), nil):
            let failure = error as? JobFailure
            let message = failure?.message ?? String(describing: error)
            context.logger.info("attempt failed", metadata: ["error": "\(message)"])
            if failure?.code == .permanent { return .failed(error: message, retryAt: nil) }
            let policy = handlers.retryPolicy(forKind: job.kind) ?? configuration.retry
            let delay = policy.delay(afterAttempt: job.attempt)
            return .failed(error: message, retryAt: clock.now.adding(delay))
        }
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
