import Synchronization
import Tracing

/// An in-process tracer shaped like an OpenTelemetry SDK with a batch span processor: random
/// 128-bit trace and 64-bit span ids, W3C `traceparent` propagation (inject and extract), spans
/// with attributes and status, and finished spans handed to a bounded queue that an exporter
/// would drain (here the oldest are dropped past `capacity`, as a full batch processor drops).
final class RingBufferTracer: Tracer, Sendable {
    typealias Span = RingBufferSpan

    struct SpanContext: Sendable {
        var traceID: (UInt64, UInt64)
        var spanID: UInt64
        var parentSpanID: UInt64?
    }

    enum ContextKey: InstrumentationContextKey {
        typealias Value = SpanContext
    }

    struct Finished: Sendable {
        var name: String
        var context: SpanContext
        var attributes: SpanAttributes
        var status: SpanStatus?
        var start: UInt64
        var end: UInt64
    }

    private let queue: Mutex<(spans: [Finished], next: Int, total: Int)>
    private let capacity: Int

    init(capacity: Int = 8192) {
        self.capacity = capacity
        queue = Mutex(([], 0, 0))
    }

    /// Spans finished so far (including those dropped from the queue).
    var finishedCount: Int { queue.withLock { $0.total } }

    fileprivate func finish(_ span: Finished) {
        queue.withLock { queue in
            if queue.spans.count < capacity { queue.spans.append(span) } else { queue.spans[queue.next] = span }
            queue.next = (queue.next + 1) % capacity
            queue.total += 1
        }
    }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> RingBufferSpan {
        var context = context()
        let parent = context[ContextKey.self]
        let spanContext = SpanContext(
            traceID: parent?.traceID ?? (UInt64.random(in: 1...UInt64.max), UInt64.random(in: 1...UInt64.max)),
            spanID: UInt64.random(in: 1...UInt64.max), parentSpanID: parent?.spanID
        )
        context[ContextKey.self] = spanContext
        return RingBufferSpan(name: operationName, context: context, spanContext: spanContext, start: instant().nanosecondsSinceEpoch, tracer: self)
    }

    func forceFlush() {}

    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let span = context[ContextKey.self] else { return }
        injector.inject("00-\(hex(span.traceID.0))\(hex(span.traceID.1))-\(hex(span.spanID))-01", forKey: "traceparent", into: &carrier)
    }

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier) else { return }
        let parts = header.split(separator: "-")
        guard parts.count == 4, parts[1].count == 32, parts[2].count == 16,
              let high = UInt64(parts[1].prefix(16), radix: 16), let low = UInt64(parts[1].suffix(16), radix: 16),
              let spanID = UInt64(parts[2], radix: 16) else { return }
        context[ContextKey.self] = SpanContext(traceID: (high, low), spanID: spanID, parentSpanID: nil)
    }

    private func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

final class RingBufferSpan: Span, Sendable {
    let context: InstrumentationContext
    private let spanContext: RingBufferTracer.SpanContext
    private let name: String
    private let start: UInt64
    private let tracer: RingBufferTracer
    private let state = Mutex<(attributes: SpanAttributes, status: SpanStatus?, operationName: String?, ended: Bool)>(([:], nil, nil, false))

    init(name: String, context: InstrumentationContext, spanContext: RingBufferTracer.SpanContext, start: UInt64, tracer: RingBufferTracer) {
        self.name = name
        self.context = context
        self.spanContext = spanContext
        self.start = start
        self.tracer = tracer
    }

    var operationName: String {
        get { state.withLock { $0.operationName } ?? name }
        set { state.withLock { $0.operationName = newValue } }
    }

    var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { $0.attributes = newValue } }
    }

    var isRecording: Bool { !state.withLock { $0.ended } }

    func setStatus(_ status: SpanStatus) { state.withLock { $0.status = status } }
    func addEvent(_ event: SpanEvent) {}
    func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {}
    func addLink(_ link: SpanLink) {}

    func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        guard let (attributes, status, operationName) = state.withLock({ state -> (SpanAttributes, SpanStatus?, String?)? in
            guard !state.ended else { return nil }
            state.ended = true
            return (state.attributes, state.status, state.operationName)
        }) else { return }
        tracer.finish(.init(name: operationName ?? name, context: spanContext, attributes: attributes, status: status,
                            start: start, end: instant().nanosecondsSinceEpoch))
    }
}
