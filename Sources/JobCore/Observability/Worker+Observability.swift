import Foundation
import Tracing

extension Worker {
    /// Runs an attempt in its span, a child of the span that enqueued the job (`parent`, the
    /// job's stored trace context as ``observeClaim(_:since:at:)`` extracted it): every attempt, a
    /// retry too, is a new span in the job's trace. The handler's task inherits the span, so the
    /// spans it starts (clone, push) are its children. Its attributes are set once, at its end.
    func withAttemptSpan(_ job: JobRecord, parent: ServiceContext?, _ body: ((any Span)?) async -> Void) async {
        guard let tracer, let parent else { return await body(nil) }
        await JobTracing.withSpan("jobcore.attempt", tracer: tracer, context: parent, kind: .consumer) { span in
            await body(span)
        }
    }

    /// Records a claim call that started at `start` (`instant` for spans) and returned `jobs`:
    /// metrics, and a claim span for the batch, as OpenTelemetry's messaging conventions have it
    /// for a batch receive: a trace of its own, linked to each job's trace (through the job's
    /// stored trace context). Returns each job's parent context for its attempt span (the trace
    /// context extracted once), or `nil`s without a tracer.
    func observeClaim(
        _ jobs: [JobRecord], since start: ContinuousClock.Instant?, at instant: DefaultTracerClock.Instant?
    ) -> [ServiceContext?] {
        metrics.claimed(jobs, queue: configuration.queue, since: start)
        guard let tracer, let instant, !jobs.isEmpty else { return Array(repeating: nil, count: jobs.count) }
        let parents = jobs.map { JobTracing.parentContext(of: $0, tracer: tracer) }
        let span: any Span = tracer.startSpan("jobcore.claim", context: .topLevel, ofKind: .consumer, at: instant)
        if span.isRecording {
            var attributes = SpanAttributes()
            attributes.set("messaging.system", value: .string(JobTracing.system))
            attributes.set("messaging.operation.type", value: .string("receive"))
            attributes.set("messaging.destination.name", value: .string(configuration.queue))
            attributes.set("messaging.batch.message_count", value: .int64(Int64(jobs.count)))
            attributes.set("jobcore.worker.id", value: .string(configuration.workerID))
            span.attributes = attributes
            for (job, parent) in zip(jobs, parents) {
                span.addLink(SpanLink(context: parent, attributes: ["messaging.message.id": .string(job.id.rawValue)]))
            }
        }
        span.end()
        return parents
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
        guard let span, span.isRecording else { return }
        var attributes = SpanAttributes()
        attributes.reserveCapacity(10)
        attributes.set("messaging.system", value: .string(JobTracing.system))
        attributes.set("messaging.operation.type", value: .string("process"))
        attributes.set("messaging.destination.name", value: .string(job.queue))
        attributes.set("messaging.message.id", value: .string(job.id.rawValue))
        attributes.set("messaging.consumer.group.name", value: .string(configuration.queue))
        attributes.set("jobcore.job.kind", value: .string(job.kind))
        attributes.set("jobcore.job.attempt", value: .int64(Int64(job.attempt)))
        attributes.set("jobcore.job.outcome", value: .string(outcome))
        switch answer {
        case .success(let record):
            attributes.set("jobcore.job.state", value: .string(record.state.rawValue))
            if outcome != JobRun.Outcome.succeeded.rawValue { span.setStatus(SpanStatus(code: .error)) }
        case .failure(let error):
            attributes.set("error.type", value: .string("\(error.code)"))
            span.setStatus(SpanStatus(code: .error))
        case nil:
            span.setStatus(SpanStatus(code: .error))
        }
        span.attributes = attributes
    }
}
