import Foundation
import InMemoryTracing
@_spi(JobStoreImplementation) import JobCore
import JobCoreTesting
import Synchronization
import Testing
import Tracing

@Suite struct JobTracingTests {
    let clock = ManualClock()

    /// A request span enqueues a job; its first attempt fails and is retried: the enqueue span is
    /// the request's child, and each claim and attempt (the retry too) a child of the enqueue
    /// span in the same trace; a span the handler starts is the attempt's child.
    @Test func attemptsAreChildrenOfTheEnqueueSpanAcrossRetries() async throws {
        let tracer = InMemoryTracer()
        let observability = Observability(tracer: tracer)
        let store = MemoryJobStore(clock: clock)
        let attempts = Atomic<Int>(0)
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, _ in
            let span = tracer.startSpan("handler.work", context: ServiceContext.current ?? .topLevel)
            span.end()
            if attempts.add(1, ordering: .relaxed).newValue == 1 { throw JobFailure("flaky") }
        }
        var events = WorkerEvents()
        var configuration = Worker.Configuration(workerID: "w1", lease: .seconds(3600), heartbeatInterval: .seconds(5))
        configuration.retry = RetryPolicy(base: .seconds(10), multiplier: 2, jitter: 0)
        configuration.observability = observability
        let worker = Worker(store: store, handlers: handlers, configuration: configuration, clock: clock, observer: events.observer)
        let queue = DurableJobQueue(store: store, observability: observability)
        let job = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            let job = try await tracer.withSpan("POST /webhook", ofKind: .server) { _ in
                try await queue.enqueue(echoKind, Echo(text: "x")).job
            }
            #expect(await events.finished(job.id) == .failed)
            clock.advance(by: .seconds(10))
            #expect(await events.finished(job.id) == .succeeded)
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
            return job
        }
        #expect(job.traceContext[InMemoryTracer.traceIDKey] != nil, "the job keeps the enqueuer's trace context")
        let spans = tracer.finishedSpans
        let request = try #require(spans.first { $0.operationName == "POST /webhook" })
        let enqueue = try #require(spans.first { $0.operationName == "jobcore.enqueue" })
        let attemptSpans = spans.filter { $0.operationName == "jobcore.attempt" }
        let claims = spans.filter { $0.operationName == "jobcore.claim" }
        let work = spans.filter { $0.operationName == "handler.work" }
        #expect(enqueue.parentSpanID == request.spanID && enqueue.kind == .producer)
        #expect(attemptSpans.count == 2 && claims.count == 2 && work.count == 2)
        for claim in claims {
            // A batch receive: a trace of its own, linked to the job's enqueue span.
            #expect(claim.kind == .consumer && claim.parentSpanID == nil && claim.traceID != request.traceID)
            #expect(claim.attributes["messaging.operation.type"]?.toSpanAttribute() == "receive")
            #expect(claim.attributes["messaging.batch.message_count"]?.toSpanAttribute() == 1)
            #expect(claim.attributes["jobcore.worker.id"]?.toSpanAttribute() == "w1")
            #expect(claim.links.count == 1)
            let link = try #require(claim.links.first)
            #expect(link.context.inMemorySpanContext?.spanID == enqueue.spanID)
            #expect(link.attributes["messaging.message.id"]?.toSpanAttribute() == .string(job.id.rawValue))
        }
        for span in attemptSpans {
            #expect(span.traceID == request.traceID && span.parentSpanID == enqueue.spanID, "\(span.operationName)")
            #expect(span.kind == .consumer)
            #expect(span.attributes["messaging.system"]?.toSpanAttribute() == "jobcore")
            #expect(span.attributes["messaging.message.id"]?.toSpanAttribute() == .string(job.id.rawValue))
            #expect(span.attributes["messaging.destination.name"]?.toSpanAttribute() == "default")
            #expect(span.attributes["jobcore.job.kind"]?.toSpanAttribute() == "echo")
        }
        #expect(Set(attemptSpans.map(\.spanID)).count == 2, "a retry is a new span")
        #expect(attemptSpans.map { $0.attributes["jobcore.job.attempt"]?.toSpanAttribute() } == [1, 2])
        #expect(attemptSpans.map { $0.attributes["jobcore.job.outcome"]?.toSpanAttribute() } == ["failed", "succeeded"])
        #expect(attemptSpans[0].status?.code == .error && attemptSpans[1].status == nil)
        #expect(Set(work.map(\.parentSpanID)) == Set(attemptSpans.map(\.spanID)), "the handler's spans are the attempts' children")
        #expect(enqueue.attributes["messaging.message.id"]?.toSpanAttribute() == .string(job.id.rawValue))
    }

    /// Without a stored trace context (a job enqueued untraced) each attempt starts a trace.
    @Test func anUntracedJobGetsATraceOfItsOwn() async throws {
        let tracer = InMemoryTracer()
        let store = MemoryJobStore(clock: clock)
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, _ in }
        var events = WorkerEvents()
        var configuration = Worker.Configuration(workerID: "w1", lease: .seconds(3600), heartbeatInterval: .seconds(5))
        configuration.observability = Observability(tracer: tracer)
        let worker = Worker(store: store, handlers: handlers, configuration: configuration, clock: clock, observer: events.observer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
            #expect(job.traceContext.isEmpty)
            #expect(await events.finished(job.id) == .succeeded)
            worker.requestShutdown(grace: .zero)
            try await group.waitForAll()
        }
        let attempt = try #require(tracer.finishedSpans.first { $0.operationName == "jobcore.attempt" })
        #expect(attempt.parentSpanID == nil)
    }

    /// The stores' text form of a trace context: one `name: value` line per field, sorted.
    @Test func traceContextTextRoundTripsAndRefusesMalformedLines() {
        let context = ["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate": "congo=t61rcWkgMzE,rojo=00f067"]
        let text = TraceContextText.encode(context)
        #expect(text == "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\ntracestate: congo=t61rcWkgMzE,rojo=00f067")
        #expect(TraceContextText.decode(text) == context)
        #expect(TraceContextText.encode([:]) == nil)
        #expect(TraceContextText.decode(nil) == [:])
        #expect(TraceContextText.decode("") == [:])
        #expect(TraceContextText.decode("a:b") == ["a": "b"], "the space after the colon is optional")
        #expect(TraceContextText.decode("a: b: c\nd: ") == ["a": "b: c", "d": ""], "a value may hold colons or be empty")
        #expect(TraceContextText.decode("é: ü") == ["é": "ü"])
        #expect(TraceContextText.decode("no colon") == nil)
        #expect(TraceContextText.decode(": value") == nil, "a name is required")
        #expect(TraceContextText.decode("a: b\n") == nil, "an empty line is malformed")
    }
}
