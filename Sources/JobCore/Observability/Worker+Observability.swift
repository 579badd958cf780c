import Foundation
import Tracing

extension Worker {
    /// Runs an attempt in its span, a child of the span that enqueued the job (through the
    /// job's stored trace context): every attempt, a retry too, is a new span in the job's trace.
    /// The handler's task inherits the span, so the spans it starts (clone, push) are its children.
    func withAttemptSpan(_ job: JobRecord, _ body: ((any Span)?) async -> Void) async {
        guard let tracer else { return await body(nil) }
        let parent = JobTracing.parentContext(of: job, tracer: tracer)
        await JobTracing.withSpan("jobcore.attempt", tracer: tracer, context: parent, kind: .consumer) { span in
            var attributes = JobTracing.jobAttributes(job, operation: "process")
            attributes["messaging.consumer.group.name"] = configuration.queue
            span.attributes = attributes
            await body(span)
        }
    }

    /// Records a claim call that started at `start` (`instant` for spans) and returned `jobs`:
    /// metrics, and one claim span per job in the job's trace.
    func observeClaim(_ jobs: [JobRecord], since start: ContinuousClock.Instant?, at instant: DefaultTracerClock.Instant?) {
        metrics.claimed(jobs, queue: configuration.queue, since: start)
        guard let tracer, let instant else { return }
        for job in jobs {
            let span: any Span = tracer.startSpan(
                "jobcore.claim", context: JobTracing.parentContext(of: job, tracer: tracer), ofKind: .consumer, at: instant
            )
            var attributes = JobTracing.jobAttributes(job, operation: "receive")
            attributes["jobcore.worker.id"] = configuration.workerID
            span.attributes = attributes
            span.end()
        }
    }

    /// The instant a traced operation starts, when a tracer records.
    var tracerNow: DefaultTracerClock.Instant? {
        tracer == nil ? nil : DefaultTracerClock.now
    }

    /// Records the end of an attempt: the outcome recorded (`nil` when the lease was lost or the
    /// store did not take the report) and the store's answer.
    func observeEnd(
        _ job: JobRecord, reported: JobFinish.Outcome?, answer: Result<JobRecord, JobStoreError>?,
        since start: ContinuousClock.Instant?, span: (any Span)?
    ) {
        let outcome = reported.map { JobLifecycle.runOutcome($0).rawValue } ?? "lease_lost"
        metrics.ended(job, outcome: outcome, answer: answer, since: start)
        guard let span else { return }
        var attributes = span.attributes
        attributes["jobcore.job.outcome"] = outcome
        switch answer {
        case .success(let record):
            attributes["jobcore.job.state"] = record.state.rawValue
            if outcome != JobRun.Outcome.succeeded.rawValue { span.setStatus(SpanStatus(code: .error)) }
        case .failure(let error):
            attributes["error.type"] = "\(error.code)"
            span.setStatus(SpanStatus(code: .error))
        case nil:
            span.setStatus(SpanStatus(code: .error))
        }
        span.attributes = attributes
    }
}
